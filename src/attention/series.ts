/**
 * Word maps step by step, for exports that draw one frame per step: the map of one step, or the
 * cumulative map of steps 0..k (the DAAM map once k is the last step). Per-step maps come from
 * wordMaps() and are memoised; cumulative maps are their running sums, which equals aggregating
 * the step range directly (the clamp is per step, the rest is linear) in O(steps) instead of
 * O(steps²) for a cumulative animation. Unnormalised, with each map's min and max.
 */
import type { MapInput } from '../core/overlay-types.ts';
import type { AttentionSource } from './query.ts';
import { minMaxNormalize } from './kernels.ts';
import { wordMaps } from './word-maps.ts';

export interface WordMapSeries {
  /** Token `position`'s map at `step` (alone, or cumulative); null when there is no such step. */
  map(position: number, step: number, cumulative: boolean): MapInput | null;
}

export interface SeriesOptions {
  /** Indices into source.layers; default all. */
  layers?: number[];
  /** Head indices; default all. */
  heads?: number[] | 'all';
  /**
   * Token positions computed together per step; default every position. Exports of one or two
   * words pass just those. A position outside the batch is computed on its own when asked for.
   */
  positions?: number[];
}

export function wordMapSeries(source: AttentionSource, options: SeriesOptions = {}): WordMapSeries {
  const batch = options.positions ?? source.tokens.map((t) => t.position);
  const perStep = new Map<number, Map<number, MapInput>>();
  const running = new Map<number, MapInput[]>();

  const compute = (positions: number[], step: number): MapInput[] =>
    wordMaps(source, {
      tokenPositions: positions,
      steps: { kind: 'one', step },
      ...(options.layers ? { layers: options.layers } : {}),
      heads: options.heads ?? 'all',
      normalize: 'none',
    }).maps;

  const one = (position: number, step: number): MapInput | null => {
    let maps = perStep.get(step);
    if (!maps) {
      maps = new Map();
      perStep.set(step, maps);
      const computed = compute(batch, step);
      batch.forEach((p, i) => {
        const m = computed[i];
        if (m) maps?.set(p, m);
      });
    }
    let map = maps.get(position);
    if (!map) {
      map = compute([position], step)[0];
      if (map) maps.set(position, map);
    }
    return map ?? null;
  };

  const cumulative = (position: number, step: number): MapInput | null => {
    let sums = running.get(position);
    if (!sums) {
      sums = [];
      running.set(position, sums);
    }
    for (let k = sums.length; k <= step; k++) {
      const m = one(position, k);
      if (!m) return null;
      const prev = sums[k - 1];
      const data = prev ? prev.data.map((v, i) => v + (m.data[i] as number)) : m.data.slice();
      sums.push({ data, width: m.width, height: m.height, ...minMaxNormalize(data, false) });
    }
    return sums[step] ?? null;
  };

  return {
    map(position, step, isCumulative) {
      if (step < 0 || step >= source.steps.length) return null;
      return isCumulative ? cumulative(position, step) : one(position, step);
    },
  };
}
