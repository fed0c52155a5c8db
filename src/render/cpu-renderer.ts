/**
 * CPU reference renderer: the overlay math of shaders/*.glsl in plain TypeScript, for export in Node
 * (CLI) and as the ground truth the three.js renderer is tested against pixel for pixel. No three,
 * no DOM. For output pixel (x, y), row 0 at the top, of an S_x×S_y view:
 *
 *   image   [C, H, W] in the model range [lo, hi]  →  rgb = clamp((v − lo) / (hi − lo), 0, 1)
 *           (C = 1 replicated), upsampled with u = (x + 0.5) / S_x · W − 0.5, clamp-to-edge:
 *             'pixelated' (smooth = false): texel floor(u + 0.5)
 *             'smooth'    (smooth = true):  bilinear between floor(u) and floor(u) + 1, weight fract(u)
 *   map     h×w raw values, bicubic Catmull-Rom (Keys, a = −0.5), same u, clamp-to-edge:
 *             K(t) = (a+2)|t|³ − (a+3)|t|² + 1   |t| ≤ 1;   a|t|³ − 5a|t|² + 8a|t| − 4a   1 < |t| < 2
 *           normalised 'minmax': (v − min) / (max − min) with the LOW-RES min and max (flat map → 0),
 *           or 'absolute': v; then clamped to [0, 1] (removes the kernel's overshoot).
 *   colour  colormap(v) = LUT[round(v · 255)] (nearest entry, src/render/colormaps.ts)
 *   blend   plain   (no map):  out = img
 *           heatmap:           out = mix(img, colormap(a), opacity)
 *           mask:              out = a ≥ τ ? img : img · 0.25                       (τ default 0.4)
 *           compare (2 maps):  overlay = clamp(a · A + b · B, 0, 1)
 *                              out     = mix(img, overlay, max(a, b) · opacity)
 *                              A, B = params.compareColors, default COMPARE_COLORS: (1.00, 0.40, 0.05)
 *                              orange, (0.05, 0.55, 1.00) azure
 *   output  RGBA8, round(clamp(out, 0, 1) · 255), alpha 255; then the optional burned-in label.
 *
 * The map is upsampled separably (rows, then columns) with per-column / per-row weight tables built
 * once per call: Σ_n K_y Σ_m K_x v equals the shader's double loop, and it keeps a 25-frame 512² GIF
 * export well under a second.
 */
import { colormapLut } from './colormaps.ts';
import { drawLabel } from './bitmap-font.ts';
import {
  COMPARE_COLORS,
  type ImageInput,
  type MapInput,
  type OverlayParams,
} from '../core/overlay-types.ts';

export interface CpuRenderSpec {
  /** Output size in pixels (exports use S×S). */
  width: number;
  height: number;
  /** The image under the overlay; null draws on black. */
  image: ImageInput | null;
  /** First map (the hovered / pinned word); null renders the plain image. */
  mapA: MapInput | null;
  /** Second map, used by 'compare' only (a missing one counts as all zeros). */
  mapB?: MapInput | null;
  params: OverlayParams;
  /** Burned-in text (e.g. "red  step 3/25"); drawn bottom-left with a dark backing box. */
  label?: string | null;
}

const CATMULL_ROM_A = -0.5;
const MASK_DIM = 0.25;

export function cubicWeight(t: number): number {
  const a = CATMULL_ROM_A;
  const s = Math.abs(t);
  if (s <= 1) return ((a + 2) * s - (a + 3)) * s * s + 1;
  if (s < 2) return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
  return 0;
}

function clampInt(i: number, hi: number): number {
  return i < 0 ? 0 : i > hi ? hi : i;
}

interface Taps {
  idx: Int32Array;
  w: Float64Array;
}

// Weight and index tables depend only on (output size, source size): export sizes and map
// resolutions are few, so they are built once and kept.
const tapCache = new Map<string, Taps>();

/** For each of `out` output pixels: the 4 source indices and 4 Catmull-Rom weights. */
function bicubicTable(out: number, src: number): Taps {
  const key = `${out}:${src}`;
  const hit = tapCache.get(key);
  if (hit) return hit;
  const idx = new Int32Array(out * 4);
  const w = new Float64Array(out * 4);
  for (let x = 0; x < out; x++) {
    const u = ((x + 0.5) / out) * src - 0.5;
    const i0 = Math.floor(u);
    const f = u - i0;
    for (let m = -1; m <= 2; m++) {
      idx[x * 4 + m + 1] = clampInt(i0 + m, src - 1);
      w[x * 4 + m + 1] = cubicWeight(f - m);
    }
  }
  const taps = { idx, w };
  tapCache.set(key, taps);
  return taps;
}

