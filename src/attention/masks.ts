/**
 * τ-masks: where a word's map reaches the threshold τ. The one place the app, the eval and the CLI
 * binarise a map (DAAM, Tang et al. 2023, τ = 0.4) and compare masks:
 *   - Mask mode's lit region and the "area above τ" beside each chip (state/word-scale.ts),
 *   - a word's IoU with the object it names (scoring/iou.ts, `npm run eval`, the live score),
 *   - the overlap of two pinned words in Compare (the key under the view and in exports),
 *   - how an edited word's map moved (attention/compare.ts, `wordlight edit`).
 */
import type { MapInput, MapNormalization } from '../core/overlay-types.ts';

/** DAAM's threshold. */
export const DEFAULT_TAU = 0.4;

/** 1 where `values[i] ≥ tau`, else 0 (NaN is below any τ). */
export function aboveTau(values: ArrayLike<number>, tau: number): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) >= tau ? 1 : 0;
  return out;
}

/**
 * A raw map's τ-mask as the overlay draws it: normalised like shaders/bicubic-map.glsl
 * normaliseMap ('minmax': (v − min) / (max − min) with the map's min and max, a flat map is 0
 * everywhere; 'absolute': v), at the map's own resolution.
 */
export function tauMask(map: MapInput, tau: number, normalize: MapNormalization): Uint8Array {
  const n = map.width * map.height;
  const span = map.max - map.min;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = map.data[i] ?? 0;
    const norm = normalize === 'absolute' ? v : span > 0 ? (v - map.min) / span : 0;
    out[i] = norm >= tau ? 1 : 0;
  }
  return out;
}

/** Cells in both masks and in either (a mask is 1 where set; any other value counts as unset). */
export function maskOverlap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { inter: number; union: number } {
  if (a.length !== b.length) throw new Error(`masks of ${a.length} and ${b.length} cells`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === 1;
    const y = b[i] === 1;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return { inter, union };
}

/** Two words' maps compared as τ-masks: what the Compare key shows. */
export interface PairOverlap {
  /** |A ∩ B| / |A ∪ B|; null when both masks are empty (nothing to compare). */
  iou: number | null;
  /** Fraction of the cells in A, in B, and in both. */
  areaA: number;
  areaB: number;
  areaBoth: number;
  tau: number;
}

/**
 * IoU of two maps' τ-masks as drawn (same normalisation and, under Shared scale, the same range as
 * the overlay), at the maps' resolution. Maps of different sizes are compared on the larger grid,
 * the smaller one sampled nearest.
 */
export function pairOverlap(
  a: MapInput,
  b: MapInput,
  tau: number,
  normalize: MapNormalization,
): PairOverlap {
  const [ra, rb] = sameGrid(a, b);
  const ma = tauMask(ra, tau, normalize);
  const mb = tauMask(rb, tau, normalize);
  const { inter, union } = maskOverlap(ma, mb);
  const n = ma.length || 1;
  const count = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0);
  return {
    iou: union === 0 ? null : inter / union,
    areaA: count(ma) / n,
    areaB: count(mb) / n,
    areaBoth: inter / n,
    tau,
  };
}

function sameGrid(a: MapInput, b: MapInput): [MapInput, MapInput] {
  if (a.width === b.width && a.height === b.height) return [a, b];
  const W = Math.max(a.width, b.width);
  const H = Math.max(a.height, b.height);
  return [nearest(a, W, H), nearest(b, W, H)];
}

function nearest(m: MapInput, W: number, H: number): MapInput {
  if (m.width === W && m.height === H) return m;
  const data = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(m.height - 1, Math.floor(((y + 0.5) * m.height) / H));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(m.width - 1, Math.floor(((x + 0.5) * m.width) / W));
      data[y * W + x] = m.data[sy * m.width + sx] ?? 0;
    }
  }
  return { ...m, data, width: W, height: H };
}
