/**
 * What users wait for, for `npm run bench`: the BUILT app (vite build, served by vite preview) in
 * headless Chromium on WASM, beside the same generation in Node in the same run.
 *   - click → final frame: a click on Generate (25 steps, capture on, the explorer drawing every
 *     step live) to the first animation frame after the generation resolved, on the model the app
 *     opens by default (models/index.json) with the provider table's UNet file;
 *   - with `--baseline REF`: the same click on the app built from that commit ("today's" app,
 *     built-app.ts), its runs alternating with the current app's, so now/today is a median of
 *     per-pair ratios measured under the same load;
 *   - the same settings through the CLI's engine in this process (onnxruntime-web WASM, 2 threads):
 *     the default model with the table's UNet ("now"), and "today's" Node figure, the `scenes`
 *     package's fp32 UNet at batch 2 (classifier-free guidance, two passes per step), interleaved
 *     with the page runs, so browser/Node and now/today are medians of per-pair ratios;
 *   - each app runs in its own browser; whatever is timed runs with the other browsers stopped
 *     (pause.ts): an idle page still draws frames on the CPU here, which neither a CLI user nor a
 *     user with one tab open has beside them;
 *   - per step: UNet step in the worker (the record's `ms`), worker→page message latency (transfer
 *     plus waiting for a busy main thread), main-thread task per step message (handler, Svelte
 *     effects, drawing, until the next task may run), preview drawing (renderer.render calls);
 *   - model load, cold (fresh browser context: empty HTTP cache) and cached (reload), to the model
 *     being ready; and the bytes of .wasm and .onnx files the page downloaded.
 * The page's numbers come from performance.now() inside the page (no DevTools round trips).
 */
import { join } from 'node:path';
import type { GenerationSettings } from '../../core/record.ts';
import { unetFileFor } from '../../model/load.ts';
import { createNodeGenerator } from '../../model/node-model.ts';
import { benchPage, coldLoads, loadApp, measured, type Measured } from './browser-apps.ts';
import { clickToFinalFrame, type PageRun } from './browser-page.ts';
import { serveBaseline, serveCurrent, type BuiltApp } from './built-app.ts';
import {
  launchPausable,
  supported as canPause,
  whilePaused,
  type PausableBrowser,
} from './pause.ts';
import { BENCH_PROMPT, BENCH_STEPS } from './generation.ts';
import { defaultModelDir } from './model-dirs.ts';
import { median, p95 } from './stats.ts';
import type { BenchRow } from './types.ts';

const STEPS = BENCH_STEPS;
const REPS = 5;
const WARMUP = 1;
const COLD_LOADS = 2;
const CACHED_LOADS = 3;
/** Time a page is left running after its final frame, before anything else is timed (the loop). */
const SETTLE_MS = 1500;

/** "Today's" model in Node: the v1 package, fp32 UNet, batch-2 guidance, as before issue 14. */
const TODAY_PACKAGE = 'scenes';
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

export interface BrowserBenchOptions {
  /** A git ref: also time the app as built from that commit, alternating with this one. */
  baseline?: string;
}

const bytesOf = (d: Record<string, number>): number => Object.values(d).reduce((a, b) => a + b, 0);

