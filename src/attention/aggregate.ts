/**
 * DAAM-style word heatmaps from a GenerationRecord (Tang et al., "What the DAAM", ACL 2023):
 *   clamp ≥ 0 → mean over selected heads → sum (or mean) over selected steps → bilinear upsample
 *   each layer to a common resolution (half-pixel centres) → mean over selected layers →
 *   optional per-word min–max.
 * Clamping first matters (it is not linear); the rest is linear, so reducing steps and heads at
 * native resolution before the one upsample per layer gives the same maps for less work.
 * All tfjs tensors live inside tf.tidy; the record's arrays are wrapped, never copied or mutated.
 */
import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { ensureCpuBackend } from './tf.ts';
import { resolveQuery, type AttentionQuery, type AttentionSource } from './query.ts';

export interface WordMap {
  tokenPosition: number;
  /** [h·w], row-major (y·w + x). Min–max normalised to [0, 1] when the query asks for it. */
  data: Float32Array;
  /** Range before normalisation. */
  min: number;
  max: number;
}

export interface AggregateResult {
  resolution: [number, number];
  maps: WordMap[];
}

/** Below this range a map is flat: normalised to zeros instead of amplifying float noise. */
const FLAT = 1e-12;

/** Per-word (or per-map) min–max in place over consecutive [size] slices of `data`. */
export function splitAndNormalize(
  data: Float32Array,
  count: number,
  normalize: boolean,
): { data: Float32Array; min: number; max: number }[] {
  const size = data.length / count;
  const out: { data: Float32Array; min: number; max: number }[] = [];
  for (let k = 0; k < count; k++) {
    const map = data.slice(k * size, (k + 1) * size);
    let min = Infinity;
    let max = -Infinity;
    for (const v of map) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (normalize) {
      const span = max - min;
      for (let i = 0; i < map.length; i++)
        map[i] = span > FLAT ? ((map[i] as number) - min) / span : 0;
    }
    out.push({ data: map, min, max });
  }
  return out;
}

/** Layer `l` of the selected steps as one [S, heads, hw, T] tensor (no copy for a single step). */
function stackSteps(
  source: AttentionSource,
  steps: number[],
  l: number,
  shape: [number, number, number],
) {
  const tf = ensureCpuBackend();
  const [heads, hw, T] = shape;
  if (steps.length === 1)
    return tf.tensor4d(source.steps[steps[0]!]!.attention[l]!, [1, heads, hw, T]);
  return tf.stack(steps.map((s) => tf.tensor3d(source.steps[s]!.attention[l]!, shape))) as Tensor4D;
}

export function aggregateAttention(
  source: AttentionSource,
  query: AttentionQuery,
): AggregateResult {
  const tf = ensureCpuBackend();
  const q = resolveQuery(source, query);
  const [H, W] = q.resolution;
  const K = q.tokens.length;
  const T = source.tokens.length;
  const mean = query.stepReduce === 'mean';

  const values = tf.tidy(() => {
    const tokenIdx = tf.tensor1d(q.tokens, 'int32');
    const headIdx = q.heads === 'all' ? null : tf.tensor1d(q.heads, 'int32');
    let acc: Tensor3D | null = null; // [H, W, K]
    for (const l of q.layers) {
      const spec = source.layers[l]!;
      const [h, w] = spec.resolution;
      let a4 = stackSteps(source, q.steps, l, [spec.heads, h * w, T]); // [S, heads, hw, T]
      if (headIdx) a4 = tf.gather(a4, headIdx, 1); // [S, nh, hw, T]
      a4 = tf.gather(a4, tokenIdx, 3); // [S, nh, hw, K]
      const perHead = tf.relu(a4).mean(1); // [S, hw, K]: clamp ≥ 0, mean over heads
      const overSteps = mean ? perHead.mean(0) : perHead.sum(0); // [hw, K]
      const img = overSteps.reshape([h, w, K]) as Tensor3D; // row y*w+x → [h, w, K]
      const up = h === H && w === W ? img : tf.image.resizeBilinear(img, [H, W], false, true); // [H, W, K]
      acc = acc ? tf.add(acc, up) : up;
    }
    const layerMean = tf.div(acc!, q.layers.length); // [H, W, K]
    return tf.transpose(layerMean, [2, 0, 1]).dataSync() as Float32Array; // [K, H, W]
  });

  const maps = splitAndNormalize(values, K, query.normalize === 'minmax').map((m, k) => ({
    tokenPosition: q.tokens[k]!,
    ...m,
  }));
  return { resolution: [H, W], maps };
}

export interface HeadMap {
  layer: number;
  head: number;
  resolution: [number, number];
  /** [h·w] at the layer's native resolution. */
  data: Float32Array;
  min: number;
  max: number;
}

export interface HeadGridQuery {
  /** Summed when several (e.g. pinned words). */
  tokenPositions: number[];
  steps: AttentionQuery['steps'];
  layers?: number[];
  normalize: 'minmax' | 'none';
  stepReduce?: 'sum' | 'mean';
}

/**
 * Small multiples for the layer × head grid: one map per (layer, head) at native resolution, clamped,
 * reduced over the selected steps, summed over the selected words. Ordered layer-major.
 */
export function headGrid(source: AttentionSource, query: HeadGridQuery): HeadMap[] {
  const tf = ensureCpuBackend();
  const q = resolveQuery(source, { ...query, heads: 'all' });
  const T = source.tokens.length;
  const mean = query.stepReduce === 'mean';
  const out: HeadMap[] = [];
  for (const l of q.layers) {
    const spec = source.layers[l]!;
    const [h, w] = spec.resolution;
    const values = tf.tidy(() => {
      const a4 = stackSteps(source, q.steps, l, [spec.heads, h * w, T]); // [S, heads, hw, T]
      const sel = tf.relu(tf.gather(a4, tf.tensor1d(q.tokens, 'int32'), 3)).sum(3); // [S, heads, hw]
      return (mean ? sel.mean(0) : sel.sum(0)).dataSync() as Float32Array; // [heads, hw]
    });
    splitAndNormalize(values, spec.heads, query.normalize === 'minmax').forEach((m, head) =>
      out.push({ layer: l, head, resolution: [h, w], ...m }),
    );
  }
  return out;
}