/** For each of `out` output pixels: the two source indices and the weight of the second. */
function linearTable(out: number, src: number, smooth: boolean): Taps {
  const key = `${out}:${src}:${smooth ? 's' : 'n'}`;
  const hit = tapCache.get(key);
  if (hit) return hit;
  const idx = new Int32Array(out * 2);
  const w = new Float64Array(out);
  for (let x = 0; x < out; x++) {
    const u = ((x + 0.5) / out) * src - 0.5;
    if (smooth) {
      const fl = Math.floor(u);
      idx[2 * x] = clampInt(fl, src - 1);
      idx[2 * x + 1] = clampInt(fl + 1, src - 1);
      w[x] = u - fl;
    } else {
      idx[2 * x] = idx[2 * x + 1] = clampInt(Math.floor(u + 0.5), src - 1);
    }
  }
  const taps = { idx, w };
  tapCache.set(key, taps);
  return taps;
}

/** Bicubic upsampling of an h×w map to outW×outH raw values (row-major), into `out` if given. */
export function upsampleBicubic(
  data: Float32Array,
  w: number,
  h: number,
  outW: number,
  outH: number,
  out: Float64Array = new Float64Array(outW * outH),
): Float64Array {
  const tx = bicubicTable(outW, w);
  const ty = bicubicTable(outH, h);
  // Horizontal pass: h rows of outW.
  const rows = new Float64Array(h * outW);
  for (let j = 0; j < h; j++) {
    const base = j * w;
    for (let x = 0; x < outW; x++) {
      const k = x * 4;
      rows[j * outW + x] =
        (tx.w[k] ?? 0) * (data[base + (tx.idx[k] ?? 0)] ?? 0) +
        (tx.w[k + 1] ?? 0) * (data[base + (tx.idx[k + 1] ?? 0)] ?? 0) +
        (tx.w[k + 2] ?? 0) * (data[base + (tx.idx[k + 2] ?? 0)] ?? 0) +
        (tx.w[k + 3] ?? 0) * (data[base + (tx.idx[k + 3] ?? 0)] ?? 0);
    }
  }
  // Vertical pass.
  for (let y = 0; y < outH; y++) {
    const o = y * outW;
    const k = y * 4;
    const w0 = ty.w[k] ?? 0;
    const w1 = ty.w[k + 1] ?? 0;
    const w2 = ty.w[k + 2] ?? 0;
    const w3 = ty.w[k + 3] ?? 0;
    const r0 = (ty.idx[k] ?? 0) * outW;
    const r1 = (ty.idx[k + 1] ?? 0) * outW;
    const r2 = (ty.idx[k + 2] ?? 0) * outW;
    const r3 = (ty.idx[k + 3] ?? 0) * outW;
    for (let x = 0; x < outW; x++) {
      out[o + x] =
        w0 * (rows[r0 + x] ?? 0) +
        w1 * (rows[r1 + x] ?? 0) +
        w2 * (rows[r2 + x] ?? 0) +
        w3 * (rows[r3 + x] ?? 0);
    }
  }
  return out;
}

/** Upsampled, normalised, clamped map values in [0, 1], one per output pixel. */
export function normalisedMap(
  map: MapInput,
  outW: number,
  outH: number,
  normalize: OverlayParams['normalize'],
  out?: Float64Array,
): Float64Array {
  const up = upsampleBicubic(map.data, map.width, map.height, outW, outH, out);
  const span = map.max - map.min;
  const absolute = normalize === 'absolute';
  const scale = span > 0 ? 1 / span : 0;
  for (let i = 0; i < up.length; i++) {
    const v = up[i] ?? 0;
    const n = absolute ? v : (v - map.min) * scale;
    up[i] = n > 0 ? (n < 1 ? n : 1) : 0; // also maps NaN to 0
  }
  return up;
}

/** The image as display RGB in [0, 1], interleaved H×W×3 (C = 1 replicated). */
function displayRgb(image: ImageInput): Float64Array {
  const { width: W, height: H, channels: C, data } = image;
  const [lo, hi] = image.range;
  const scale = hi - lo !== 0 ? 1 / (hi - lo) : 0;
  const plane = W * H;
  const rgb = new Float64Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const src = (c < C ? c : 0) * plane;
    for (let p = 0; p < plane; p++) {
      const v = ((data[src + p] ?? lo) - lo) * scale;
      rgb[p * 3 + c] = v > 0 ? (v < 1 ? v : 1) : 0;
    }
  }
  return rgb;
}

