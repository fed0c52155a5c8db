/**
 * The word-map engine: DAAM-style maps (Tang et al., "What the DAAM", ACL 2023) from a
 * GenerationRecord's cross-attention, for every consumer — the app's hover and scrub, the
 * layer × head tiles, every export, the CLI's heatmaps.npy and the eval's mIoU:
 *
 *   clamp ≥ 0 → mean over the selected heads → sum (or mean) over the selected steps → bilinear
 *   upsample of each layer to a common resolution (half-pixel centres, as tfjs/TensorFlow
 *   resizeBilinear(alignCorners = false, halfPixelCenters = true)) → mean over the selected layers
 *   → optional per-map min–max.
 *
 * Clamping first matters (it is not linear); the rest is linear, so steps and heads are reduced at
 * native resolution before one upsample per layer, and a cumulative map is the running sum of
 * per-step maps (series.ts). The math is typed-array loops (kernels.ts); docs/ARCHITECTURE.md,
 * "The word-map engine", gives the measurements that chose loops over tfjs tensors.
 * test/unit/attention/word-maps-reference.test.ts checks the engine against tfjs tensor ops as an
 * independent reference. The record's arrays are read, never copied or mutated.
 */
import type { MapInput } from '../core/overlay-types.ts';
import { addClampedHeadMean, addClampedTokenSum, addResized, minMaxNormalize } from './kernels.ts';
import { resolveQuery, type AttentionQuery, type AttentionSource } from './query.ts';

/** One token position's map: row-major H×W (y·W + x); min–max normalised when the query asks. */
export interface WordMap extends MapInput {
  tokenPosition: number;
}

export interface WordMapResult {
  /** [H, W] of every map. */
  resolution: [number, number];
  /** One map per requested token position, in the query's order. */
  maps: WordMap[];
}

/** The DAAM maps of the query's token positions (see the file comment for the math). */
export function wordMaps(source: AttentionSource, query: AttentionQuery): WordMapResult {
  const q = resolveQuery(source, query);
  const [H, W] = q.resolution;
  const K = q.tokens.length;
  const T = source.tokens.length;
  const stepScale = query.stepReduce === 'mean' ? 1 / q.steps.length : 1;
  const total = new Float32Array(K * H * W); // [K, H·W]
  for (const l of q.layers) {
    const spec = source.layers[l]!;
    const [h, w] = spec.resolution;
    const heads = q.heads === 'all' ? range(spec.heads) : q.heads;
    const layer = new Float32Array(K * h * w); // [K, h·w]
    for (const s of q.steps) {
      const attention = source.steps[s]!.attention[l]!;
      addClampedHeadMean(attention, h * w, T, heads, q.tokens, stepScale, layer);
    }
    addResized(layer, K, h, w, H, W, total);
  }
  const layerScale = 1 / q.layers.length;
  for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) * layerScale;
  const size = H * W;
  const maps = q.tokens.map((tokenPosition, k) => {
    const data = total.subarray(k * size, (k + 1) * size);
    const { min, max } = minMaxNormalize(data, query.normalize === 'minmax');
    return { tokenPosition, data, width: W, height: H, min, max };
  });
  return { resolution: [H, W], maps };
}

/** One (layer, head) map at the layer's native resolution. */
export interface HeadMap extends MapInput {
  /** Index into source.layers. */
  layer: number;
  head: number;
}

export interface HeadMapQuery {
  /** Summed when several (e.g. pinned words), each clamped first. */
  tokenPositions: number[];
  steps: AttentionQuery['steps'];
  /** Indices into source.layers; default all. */
  layers?: number[];
  normalize: 'minmax' | 'none';
  stepReduce?: 'sum' | 'mean';
}

/**
 * The layer × head grid: one map per (layer, head) of the selected layers, layer-major, at native
 * resolution, clamped, reduced over the selected steps and summed over the selected words.
 */
export function headMaps(source: AttentionSource, query: HeadMapQuery): HeadMap[] {
  const q = resolveQuery(source, { ...query, heads: 'all' });
  const T = source.tokens.length;
  const stepScale = query.stepReduce === 'mean' ? 1 / q.steps.length : 1;
  const out: HeadMap[] = [];
  for (const l of q.layers) {
    const spec = source.layers[l]!;
    const [h, w] = spec.resolution;
    const hw = h * w;
    const values = new Float32Array(spec.heads * hw); // [heads, h·w]
    for (const s of q.steps) {
      const attention = source.steps[s]!.attention[l]!;
      addClampedTokenSum(attention, spec.heads, hw, T, q.tokens, stepScale, values);
    }
    for (let head = 0; head < spec.heads; head++) {
      const data = values.subarray(head * hw, (head + 1) * hw);
      const { min, max } = minMaxNormalize(data, query.normalize === 'minmax');
      out.push({ layer: l, head, data, width: w, height: h, min, max });
    }
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
