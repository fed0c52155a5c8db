/**
 * Soak, for `npm run bench`: 100 generations in one page of the real app (headless Chromium,
 * WASM), each followed by a hover over every word chip and a scrub over every step, as a person
 * exploring would. Measured through the DevTools protocol after a forced garbage collection:
 * the main thread's JS heap and the DOM node count after a 10-generation warm-up and at the end.
 * Target: growth ≤ 10 % for both (no leak per generation). ORT tensors live in the worker's WASM
 * heap, which the protocol does not expose per tensor, so they are not counted here; the worker
 * releases every output tensor per step (engine.ts releaseAll).
 *
 * SOAK_GENERATIONS=n overrides the count (e.g. a quick local check); the row says which ran.
 */
import type { CDPSession, Page } from 'playwright-core';
import { withAppPage } from './app-page.ts';
import type { BenchRow } from './types.ts';

const GENERATIONS = Number(process.env.SOAK_GENERATIONS ?? 100);
const STEPS = 4;
const TARGET = 1.1;
const PROMPTS = [
  'a red circle on the left and a blue square on the right',
  'a small green triangle at the top',
  'a big yellow square in the center',
  'an orange circle on the right and a purple triangle on the left',
];
/**
 * The warm-up sample is taken after a generation of the same prompt as the last one: the word
 * chips, tooltips and maps on screen depend on the prompt's words, so comparing a 6-word prompt's
 * page with a 13-word prompt's would count the extra chips as growth (the first full run compared
 * generation 10's 6-word prompt with generation 100's 13-word one: DOM 1862 → 2040 nodes).
 */
const WARMUP = (() => {
  const base = Math.max(1, Math.min(10, Math.floor(GENERATIONS / 5)));
  const last = (GENERATIONS - 1) % PROMPTS.length;
  let w = base;
  while ((w - 1) % PROMPTS.length !== last && w < GENERATIONS) w++;
  return w;
})();

interface Sample {
  heap: number;
  nodes: number;
}

async function measure(cdp: CDPSession): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { heap: get('JSHeapUsedSize'), nodes: get('Nodes') };
}

/** One generation, then hover every chip and scrub every step (all through the UI's state). */
async function generateAndExplore(page: Page, i: number): Promise<void> {
  await page.evaluate(
    async ({ prompt, seed, steps }) => {
      const ex = window.__wordlight!.explorer;
      ex.settings.prompt = prompt;
      ex.settings.seed = seed;
      ex.settings.steps = steps;
      await ex.generate();
      const record = ex.record;
      if (!record?.complete) throw new Error(`generation ${seed} did not complete`);
      const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
      for (const word of record.words) {
        ex.selection.hovered = word.tokenPosition;
        await frame();
      }
      ex.selection.hovered = null;
      for (let s = 0; s < record.steps.length; s++) {
        ex.step = s;
        await frame();
      }
    },
    { prompt: PROMPTS[i % PROMPTS.length]!, seed: i, steps: STEPS },
  );
}

function growthRow(
  id: string,
  name: string,
  before: number,
  after: number,
  extra: BenchRow['extra'],
): BenchRow {
  const ratio = after / before;
  return {
    id,
    name,
    median: ratio,
    p95: null,
    unit: 'ratio',
    samples: 1,
    target: TARGET,
    ratio: ratio / TARGET,
    extra: { before, after, ...extra },
  };
}

export async function benchSoak(): Promise<BenchRow[]> {
  const opts = {
    cacheDir: 'node_modules/.vite-soak-bench',
    viewport: { width: 1280, height: 800 },
    chromiumArgs: ['--js-flags=--expose-gc'],
  };
  return withAppPage(opts, async (page, url) => {
    await page.goto(`${url}?ep=wasm`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => window.__wordlight?.explorer.generation.modelStatus === 'ready',
      null,
      {
        timeout: 240_000,
      },
    );
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = performance.now();
    let before: Sample | null = null;
    for (let i = 0; i < GENERATIONS; i++) {
      await generateAndExplore(page, i);
      if (i + 1 === WARMUP) before = await measure(cdp);
    }
    const after = await measure(cdp);
    if (!before) throw new Error('no warm-up sample');
    const extra = {
      generations: GENERATIONS,
      warmup: WARMUP,
      steps: STEPS,
      minutes: Number(((performance.now() - t0) / 60_000).toFixed(1)),
    };
    return [
      growthRow(
        'soak/heap-growth',
        `JS heap after ${GENERATIONS} generations ÷ after ${WARMUP}`,
        before.heap,
        after.heap,
        extra,
      ),
      growthRow(
        'soak/dom-growth',
        `DOM nodes after ${GENERATIONS} generations ÷ after ${WARMUP}`,
        before.nodes,
        after.nodes,
        extra,
      ),
    ];
  });
}

// `npx tsx src/cli/bench/soak.ts` runs this bench alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchSoak().then(
    (rows) => {
      for (const r of rows) console.log(r.id, r.median.toFixed(3), JSON.stringify(r.extra));
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