/** The image upsampled to outW×outH display RGB (interleaved ×3), nearest or bilinear. */
export function sampleImage(
  image: ImageInput,
  outW: number,
  outH: number,
  smooth: boolean,
  out: Float64Array = new Float64Array(outW * outH * 3),
): Float64Array {
  const { width: W, height: H } = image;
  const rgb = displayRgb(image);
  const ax = linearTable(outW, W, smooth);
  const ay = linearTable(outH, H, smooth);
  for (let y = 0; y < outH; y++) {
    const r0 = (ay.idx[2 * y] ?? 0) * W;
    const r1 = (ay.idx[2 * y + 1] ?? 0) * W;
    const fy = ay.w[y] ?? 0;
    for (let x = 0; x < outW; x++) {
      const c0 = ax.idx[2 * x] ?? 0;
      const c1 = ax.idx[2 * x + 1] ?? 0;
      const fx = ax.w[x] ?? 0;
      const o = (y * outW + x) * 3;
      const a = (r0 + c0) * 3;
      if (!smooth) {
        out[o] = rgb[a] ?? 0;
        out[o + 1] = rgb[a + 1] ?? 0;
        out[o + 2] = rgb[a + 2] ?? 0;
        continue;
      }
      const b = (r0 + c1) * 3;
      const c = (r1 + c0) * 3;
      const d = (r1 + c1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = (rgb[a + ch] ?? 0) * (1 - fx) + (rgb[b + ch] ?? 0) * fx;
        const bot = (rgb[c + ch] ?? 0) * (1 - fx) + (rgb[d + ch] ?? 0) * fx;
        out[o + ch] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 255 : Math.floor(v * 255 + 0.5);
}

/** Per-size scratch buffers, so a frame loop allocates nothing big per frame. */
const scratch = { n: 0, img: new Float64Array(0), a: new Float64Array(0), b: new Float64Array(0) };

function scratchFor(n: number): typeof scratch {
  if (scratch.n !== n) {
    scratch.n = n;
    scratch.img = new Float64Array(n * 3);
    scratch.a = new Float64Array(n);
    scratch.b = new Float64Array(n);
  }
  return scratch;
}

/**
 * Renders one overlay frame. `out` (RGBA, width·height·4) is reused when given, so a frame loop
 * allocates no output buffers.
 */
export function renderOverlay(spec: CpuRenderSpec, out?: Uint8ClampedArray): Uint8ClampedArray {
  const { width: W, height: H, params } = spec;
  const n = W * H;
  const rgba = out && out.length === n * 4 ? out : new Uint8ClampedArray(n * 4);
  const buf = scratchFor(n);
  const img = spec.image ? sampleImage(spec.image, W, H, params.smooth, buf.img) : buf.img.fill(0);
  const mode = spec.mapA ? params.mode : 'plain';
  const a = spec.mapA ? normalisedMap(spec.mapA, W, H, params.normalize, buf.a) : null;
  const b =
    mode === 'compare' && spec.mapB
      ? normalisedMap(spec.mapB, W, H, params.normalize, buf.b)
      : null;
  const lut = colormapLut(params.colormap);
  const op = params.opacity;
  const [ca, cb] = params.compareColors ?? COMPARE_COLORS;

  for (let p = 0; p < n; p++) {
    let r = img[p * 3] ?? 0;
    let g = img[p * 3 + 1] ?? 0;
    let bl = img[p * 3 + 2] ?? 0;
    const va = a ? (a[p] ?? 0) : 0;
    if (mode === 'heatmap') {
      const k = Math.floor(va * 255 + 0.5) * 3;
      r += ((lut[k] ?? 0) / 255 - r) * op;
      g += ((lut[k + 1] ?? 0) / 255 - g) * op;
      bl += ((lut[k + 2] ?? 0) / 255 - bl) * op;
    } else if (mode === 'mask') {
      if (!(va >= params.tau)) {
        r *= MASK_DIM;
        g *= MASK_DIM;
        bl *= MASK_DIM;
      }
    } else if (mode === 'compare') {
      const vb = b ? (b[p] ?? 0) : 0;
      const t = Math.max(va, vb) * op;
      const or = Math.min(1, va * ca[0] + vb * cb[0]);
      const og = Math.min(1, va * ca[1] + vb * cb[1]);
      const ob = Math.min(1, va * ca[2] + vb * cb[2]);
      r += (or - r) * t;
      g += (og - g) * t;
      bl += (ob - bl) * t;
    }
    rgba[p * 4] = toByte(r);
    rgba[p * 4 + 1] = toByte(g);
    rgba[p * 4 + 2] = toByte(bl);
    rgba[p * 4 + 3] = 255;
  }
  if (spec.label) drawLabel(rgba, W, H, spec.label);
  return rgba;
}

/** A MapInput from raw values, with the min and max that 'minmax' normalisation uses. */
export function mapInput(data: Float32Array, width: number, height: number): MapInput {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  return { data, width, height, min, max };
}
