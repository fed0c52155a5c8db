/**
 * The word-map engine's inner loops (word-maps.ts), on typed arrays. Attention tensors are
 * [heads, h·w, T] (row y·w + x, column = token position); accumulators are token- or head-major
 * so that each map is one contiguous slice.
 */

/**
 * acc[k, p] += scale · mean over `heads` of max(0, attention[head, p, tokens[k]]) — one step and
 * layer of DAAM's clamp → head mean, for the K selected token positions.
 */
export function addClampedHeadMean(
  attention: Float32Array,
  hw: number,
  T: number,
  heads: readonly number[],
  tokens: readonly number[],
  scale: number,
  acc: Float32Array,
): void {
  const s = scale / heads.length;
  const K = tokens.length;
  for (const head of heads) {
    const base = head * hw * T;
    for (let p = 0; p < hw; p++) {
      const row = base + p * T;
      for (let k = 0; k < K; k++) {
        const v = attention[row + (tokens[k] as number)] as number;
        if (v > 0) acc[k * hw + p] = (acc[k * hw + p] as number) + v * s;
      }
    }
  }
}

/** acc[head, p] += scale · Σ_k max(0, attention[head, p, tokens[k]]) — the layer × head tiles. */
export function addClampedTokenSum(
  attention: Float32Array,
  heads: number,
  hw: number,
  T: number,
  tokens: readonly number[],
  scale: number,
  acc: Float32Array,
): void {
  for (let head = 0; head < heads; head++) {
    for (let p = 0; p < hw; p++) {
      const row = (head * hw + p) * T;
      let sum = 0;
      for (const t of tokens) {
        const v = attention[row + t] as number;
        if (v > 0) sum += v;
      }
      acc[head * hw + p] = (acc[head * hw + p] as number) + sum * scale;
    }
  }
}

/**
 * Source taps of a bilinear resize along one axis with half-pixel centres and no corner alignment
 * (TensorFlow's resize_bilinear, half_pixel_centers = true): output i samples source coordinate
 * (i + 0.5)·src/out − 0.5, clamped to the edge.
 */
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

/** out[k] += bilinear resize of src[k] from h×w to H×W, for K consecutive maps. */
export function addResized(
  src: Float32Array,
  K: number,
  h: number,
  w: number,
  H: number,
  W: number,
  out: Float32Array,
): void {
  if (h === H && w === W) {
    for (let i = 0; i < src.length; i++) out[i] = (out[i] as number) + (src[i] as number);
    return;
  }
  const ry = bilinearAxis(H, h);
  const rx = bilinearAxis(W, w);
  for (let k = 0; k < K; k++) {
    const s = k * h * w;
    const o = k * H * W;
    for (let y = 0; y < H; y++) {
      const top = s + (ry.lo[y] as number) * w;
      const bottom = s + (ry.hi[y] as number) * w;
      const fy = ry.f[y] as number;
      for (let x = 0; x < W; x++) {
        const l = rx.lo[x] as number;
        const r = rx.hi[x] as number;
        const fx = rx.f[x] as number;
        const tl = src[top + l] as number;
        const tr = src[top + r] as number;
        const bl = src[bottom + l] as number;
        const br = src[bottom + r] as number;
        const a = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[o + y * W + x] = (out[o + y * W + x] as number) + (a + (b - a) * fy);
      }
    }
  }
}

/** Below this range a map is flat: normalised to zeros instead of amplifying float noise. */
const FLAT = 1e-12;

/** The map's range before normalisation; with `normalize`, rescales it in place to [0, 1]. */
export function minMaxNormalize(
  data: Float32Array,
  normalize: boolean,
): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (normalize) {
    const span = max - min;
    for (let i = 0; i < data.length; i++)
      data[i] = span > FLAT ? ((data[i] as number) - min) / span : 0;
  }
  return { min, max };
}
