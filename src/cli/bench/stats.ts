/**
 * Timing helpers. The machine is shared (2 cores, a training run and other people's tests beside
 * us), so single samples are noise: everything reports medians and tails of many repetitions,
 * warm-up excluded, and comparisons are made on interleaved pairs so that load hits both sides.
 */

/** Value at quantile q (0..1) of `xs`, linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? Number.NaN;
  const b = s[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const p95 = (xs: readonly number[]): number => quantile(xs, 0.95);

/** How many times to run something: `reps` timed runs after `warmup`, but stop early (after at
 * least `minReps`) once `budgetMs` of timed wall time is spent, so a loaded machine cannot push the
 * bench past its time limit. */
export interface Reps {
  warmup: number;
  reps: number;
  minReps?: number;
  budgetMs?: number;
}

export interface Samples {
  /** Wall ms per run, in run order. */
  ms: number[];
  /** Process CPU ms per run (worker threads included: they belong to the process). CPU/wall
   * near 1 is one busy thread, near 2 is two. */
  cpuMs: number[];
}

export function cpuPerWall(s: Samples): number {
  const wall = s.ms.reduce((a, b) => a + b, 0);
  return wall > 0 ? s.cpuMs.reduce((a, b) => a + b, 0) / wall : Number.NaN;
}

async function clock(fn: () => Promise<unknown>, into: Samples): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  into.ms.push(ms);
  into.cpuMs.push((cpu.user + cpu.system) / 1000);
  return ms;
}

function more(done: number, spentMs: number, r: Reps): boolean {
  if (done >= r.reps) return false;
  if (r.budgetMs === undefined || done < (r.minReps ?? 1)) return true;
  return spentMs < r.budgetMs;
}

/** Times `fn` after warm-up. */
export async function time(fn: () => Promise<unknown>, r: Reps): Promise<Samples> {
  for (let i = 0; i < r.warmup; i++) await fn();
  const out: Samples = { ms: [], cpuMs: [] };
  const start = performance.now();
  while (more(out.ms.length, performance.now() - start, r)) await clock(fn, out);
  return out;
}

export interface Paired {
  a: Samples;
  b: Samples;
  /** b/a per pair: far steadier under load than a ratio of two separately measured medians. */
  ratios: number[];
}

/** Times two variants alternately, swapping which goes first each pair (neither side always
 * inherits the other's warm caches). */
export async function timePaired(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  r: Reps,
): Promise<Paired> {
  for (let i = 0; i < r.warmup; i++) {
    await a();
    await b();
  }
  const out: Paired = { a: { ms: [], cpuMs: [] }, b: { ms: [], cpuMs: [] }, ratios: [] };
  const start = performance.now();
  for (let i = 0; more(i, performance.now() - start, r); i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await clock(a, out.a);
      tb = await clock(b, out.b);
    } else {
      tb = await clock(b, out.b);
      ta = await clock(a, out.a);
    }
    out.ratios.push(tb / ta);
  }
  return out;
}