export async function benchBrowserGeneration(opts: BrowserBenchOptions = {}): Promise<BenchRow[]> {
  const nowDir = await defaultModelDir();
  const todayDir = join(nowDir, '..', TODAY_PACKAGE);
  const browsers: PausableBrowser[] = [];
  const apps: BuiltApp[] = [];
  // "Now": what a user gets by default; "today": the v1 package's fp32 UNet, batch 2.
  const node = createNodeGenerator({ dir: nowDir, ep: 'wasm', threads: 2 });
  const nodeToday = createNodeGenerator({ dir: todayDir, ep: 'wasm', threads: 2, unet: 'fp32' });
  try {
    apps.push(await serveCurrent());
    if (opts.baseline) apps.push(await serveBaseline(opts.baseline));
    const [current, baseline] = apps.map(measured) as [Measured, Measured | undefined];
    // One browser per app, so each app's work is timed with the other's browser stopped (pause.ts).
    for (const m of [current, baseline]) if (m) browsers.push(await launchPausable());
    const own = new Map<Measured, PausableBrowser>();
    [current, baseline].forEach((m, i) => m && own.set(m, browsers[i]!));
    const alone = <T>(m: Measured, fn: (b: PausableBrowser['browser']) => Promise<T>): Promise<T> =>
      whilePaused(
        browsers.filter((b) => b !== own.get(m)),
        () => fn(own.get(m)!.browser),
      );
    await alone(current, (b) => coldLoads(b, current, COLD_LOADS));
    if (baseline) await alone(baseline, (b) => coldLoads(b, baseline, 1));

    const info = await node.load();
    const todayInfo = await nodeToday.load();
    const { guidance, seed } = info.manifest.defaults;
    const settings: GenerationSettings = { prompt: BENCH_PROMPT, seed, steps: STEPS, guidance };
    const errors: string[] = [];
    const cached: number[] = [];
    current.page = await alone(current, async (b) => {
      const page = await benchPage(b, current, settings, errors);
      for (let i = 0; i < CACHED_LOADS; i++) cached.push(await loadApp(page, current.app.url));
      return page;
    });
    if (baseline)
      baseline.page = await alone(baseline, (b) => benchPage(b, baseline, settings, errors));

    const nodeMs: number[] = [];
    const todayMs: number[] = [];
    const ratios: number[] = [];
    const speedups: number[] = [];
    const vsBaseline: number[] = [];
    for (let i = 0; i < WARMUP + REPS; i++) {
      // The two apps take turns going first, so neither always runs right after Node's work.
      const order = baseline && i % 2 === 1 ? [baseline, current] : [current, baseline];
      const pageRuns = new Map<Measured, PageRun>();
      for (const m of order) {
        const page = m?.page;
        if (!m || !page) continue;
        // The other app's browser is stopped during this app's click and its tail.
        const run = await alone(m, async () => {
          const r = await page.evaluate(clickToFinalFrame, STEPS);
          // After its final frame the page keeps working for a while (word scores in a worker,
          // maps prefetched in idle slices, the full-resolution refinement): let it finish here,
          // or it would resume inside the next measurement.
          await new Promise((res) => setTimeout(res, SETTLE_MS));
          return r;
        });
        pageRuns.set(m, run);
      }
      const timed = async (g: typeof node): Promise<number> => {
        const t = performance.now();
        await g.generate(settings);
        return performance.now() - t;
      };
      // Node is timed with every browser stopped, as the CLI runs (and the core rows time it), and
      // the two Node runs alternate which goes first.
      const [n, f] = await whilePaused(browsers, async () => {
        if (i % 2 === 0) {
          const a = await timed(node);
          return [a, await timed(nodeToday)];
        }
        const b = await timed(nodeToday);
        return [await timed(node), b];
      });
      if (i < WARMUP) continue;
      for (const [m, run] of pageRuns) m.runs.push(run);
      const run = pageRuns.get(current)!;
      nodeMs.push(n);
      todayMs.push(f);
      ratios.push(run.totalMs / n);
      speedups.push(n / f);
      if (baseline) vsBaseline.push(run.totalMs / pageRuns.get(baseline)!.totalMs);
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const runs = current.runs;
    const pooled = (f: (r: PageRun) => number[]): number[] => runs.flatMap(f);
    const common = {
      steps: STEPS,
      ep: 'wasm',
      threads: 2,
      model: info.manifest.name,
      unet: unetFileFor(info.manifest, info.ep),
      batch: info.manifest.guidance ? 1 : 2,
      // Whether the other browser / every browser was stopped while each side was timed.
      othersPaused: canPause && browsers.every((b) => b.pid !== null),
    };
    const ratioRow = (id: string, name: string, xs: number[], target: number, of: string) => ({
      ...row(id, name, xs, {}, 'ratio'),
      target,
      ratio: median(xs),
      ratioOf: of,
      targetOn: 'ratio' as const,
    });
    const bytesRow = (id: string, name: string, d: Record<string, number>): BenchRow => ({
      ...row(id, name, [bytesOf(d)], d, 'bytes'),
      p95: null,
      samples: 0,
    });
    const baselineRows: BenchRow[] = baseline
      ? [
          row(
            'browser/generation/baseline-click-to-final',
            `click → final frame, today's app (${baseline.app.label}), alternating`,
            baseline.runs.map((r) => r.totalMs),
            // Its own model and UNet file, as that commit's app loads them.
            { steps: STEPS, ep: 'wasm', commit: baseline.app.label, ref: opts.baseline ?? '' },
          ),
          ratioRow(
            'browser/generation/vs-baseline',
            "browser: now / today's app, per alternating pair",
            vsBaseline,
            0.5,
            `app at ${baseline.app.label}`,
          ),
          row('browser/load/baseline-cold', "today's app: model load, cold", baseline.cold),
          bytesRow(
            'browser/download/baseline-wasm+model',
            "today's app: bytes downloaded, .wasm + .onnx",
            baseline.downloads,
          ),
        ]
      : [];
    return [
      row(
        'browser/generation/click-to-final',
        `click → final frame, ${STEPS} steps + capture, built app, WASM`,
        runs.map((r) => r.totalMs),
        common,
      ),
      ...baselineRows.slice(0, 2),
      row(
        'browser/generation/node-same-run',
        `same generation in Node (engine, WASM 2t), interleaved`,
        nodeMs,
        common,
      ),
      row(
        'browser/generation/node-fp32',
        `today's in Node: ${TODAY_PACKAGE}, fp32 UNet, batch 2 (two passes)`,
        todayMs,
        { ...common, model: todayInfo.manifest.name, unet: todayInfo.manifest.unet, batch: 2 },
      ),
      ratioRow(
        'browser/generation/node-vs-fp32',
        "Node: now / today's, per run",
        speedups,
        0.5,
        "today's",
      ),
      ratioRow(
        'browser/generation/ratio',
        'browser / Node, per interleaved pair',
        ratios,
        1.3,
        'Node',
      ),
      row(
        'browser/generation/click-to-first-step',
        'click → first step message (encode, step 1, worker start)',
        runs.map((r) => r.firstStepMs),
      ),
      row(
        'browser/generation/last-step-to-final',
        'last step message → final frame (record, maps, drawing)',
        runs.map((r) => r.tailMs),
      ),
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
        { drawsPerRun: median(runs.map((r) => r.draws)) },
      ),
      row(
        'browser/load/cold',
        'model load, cold (fresh context), navigation → ready',
        current.cold,
      ),
      row('browser/load/cached', 'model load, cached (reload), navigation → ready', cached),
      bytesRow(
        'browser/download/wasm+model',
        'bytes downloaded: .wasm + .onnx files',
        current.downloads,
      ),
      bytesRow(
        'browser/download/sw-precache',
        'bytes the service worker precaches for offline (.wasm + .onnx)',
        current.precached,
      ),
      ...baselineRows.slice(2),
    ];
  } finally {
    await node.dispose();
    await nodeToday.dispose();
    for (const b of browsers) await b.browser.close();
    for (const app of apps) await app.close();
  }
}

// `npx tsx src/cli/bench/browser-generation.ts` runs this bench alone.
// `… --baseline REF` also times the app built from that commit.
if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--baseline');
  const baseline = at > 0 ? process.argv[at + 1] : undefined;
  benchBrowserGeneration(baseline ? { baseline } : {}).then(
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
