/**
 * Where exporters get word maps from. In the app it wraps the explorer's map cache (so the export
 * shows exactly the maps on screen, with the chosen layers and heads); in the CLI and tests it
 * aggregates the record directly with attention/ (DAAM: clamp, mean over heads and layers, sum over
 * steps), unnormalised — the renderer min–max normalises as on screen.
 */
import { aggregateAttention } from '../attention/aggregate.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { ImageInput, ImageKind, MapInput } from '../core/overlay-types.ts';

export interface MapSource {
  /**
   * The map of token `position` at `step`: that step alone, or with `cumulative` the sum over steps
   * 0..step (the DAAM map once step is the last). Null when the record has no such step.
   */
  map(position: number, step: number, cumulative: boolean): MapInput | null;
}

export interface RecordMapOptions {
  /** Indices into record.layers; default all. */
  layers?: number[];
  /** Head indices; default all. */
  heads?: number[] | 'all';
  /**
   * Token positions aggregated together per step (one tfjs pass); default every position. Exports
   * of one or two words pass just those: aggregation is the costliest part of a GIF export.
   */
  positions?: number[];
}

function withMinMax(data: Float32Array, width: number, height: number): MapInput {
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { data, width, height, min, max };
}

/**
 * A MapSource over a record's attention. Per-step maps are memoised per step for the chosen
 * positions; cumulative maps are running sums of them, which equals aggregating the step range
 * directly (clamping happens per step before the sum; the rest of the aggregation is linear), in
 * O(steps) instead of O(steps²) for a cumulative animation.
 */
export function recordMapSource(
  record: GenerationRecord,
  options: RecordMapOptions = {},
): MapSource {
  const batch = options.positions ?? record.tokens.map((t) => t.position);
  const perStep = new Map<number, Map<number, MapInput>>();
  const running = new Map<number, MapInput[]>();

  const aggregate = (positions: number[], step: number): MapInput[] => {
    const result = aggregateAttention(record, {
      tokenPositions: positions,
      steps: { kind: 'one', step },
      ...(options.layers ? { layers: options.layers } : {}),
      heads: options.heads ?? 'all',
      normalize: 'none',
    });
    const [height, width] = result.resolution;
    return result.maps.map((m) => ({ data: m.data, width, height, min: m.min, max: m.max }));
  };

  const one = (position: number, step: number): MapInput | null => {
    let maps = perStep.get(step);
    if (!maps) {
      maps = new Map();
      perStep.set(step, maps);
      const computed = aggregate(batch, step);
      batch.forEach((p, i) => {
        const m = computed[i];
        if (m) maps?.set(p, m);
      });
    }
    let map = maps.get(position);
    if (!map) {
      map = aggregate([position], step)[0];
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
      const data = prev ? prev.data.map((v, i) => v + (m.data[i] ?? 0)) : m.data.slice();
      sums.push(withMinMax(data, m.width, m.height));
    }
    return sums[step] ?? null;
  };

  return {
    map(position, step, isCumulative) {
      if (step < 0 || step >= record.steps.length) return null;
      return isCumulative ? cumulative(position, step) : one(position, step);
    },
  };
}

/** The image under the overlay at `step`: predicted x0, the noisy x_t, or the final image. */
export function recordImage(
  record: GenerationRecord,
  step: number,
  kind: ImageKind,
): ImageInput | null {
  const s = record.steps[Math.min(step, record.steps.length - 1)];
  const data = kind === 'final' ? (record.final ?? s?.x0) : kind === 'xt' ? s?.xt : s?.x0;
  if (!data) return null;
  const { channels, height, width, range } = record.image;
  return { data, channels, height, width, range };
}
