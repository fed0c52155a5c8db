/**
 * One row of the bench table and of `bench/results.json` (`rows[]`). Other benches (hover latency,
 * GIF export) return these too, so every row prints and serialises the same way.
 */
export interface BenchRow {
  /** Stable id, also the key a reader greps for in results.json, e.g. `unet-step/wasm-2t/b2`. */
  id: string;
  /** What was measured, for the table. */
  name: string;
  /** Median over the timed repetitions (warm-up runs excluded), in `unit`. */
  median: number;
  /** 95th percentile of the same samples, where a tail matters (latencies); null otherwise. */
  p95: number | null;
  unit: 'ms' | 'ratio' | 'bytes';
  /** Timed repetitions behind median/p95 (0 for a computed quantity such as bytes). */
  samples: number;
  /** Pass when the statistic named by `targetOn` (default the median) is ≤ target; null when the
   * row has no target. */
  target: number | null;
  /** Which statistic the target applies to: the median, the p95, or `ratio` (a relative target,
   * e.g. WASM ≤ 1.5× native). */
  targetOn?: 'median' | 'p95' | 'ratio';
  /** Without `ratioOf`: `value / target` (> 1 means missed by that factor). With `ratioOf`: the
   * comparison it names, e.g. WASM/native. */
  ratio: number | null;
  /** What `ratio` compares, e.g. "native 2t"; absent when ratio is value/target. */
  ratioOf?: string;
  /** Free-form extras (threads, batch, CPU/wall ratio…), serialised as is. */
  extra?: Record<string, number | string | boolean | null>;
}

export type BenchVerdict = 'pass' | 'miss' | '';

/** The statistic the target is checked against. */
export function targetValue(row: BenchRow): number {
  if (row.targetOn === 'p95') return row.p95 ?? row.median;
  if (row.targetOn === 'ratio') return row.ratio ?? Number.NaN;
  return row.median;
}

export function verdict(row: BenchRow): BenchVerdict {
  if (row.target === null) return '';
  return targetValue(row) <= row.target ? 'pass' : 'miss';
}
