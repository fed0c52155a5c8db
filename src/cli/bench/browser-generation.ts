/**
 * What users wait for, for `npm run bench`: the BUILT app (vite build, served by vite preview) in
 * headless Chromium on WASM, beside the same generation in Node in the same run.
 *   - click → final frame: a click on Generate (25 steps, capture on, the explorer drawing every
 *     step live) to the first animation frame after the generation resolved;
 *   - the same settings through the CLI's engine in this process (onnxruntime-web WASM, 2 threads),
 *     interleaved with the page runs, so browser/Node is a median of per-pair ratios;
 *   - per step: UNet step in the worker (the record's `ms`), worker→page message latency (transfer
 *     plus waiting for a busy main thread), main-thread task per step message (handler, Svelte
 *     effects, drawing, until the next task may run), preview drawing (renderer.render calls);
 *   - model load, cold (fresh browser context: empty HTTP cache) and cached (reload), to the model
 *     being ready; and the bytes of .wasm and .onnx files the page downloaded.
 * The page's numbers come from performance.now() inside the page (no DevTools round trips).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { launchChromium } from '../chromium.ts';
import type { GenerationSettings } from '../../core/record.ts';
import { createNodeGenerator, DEFAULT_MODEL_DIR } from '../../model/node-model.ts';
import { clickToFinalFrame, INSTRUMENT, type PageRun } from './browser-page.ts';
import { BENCH_PROMPT, BENCH_STEPS } from './generation.ts';
import { median, p95 } from './stats.ts';
import type { BenchRow } from './types.ts';

const STEPS = BENCH_STEPS;
const REPS = 5;
const WARMUP = 1;
const COLD_LOADS = 2;
const CACHED_LOADS = 3;
/** Opens the app without a prompt (nothing generates) and returns ms from navigation to model ready. */
async function loadApp(page: Page, url: string): Promise<number> {
  await page.goto(`${url}?ep=wasm`);
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const poll = (): void => {
          const status = window.__wordlight?.explorer.generation.modelStatus;
          if (status === 'ready') resolve(performance.now());
          else if (status === 'failed') reject(new Error('model load failed'));
          else setTimeout(poll, 5);
        };
        poll();
      }),
  );
}

function row(
  id: string,
  name: string,
  xs: number[],
  extra: BenchRow['extra'] = {},
  unit: BenchRow['unit'] = 'ms',
): BenchRow {
  return {
    id,
    name,
    median: median(xs),
    p95: p95(xs),
    unit,
    samples: xs.length,
    target: null,
    ratio: null,
    extra,
  };
}

