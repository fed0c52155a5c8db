/**
 * Word maps for the explorer's hover and scrub path, in plain TypeScript: the same DAAM math as
 * src/attention/aggregate.ts (clamp ≥ 0 → mean over the selected heads → sum over the selected
 * steps → bilinear to the largest attention resolution with half-pixel centres, as tfjs's
 * resizeBilinear(alignCorners = false, halfPixelCenters = true) → mean over the selected layers),
 * unnormalised, for every token position at once.
 *
 * Why not call aggregateAttention directly: on the tfjs CPU backend one step of the scenes model
 * (6 layers, 20 tokens) costs ~35 ms in Node and ~200 ms in a busy page, and a cumulative map
 * over 25 steps ~0.5 s — far over a 16 ms scrub. These loops do the same in well under 1 ms per
 * step. test/unit/state/word-maps.test.ts checks them against aggregateAttention and headGrid to
 * 1e-5, so the two cannot drift. Small multiples use headGrid itself (it is fast enough).
 */
import { headGrid } from '../attention/aggregate.ts';
import { largestResolution, type AttentionSource } from '../attention/query.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { MapInput } from '../core/overlay-types.ts';
import type { HeadTile, MapComputer, MapSelection, WordMapSet } from './maps.ts';

/** Adds relu(attention) of `heads` (mean over them) of one step and layer into acc [T, hw]. */
function addHeadMean(
  attention: Float32Array,
  hw: number,
  T: number,
  heads: readonly number[],
  acc: Float32Array,
): void {
  const scale = 1 / heads.length;
  for (const h of heads) {
    const base = h * hw * T;
    for (let p = 0; p < hw; p++) {
      const row = base + p * T;
      for (let t = 0; t < T; t++) {
        const v = attention[row + t] ?? 0;
        if (v > 0) acc[t * hw + p] = (acc[t * hw + p] ?? 0) + v * scale;
      }
    }
  }
}

/** tfjs resizeBilinear (half-pixel centres, no corner alignment) source taps for one axis. */
function bilinearAxis(
  out: number,
  src: number,
): { lo: Int32Array; hi: Int32Array; f: Float32Array } {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const f = new Float32Array(out);
  const ratio = src / out;
  for (let i = 0; i < out; i++) {
    const s = ratio * (i + 0.5) - 0.5;
    const floor = Math.max(0, Math.floor(s));
    lo[i] = floor;
    hi[i] = Math.min(src - 1, Math.ceil(s));
    f[i] = s - floor;
  }
  return { lo, hi, f };
}

/** Adds T maps of h×w, bilinearly resized to H×W, into out [T, H·W]. */
function addResized(
  src: Float32Array,
  T: number,
  h: number,
  w: number,
  H: number,
  W: number,
  out: Float32Array,
): void {
  if (h === H && w === W) {
    for (let i = 0; i < src.length; i++) out[i] = (out[i] ?? 0) + (src[i] ?? 0);
    return;
  }
  const ry = bilinearAxis(H, h);
  const rx = bilinearAxis(W, w);
  for (let t = 0; t < T; t++) {
    const s = t * h * w;
    const o = t * H * W;
    for (let y = 0; y < H; y++) {
      const top = s + (ry.lo[y] ?? 0) * w;
      const bottom = s + (ry.hi[y] ?? 0) * w;
      const fy = ry.f[y] ?? 0;
      for (let x = 0; x < W; x++) {
        const l = rx.lo[x] ?? 0;
        const r = rx.hi[x] ?? 0;
        const fx = rx.f[x] ?? 0;
        const tl = src[top + l] ?? 0;
        const tr = src[top + r] ?? 0;
        const bl = src[bottom + l] ?? 0;
        const br = src[bottom + r] ?? 0;
        const a = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[o + y * W + x] = (out[o + y * W + x] ?? 0) + (a + (b - a) * fy);
      }
    }
  }
}

export interface WordMapQuery {
  /** Steps summed (DAAM: sum over steps). */
  steps: readonly number[];
  /** Indices into source.layers. */
  layers: readonly number[];
  /** Head indices, or all of each layer's heads. */
  heads: readonly number[] | 'all';
}

/** Every token position's map for a query, at the largest attention resolution. */
export function wordMapsFor(source: AttentionSource, q: WordMapQuery): WordMapSet {
  const T = source.tokens.length;
  const [H, W] = largestResolution(source);
  const total = new Float32Array(T * H * W);
  for (const l of q.layers) {
    const spec = source.layers[l];
    if (!spec) continue;
    const [h, w] = spec.resolution;
    const hw = h * w;
    const heads = q.heads === 'all' ? Array.from({ length: spec.heads }, (_, i) => i) : q.heads;
    const layerSum = new Float32Array(T * hw);
    for (const s of q.steps) {
      const attention = source.steps[s]?.attention[l];
      if (attention) addHeadMean(attention, hw, T, heads, layerSum);
    }
    addResized(layerSum, T, h, w, H, W, total);
  }
  const n = q.layers.length || 1;
  const size = H * W;
  const maps: MapInput[] = [];
  for (let t = 0; t < T; t++) {
    const data = total.subarray(t * size, (t + 1) * size);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < size; i++) {
      const v = (data[i] ?? 0) / n;
      data[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    maps.push({ data, width: W, height: H, min, max });
  }
  return { width: W, height: H, maps };
}

function stepsOf(selection: { step: number; cumulative: boolean }): number[] {
  return selection.cumulative
    ? Array.from({ length: selection.step + 1 }, (_, i) => i)
    : [selection.step];
}

/** Indices of the chosen layers; an unknown name (stale link, other model) means all. */
function layersOf(record: GenerationRecord, layer: MapSelection['layer']): number[] {
  const all = record.layers.map((_, i) => i);
  if (layer === 'all') return all;
  const index = record.layers.findIndex((l) => l.output === layer);
  return index >= 0 ? [index] : all;
}

/** A head every chosen layer has, else all heads. */
function headsOf(
  record: GenerationRecord,
  layers: number[],
  head: MapSelection['head'],
): number[] | 'all' {
  if (head === 'all') return 'all';
  return layers.every((l) => head < (record.layers[l]?.heads ?? 0)) ? [head] : 'all';
}

/** The app's MapComputer (see the file comment). */
export const wordMapComputer: MapComputer = {
  wordMaps(record, selection): WordMapSet {
    const layers = layersOf(record, selection.layer);
    return wordMapsFor(record, {
      steps: stepsOf(selection),
      layers,
      heads: headsOf(record, layers, selection.head),
    });
  },

  headTiles(record, selection, position): HeadTile[] {
    return headGrid(record, {
      tokenPositions: [position],
      steps: selection.cumulative
        ? { kind: 'range', from: 0, to: selection.step }
        : { kind: 'one', step: selection.step },
      normalize: 'none',
    }).map((m) => ({
      layer: record.layers[m.layer]?.output ?? String(m.layer),
      head: m.head,
      map: {
        data: m.data,
        width: m.resolution[1],
        height: m.resolution[0],
        min: m.min,
        max: m.max,
      },
    }));
  },
};
