/**
 * Hover and scrub latency of the explorer, for `npm run bench`: the time from a pointer entering a
 * word chip (hover) or the Step slider's input event (scrub) to the overlay frame being drawn, in
 * headless Chromium with software WebGL (SwiftShader) at a 512×512 view. Target: p95 ≤ 16 ms.
 *
 * "Drawn" means the draw call has been issued and the GPU has finished it: the clock stops after a
 * 1×1 readPixels, which waits for the frame's commands to complete. Measured inside the page with
 * performance.now(), so the DevTools protocol's round trips are not counted.
 *
 * Setup: Vite dev server + Chromium (src/cli/chromium.ts, as the browser tests), a short generation on WASM
 * (the smoke or trained model in public/models/scenes), maps for every step warmed first — a scrub
 * is measured on the cache, as it runs in the app once the idle prefetch has filled it.
 */
import type { Page } from 'playwright-core';
import { withAppPage } from './app-page.ts';
import { p95, median } from './stats.ts';
import type { BenchRow } from './types.ts';

const TARGET_MS = 16;
const VIEW = 512;
const SAMPLES = 120;
const WARMUP = 15;
const GAP_MS = 300;
const PROMPT = 'a red circle on the left and a blue square on the right';
const STEPS = 8;

interface PageTimings {
  hover: number[];
  scrub: number[];
  /** Drawing-buffer scale of each measured frame (1 = full resolution, < 1 = preview). */
  previewScale: number[];
  /** Event → draw call issued (main-thread share of the latency), per sample. */
  toDraw: number[];
  /** The renderer's measured cost of a full-resolution frame. */
  fullFrameMs: number;
  viewWidth: number;
  viewHeight: number;
  renderer: string;
}

/** Runs inside the page: measures `samples` hovers and scrubs after `warmup` untimed ones. */
async function measureInPage(args: {
  samples: number;
  warmup: number;
  gapMs: number;
}): Promise<PageTimings> {
  const ex = window.__wordlight?.explorer;
  const r = ex?.renderer;
  if (!ex || !r) throw new Error('explorer or renderer missing');
  const gl = r.renderer.getContext();
  const pixel = new Uint8Array(4);
  const scales: number[] = [];
  const toDraw: number[] = [];
  const chips = [...document.querySelectorAll<HTMLButtonElement>('button[data-position]')];
  const slider = document.querySelector<HTMLInputElement>('input[type=range][aria-label="Step"]');
  if (chips.length < 2 || !slider) throw new Error('no chips or no Step slider');
  const nextFrame = (): Promise<void> => new Promise((res) => requestAnimationFrame(() => res()));
  // Between samples, let the previous frame's compositing finish: a person hovers every few
  // hundred milliseconds, not every frame, and a queued composite is not this event's latency.
  const settle = async (): Promise<void> => {
    await nextFrame();
    await new Promise((res) => setTimeout(res, args.gapMs));
    await nextFrame();
  };

  // Resolves when the renderer has drawn, then waits for the GPU to finish that frame.
  const drawn = (start: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('no frame within 2 s')), 2000);
      r.onFrame = () => {
        r.onFrame = null;
        scales.push(r.drawScale);
        toDraw.push(performance.now() - start);
        clearTimeout(timeout);
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
        resolve(performance.now() - start);
      };
    });

  async function hoverOnce(i: number): Promise<number> {
    const from = chips[i % chips.length]!;
    const to = chips[(i + 1) % chips.length]!;
    from.dispatchEvent(new PointerEvent('pointerleave'));
    await settle();
    const start = performance.now();
    const done = drawn(start);
    to.dispatchEvent(new PointerEvent('pointerenter'));
    return done;
  }

  async function scrubOnce(i: number): Promise<number> {
    const max = Number(slider!.max);
    await settle();
    const start = performance.now();
    const done = drawn(start);
    slider!.value = String((i * 7 + 3) % (max + 1));
    slider!.dispatchEvent(new Event('input', { bubbles: true }));
    return done;
  }

  // Hover needs a word on screen for scrubs to update maps too: pin the first chip.
  for (let i = 0; i < args.warmup; i++) await hoverOnce(i);
  const hover: number[] = [];
  for (let i = 0; i < args.samples; i++) hover.push(await hoverOnce(i));
  chips[0]!.dispatchEvent(new PointerEvent('pointerenter'));
  await nextFrame();
  for (let i = 0; i < args.warmup; i++) await scrubOnce(i);
  const scrub: number[] = [];
  for (let i = 0; i < args.samples; i++) scrub.push(await scrubOnce(i));
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  await new Promise((res) => setTimeout(res, 400)); // let the last refinement land
  return {
    hover,
    scrub,
    previewScale: scales,
    toDraw,
    fullFrameMs: r.fullFrameMs ?? -1,
    viewWidth: gl.drawingBufferWidth,
    viewHeight: gl.drawingBufferHeight,
    renderer: String(
      debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    ),
  };
}

/**
 * Runs inside the page: the "Attention over steps" chart's update on hover and on scrub — from the
 * event to the chart's DOM changed (the highlighted line, the step marker) and laid out (a forced
 * style + layout read), i.e. the main-thread work before the browser can paint it.
 */