export async function benchBrowserGeneration(dir = DEFAULT_MODEL_DIR): Promise<BenchRow[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'wordlight-bench-dist-'));
  let server: PreviewServer | null = null;
  let browser: Browser | null = null;
  const node = createNodeGenerator({ dir, ep: 'wasm', threads: 2 });
  // Before issue 14: the fp32 UNet on WASM (and a batch-2 CFG model): the "today" baseline.
  const nodeFp32 = createNodeGenerator({ dir, ep: 'wasm', threads: 2, unet: 'fp32' });
  try {
    await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({
      logLevel: 'error',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a local URL');
    browser = await launchChromium();

    const cold: number[] = [];
    const downloads: Record<string, number> = {};
    for (let i = 0; i < COLD_LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // tsx (esbuild keepNames) wraps named inner functions in __name(); evaluated in the page too.
      await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
      const page = await context.newPage();
      const bodies: Promise<void>[] = [];
      if (i === 0) {
        // The worker's fetches (ORT's .wasm, the .onnx files) are reported on the context.
        context.on('response', (res) => {
          const name = res.url().split('/').pop()?.split('?')[0] ?? '';
          if (!/\.(wasm|onnx)$/.test(name)) return;
          bodies.push(
            res.body().then(
              (b) => void (downloads[name] = b.length),
              () => void (downloads[name] = Number(res.headers()['content-length'] ?? NaN)),
            ),
          );
        });
      }
      cold.push(await loadApp(page, url));
      await Promise.all(bodies);
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript({ content: INSTRUMENT });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loadApp(page, url);
    const cached: number[] = [];
    for (let i = 0; i < CACHED_LOADS; i++) cached.push(await loadApp(page, url));
    await page.fill('[aria-label="Prompt"]', BENCH_PROMPT);

    const info = await node.load();
    await nodeFp32.load();
    const { guidance, seed } = info.manifest.defaults;
    const settings: GenerationSettings = { prompt: BENCH_PROMPT, seed, steps: STEPS, guidance };
    await page.evaluate((s) => {
      const st = window.__wordlight!.explorer.settings;
      st.seed = s.seed;
      st.guidance = s.guidance;
    }, settings);

    const runs: PageRun[] = [];
    const nodeMs: number[] = [];
    const nodeFp32Ms: number[] = [];
    const ratios: number[] = [];
    const speedups: number[] = [];
    for (let i = 0; i < WARMUP + REPS; i++) {
      const run = await page.evaluate(clickToFinalFrame, STEPS);
      const t0 = performance.now();
      await node.generate(settings);
      const n = performance.now() - t0;
      const t1 = performance.now();
      await nodeFp32.generate(settings);
      const f = performance.now() - t1;
      if (i < WARMUP) continue;
      runs.push(run);
      nodeMs.push(n);
      nodeFp32Ms.push(f);
      ratios.push(run.totalMs / n);
      speedups.push(n / f);
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const browserMs = runs.map((r) => r.totalMs);
    const pooled = (f: (r: PageRun) => number[]): number[] => runs.flatMap(f);
    const bytes = Object.values(downloads).reduce((a, b) => a + b, 0);
    const common = { steps: STEPS, ep: 'wasm', threads: 2, model: info.manifest.name };
    return [
      row(
        'browser/generation/click-to-final',
        `click → final frame, ${STEPS} steps + capture, built app, WASM`,
        browserMs,
        common,
      ),
      row(
        'browser/generation/node-same-run',
        `same generation in Node (engine, WASM 2t), interleaved`,
        nodeMs,
        common,
      ),
      row('browser/generation/node-fp32', 'same, fp32 UNet (before int8): Node', nodeFp32Ms, {
        ...common,
        unet: info.manifest.unet,
      }),
      {
        ...row(
          'browser/generation/node-vs-fp32',
          'Node: now / fp32 UNet, per run',
          speedups,
          {},
          'ratio',
        ),
        target: 0.5,
        ratio: median(speedups),
        ratioOf: 'fp32 UNet',
        targetOn: 'ratio',
      },
      {
        ...row(
          'browser/generation/ratio',
          'browser / Node, per interleaved pair',
          ratios,
          {},
          'ratio',
        ),
        target: 1.3,
        ratio: median(ratios),
        ratioOf: 'Node',
        targetOn: 'ratio',
      },
      row(
        'browser/step/worker-unet',
        'per step: UNet step in the worker (record ms)',
        pooled((r) => r.workerMs),
      ),
      row(
        'browser/step/message-latency',
        'per step: worker post → page receipt',
        pooled((r) => r.latencyMs),
      ),
      row(
        'browser/step/main-thread',
        'per step: page task per step message (to next task)',
        pooled((r) => r.mainMs),
      ),
      row(
        'browser/step/preview-draw',
        'per step: renderer draws during the run',
        runs.map((r) => r.drawMs / STEPS),
        {
          drawsPerRun: median(runs.map((r) => r.draws)),
        },
      ),
      row('browser/load/cold', 'model load, cold (fresh context), navigation → ready', cold),
      row('browser/load/cached', 'model load, cached (reload), navigation → ready', cached),
      {
        ...row(
          'browser/download/wasm+model',
          'bytes downloaded: .wasm + .onnx files',
          [bytes],
          downloads,
          'bytes',
        ),
        p95: null,
        samples: 0,
      },
    ];
  } finally {
    await node.dispose();
    await nodeFp32.dispose();
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

// `npx tsx src/cli/bench/browser-generation.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchBrowserGeneration().then(
    (rows) => {
      for (const r of rows)
        console.log(
          `${r.id.padEnd(36)} median ${r.median.toFixed(r.unit === 'ratio' ? 2 : 1)} ${r.unit}  p95 ${r.p95?.toFixed(1) ?? '-'}  n=${r.samples} ${JSON.stringify(r.extra ?? {})}`,
        );
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
