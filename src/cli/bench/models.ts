/**
 * What each shipped model costs to run (issue 11: "25-step guided generation on WASM with 2 threads
 * ≤ 1.5× v1's, in one bench run"): the same 25-step guided generation with full capture through the
 * real engine, for every package in public/models/index.json, in one process, round-robin run by
 * run (the starting model rotates each round), so load hits every model alike. Each model's time is
 * compared with the first-listed one per round (the v1 `scenes` package: the baseline).
 */
import type { GenerationSettings } from '../../core/record.ts';
import { createNodeGenerator } from '../../model/node-model.ts';
import type { EngineGenerator } from '../../model/engine-generator.ts';
import { BENCH_PROMPT, BENCH_STEPS } from './generation.ts';
import { median, p95, type Reps } from './stats.ts';
import type { BenchRow } from './types.ts';

/** The same work for every model: the v1 manifests' first defaults (25 steps, guidance 4), fixed so
 * that a model whose manifest chose other defaults is still timed on equal terms. */
export const MODEL_BENCH_SETTINGS: GenerationSettings = {
  prompt: BENCH_PROMPT,
  seed: 0,
  steps: BENCH_STEPS,
  guidance: 4,
};

/** issue 11's cost budget for a later model vs the first one. */
export const MODEL_COST_BUDGET = 1.5;

export interface ModelCost {
  name: string;
  dir: string;
  /** Wall ms per generation, one per round. */
  ms: number[];
  /** ms / the baseline model's ms in the same round. */
  ratios: number[];
}

export interface ModelsBench {
  threads: number;
  settings: GenerationSettings;
  models: ModelCost[];
}

export async function benchModels(
  dirs: readonly string[],
  threads: number,
  r: Reps,
): Promise<ModelsBench> {
  const gens: EngineGenerator[] = dirs.map((dir) =>
    createNodeGenerator({ dir, ep: 'wasm', threads }),
  );
  try {
    const models: ModelCost[] = [];
    for (const [i, g] of gens.entries()) {
      const info = await g.load();
      models.push({ name: info.manifest.name, dir: dirs[i] ?? '', ms: [], ratios: [] });
    }
    const settings = MODEL_BENCH_SETTINGS;
    for (let w = 0; w < r.warmup; w++) for (const g of gens) await g.generate(settings);
    const start = performance.now();
    for (let round = 0; ; round++) {
      const done = models[0]?.ms.length ?? 0;
      const spent = performance.now() - start;
      if (done >= r.reps || (done >= (r.minReps ?? 1) && spent >= (r.budgetMs ?? Infinity))) break;
      const times = new Array<number>(gens.length).fill(0);
      for (let k = 0; k < gens.length; k++) {
        const i = (round + k) % gens.length; // rotate who goes first
        const t0 = performance.now();
        await gens[i]?.generate(settings);
        times[i] = performance.now() - t0;
      }
      const base = times[0] ?? Number.NaN;
      models.forEach((m, i) => {
        m.ms.push(times[i] ?? Number.NaN);
        m.ratios.push((times[i] ?? Number.NaN) / base);
      });
    }
    return { threads, settings, models };
  } finally {
    for (const g of gens) await g.dispose();
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One row per model after the first: its generation time over the baseline's (median of per-round
 * ratios), against the 1.5× budget; the baseline's own time is in every row's extras. */
export function modelRows(b: ModelsBench | null): BenchRow[] {
  if (!b || b.models.length < 2) return [];
  const [base, ...rest] = b.models;
  if (!base) return [];
  return rest.map((m) => {
    const ratio = median(m.ratios);
    return {
      id: `model-cost/${m.name}/generation/wasm-${b.threads}t`,
      name: `${m.name} / ${base.name}: ${b.settings.steps}-step guided generation, WASM ${b.threads}t`,
      median: round3(ratio),
      p95: round3(p95(m.ratios)),
      unit: 'ratio',
      samples: m.ratios.length,
      target: MODEL_COST_BUDGET,
      ratio: ratio / MODEL_COST_BUDGET,
      extra: {
        ms: round3(median(m.ms)),
        baselineMs: round3(median(base.ms)),
        baseline: base.name,
        steps: b.settings.steps,
        guidance: b.settings.guidance,
      },
    };
  });
}