async function measureChartInPage(args: {
  samples: number;
  warmup: number;
  gapMs: number;
}): Promise<{ hover: number[]; scrub: number[] }> {
  const figure = document.querySelector('figure[aria-label="Attention over steps"]');
  const svg = figure?.querySelector('svg');
  // Only words with a line in the chart (content words): hovering "a" or "the" changes nothing.
  const charted = new Set(
    [...(svg?.querySelectorAll('polyline') ?? [])].map((l) => l.getAttribute('data-word')),
  );
  const chips = [...document.querySelectorAll<HTMLButtonElement>('button[data-position]')].filter(
    (c) => charted.has(c.textContent),
  );
  const slider = document.querySelector<HTMLInputElement>('input[type=range][aria-label="Step"]');
  if (!figure || !svg || chips.length < 2 || !slider) throw new Error('no chart, chips or slider');
  const settle = (): Promise<void> =>
    new Promise((res) => requestAnimationFrame(() => setTimeout(res, args.gapMs)));
  const changed = (start: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('chart did not change within 2 s')), 2000);
      const observer = new MutationObserver(() => {
        observer.disconnect();
        clearTimeout(timeout);
        svg.getBoundingClientRect(); // style + layout of the changed chart
        resolve(performance.now() - start);
      });
      observer.observe(figure, { attributes: true, subtree: true, childList: true });
    });
  const hover: number[] = [];
  const scrub: number[] = [];
  for (let i = 0; i < args.warmup + args.samples; i++) {
    chips[i % chips.length]!.dispatchEvent(new PointerEvent('pointerleave'));
    await settle();
    const start = performance.now();
    const done = changed(start);
    chips[(i + 1) % chips.length]!.dispatchEvent(new PointerEvent('pointerenter'));
    const ms = await done;
    if (i >= args.warmup) hover.push(ms);
  }
  const max = Number(slider.max);
  for (let i = 0; i < args.warmup + args.samples; i++) {
    await settle();
    const next = (i * 7 + 3) % (max + 1);
    if (String(next) === slider.value) continue;
    const start = performance.now();
    const done = changed(start);
    slider.value = String(next);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    const ms = await done;
    if (i >= args.warmup) scrub.push(ms);
  }
  return { hover, scrub };
}

export async function openExplorer(page: Page, url: string): Promise<void> {
  const hash = new URLSearchParams({ p: PROMPT, seed: '1', steps: String(STEPS) }).toString();
  await page.goto(`${url}?ep=wasm#${hash}`);
  // A 512×512 CSS-pixel view at devicePixelRatio 1 is a 512×512 drawing buffer.
  // + 2: the stage has a 1 px border on each side.
  await page.addStyleTag({ content: `.viewer .stage { width: ${VIEW + 2}px !important; }` });
  await page.waitForFunction(
    () => {
      const bar = document.querySelector('[role=progressbar]');
      const ex = window.__wordlight?.explorer;
      return (
        !!bar &&
        !!ex?.record?.complete &&
        bar.getAttribute('aria-valuenow') === bar.getAttribute('aria-valuemax')
      );
    },
    null,
    { timeout: 240_000 },
  );
  // Fill the map cache for every step (what the idle prefetch does) before timing scrubs.
  await page.evaluate(() => {
    const ex = window.__wordlight!.explorer;
    const record = ex.record!;
    for (let step = 0; step < record.steps.length; step++)
      ex.maps.get(record, { ...ex.mapSelection, step });
  });
}

function row(id: string, name: string, ms: number[], extra: BenchRow['extra']): BenchRow {
  const tail = p95(ms);
  return {
    id,
    name,
    median: median(ms),
    p95: tail,
    unit: 'ms',
    samples: ms.length,
    target: TARGET_MS,
    targetOn: 'p95',
    ratio: tail / TARGET_MS,
    extra,
  };
}

export async function benchHoverLatency(): Promise<BenchRow[]> {
  const opts = {
    cacheDir: 'node_modules/.vite-hover-bench',
    viewport: { width: 1280, height: 1000 },
    deviceScaleFactor: 1,
  };
  return withAppPage(opts, async (page, url) => {
    await openExplorer(page, url);
    const t = await page.evaluate(measureInPage, {
      samples: SAMPLES,
      warmup: WARMUP,
      gapMs: GAP_MS,
    });
    const chart = await page.evaluate(measureChartInPage, {
      samples: SAMPLES,
      warmup: WARMUP,
      gapMs: GAP_MS / 2,
    });
    const previews = t.previewScale.filter((s) => s < 1);
    const half = SAMPLES + WARMUP;
    const mainHover = t.toDraw.slice(WARMUP, half);
    const mainScrub = t.toDraw.slice(half + WARMUP);
    const extra = {
      view: `${t.viewWidth}x${t.viewHeight}`,
      webgl: t.renderer,
      steps: STEPS,
      previewFrames: previews.length,
      previewScale: previews.length ? Math.min(...previews) : 1,
      fullFrameMs: Number(t.fullFrameMs.toFixed(1)),
    };
    const main = (ms: number[]) => ({
      mainThreadMedianMs: Number(median(ms).toFixed(2)),
      mainThreadP95Ms: Number(p95(ms).toFixed(2)),
    });
    return [
      row('ui/hover-latency/512', `hover → overlay drawn, ${t.viewWidth}² SwiftShader`, t.hover, {
        ...extra,
        ...main(mainHover),
      }),
      row('ui/scrub-latency/512', `scrub → overlay drawn, ${t.viewWidth}² SwiftShader`, t.scrub, {
        ...extra,
        ...main(mainScrub),
      }),
      row('ui/chart-hover', 'hover → "Attention over steps" updated + laid out', chart.hover, {
        steps: STEPS,
      }),
      row('ui/chart-scrub', 'scrub → "Attention over steps" marker moved + laid out', chart.scrub, {
        steps: STEPS,
      }),
    ];
  });
}

// `npx tsx src/cli/bench/hover-latency.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchHoverLatency().then(
    (rows) => {
      for (const r of rows) {
        console.log(
          `${r.id.padEnd(24)} median ${r.median.toFixed(2)} ms  p95 ${r.p95?.toFixed(2)} ms  (target p95 ≤ ${r.target} ms, n=${r.samples})`,
        );
      }
      for (const r of rows) console.log(r.id, JSON.stringify(r.extra));
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
