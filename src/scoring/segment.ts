/**
 * Splits a scenes image into coloured objects: estimate the (light, neutral) background, give each
 * pixel the palette colour it is a blend of, keep pixels that are at least half that colour, and take
 * each colour's largest 8-connected component as "the object of that colour".
 *
 * Why a blend and not plain nearest-RGB: shapes are antialiased, so edge pixels are
 * `a·colour + (1−a)·background`; plain nearest-RGB turns a pale orange edge into yellow. Measuring
 * each pixel along the line from the background to each palette colour recovers both the colour and
 * its coverage `a`, and `a ≥ 0.5` is exactly how training/scenes.py defines an object's mask.
 */
import type { Mask, RgbImage } from './image.ts';
import { COLOURS, PALETTE, type Colour } from './scene-vocab.ts';

export interface SegmentOptions {
  /** Minimum coverage of the palette colour for a pixel to belong to an object (scenes.py: 0.5). */
  minCoverage: number;
  /** Max distance (RGB, 0..1 units) of a pixel from the background→colour line: farther pixels are
   * no palette colour at all (grey smudge, brown mix) and belong to no object. */
  maxResidual: number;
  /** Minimum saturation (max−min channel): the background and greys never count as an object. */
  minSaturation: number;
  /** Components smaller than this many pixels are noise, not an object (the smallest training
   * object, a small triangle, covers ~30 px). */
  minArea: number;
}

export const DEFAULT_SEGMENT: SegmentOptions = {
  minCoverage: 0.5,
  maxResidual: 0.3,
  minSaturation: 0.15,
  minArea: 8,
};

/** Per-channel median of the outermost ring of pixels: objects rarely touch the border, so the
 * median is the background even when one does. */
export function estimateBackground(img: RgbImage): [number, number, number] {
  const { width: w, height: h, data } = img;
  const ring: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) ring.push(y * w + x);
    }
  }
  const med = (c: number): number => {
    const v = ring.map((i) => data[c * w * h + i] ?? 0).sort((a, b) => a - b);
    return v[v.length >> 1] ?? 0;
  };
  return [med(0), med(1), med(2)];
}

/** Per pixel: index into COLOURS, or -1 for background / no palette colour. */
export function labelPixels(img: RgbImage, opts: SegmentOptions = DEFAULT_SEGMENT): Int8Array {
  const { width: w, height: h, data } = img;
  const n = w * h;
  const bg = estimateBackground(img);
  // Direction from the background to each palette colour, and its squared length.
  const dirs = COLOURS.map((c): [number, number, number] => {
    const [r, g, b] = PALETTE[c];
    return [r - bg[0], g - bg[1], b - bg[2]];
  });
  const labels = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const r = data[i] ?? 0;
    const g = data[n + i] ?? 0;
    const b = data[2 * n + i] ?? 0;
    if (Math.max(r, g, b) - Math.min(r, g, b) < opts.minSaturation) continue;
    const [pr, pg, pb] = [r - bg[0], g - bg[1], b - bg[2]];
    let best = -1;
    let bestResidual = Infinity;
    let bestCoverage = 0;
    dirs.forEach(([dr, dg, db], c) => {
      // Coverage a: projection of the pixel onto the background→colour segment, clamped to it.
      const a = Math.min(
        1,
        Math.max(0, (pr * dr + pg * dg + pb * db) / (dr * dr + dg * dg + db * db)),
      );
      const residual = Math.hypot(pr - a * dr, pg - a * dg, pb - a * db);
      if (residual < bestResidual) {
        best = c;
        bestResidual = residual;
        bestCoverage = a;
      }
    });
    if (best >= 0 && bestResidual <= opts.maxResidual && bestCoverage >= opts.minCoverage)
      labels[i] = best;
  }
  return labels;
}

/** Largest 8-connected component of pixels labelled `label`, or null when none reaches `minArea`. */
export function largestComponent(
  labels: Int8Array,
  width: number,
  height: number,
  label: number,
  minArea: number,
): Mask | null {
  const seen = new Uint8Array(labels.length);
  let best: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== label || seen[start]) continue;
    const comp: number[] = [];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop() as number;
      comp.push(i);
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const j = ny * width + nx;
          if (labels[j] === label && !seen[j]) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    if (comp.length > best.length) best = comp;
  }
  if (best.length < minArea) return null;
  const data = new Uint8Array(labels.length);
  for (const i of best) data[i] = 1;
  return { width, height, data };
}

/** One found object: its pixels (coverage ≥ 0.5) and its soft coverage map. */
export interface ColourObject {
  mask: Mask;
  /**
   * Coverage of the object's colour, 0..1, over the mask grown by one pixel (0 elsewhere): the
   * antialiased edge the binary mask cuts off. Shape is judged on this, because at 7 px a small
   * circle and a small square thresholded at 0.5 can give the very same pixels.
   */
  coverage: Float32Array;
}

/** Coverage of `colour` at every pixel of `region`: projection onto the background→colour line. */
export function softCoverage(img: RgbImage, colour: Colour, region: Uint8Array): Float32Array {
  const n = img.width * img.height;
  const bg = estimateBackground(img);
  const [cr, cg, cb] = PALETTE[colour];
  const [dr, dg, db] = [cr - bg[0], cg - bg[1], cb - bg[2]];
  const len = dr * dr + dg * dg + db * db;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!region[i]) continue;
    const p = [
      (img.data[i] ?? 0) - bg[0],
      (img.data[n + i] ?? 0) - bg[1],
      (img.data[2 * n + i] ?? 0) - bg[2],
    ];
    out[i] = Math.min(
      1,
      Math.max(0, ((p[0] ?? 0) * dr + (p[1] ?? 0) * dg + (p[2] ?? 0) * db) / len),
    );
  }
  return out;
}

/** The mask grown by one pixel in all eight directions. */
export function dilate(mask: Mask): Uint8Array {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!data[y * w + x]) continue;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < w && ny < h) out[ny * w + nx] = 1;
        }
      }
    }
  }
  return out;
}

/** Each palette colour's object (largest component), where one exists. */
export function findColourObjects(
  img: RgbImage,
  opts: SegmentOptions = DEFAULT_SEGMENT,
): Map<Colour, ColourObject> {
  const labels = labelPixels(img, opts);
  const out = new Map<Colour, ColourObject>();
  COLOURS.forEach((colour, c) => {
    const mask = largestComponent(labels, img.width, img.height, c, opts.minArea);
    if (mask) out.set(colour, { mask, coverage: softCoverage(img, colour, dilate(mask)) });
  });
  return out;
}
