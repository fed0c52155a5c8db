/**
 * Shape of one object — circle, square or (upright) triangle — from its soft coverage map, with two
 * numbers that do not depend on its size:
 *
 *              fill = area / (widest row × tallest column)    vertical skew
 *   square         1                                             0
 *   circle         π/4 ≈ 0.79 (0.80 measured)                    0
 *   triangle       1/2 (0.59 measured: the apex is blunt         −0.57 (−0.55 measured) — apex up:
 *                  at this size)                                        the mass sits low
 *
 * Widths and heights are coverage sums along rows and columns, so an antialiased edge counts by how
 * much of it is covered: a binary mask at 0.5 makes a 7 px circle and a 6 px square the same pixels.
 * The object is the nearest prototype, each feature scaled by how far the shapes sit apart on it.
 * Calibration on training-world renders: see eval/README.md.
 */
import type { Mask } from './image.ts';
import type { Shape } from './scene-vocab.ts';

export interface ShapeFeatures {
  /** Bounding box of the binary mask, inclusive pixel coordinates. */
  bbox: { x0: number; y0: number; x1: number; y1: number };
  /** Pixels in the binary mask. */
  area: number;
  /** Soft area / (widest soft row × tallest soft column). */
  fill: number;
  /** Skewness of the coverage's vertical distribution (y down): < 0 when the mass sits low. */
  skew: number;
  /** Coverage-weighted centroid, pixel units (pixel centres at +0.5). */
  cx: number;
  cy: number;
}

export function shapeFeatures(mask: Mask, coverage: Float32Array): ShapeFeatures {
  const { width: w, height: h, data } = mask;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  let area = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!data[y * w + x]) continue;
      area++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const rows = new Float64Array(h);
  const cols = new Float64Array(w);
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = coverage[y * w + x] ?? 0;
      rows[y] = (rows[y] ?? 0) + a;
      cols[x] = (cols[x] ?? 0) + a;
      mass += a;
      sx += a * (x + 0.5);
      sy += a * (y + 0.5);
    }
  }
  const bbox = { x0, y0, x1, y1 };
  if (mass === 0) return { bbox, area, fill: 0, skew: 0, cx: 0, cy: 0 };
  const cx = sx / mass;
  const cy = sy / mass;
  let m2 = 0;
  let m3 = 0;
  rows.forEach((r, y) => {
    const d = y + 0.5 - cy;
    m2 += r * d * d;
    m3 += r * d * d * d;
  });
  m2 /= mass;
  m3 /= mass;
  const fill = mass / (Math.max(...rows) * Math.max(...cols));
  return { bbox, area, fill, skew: m2 > 0 ? m3 / m2 ** 1.5 : 0, cx, cy };
}

type Vec = { fill: number; skew: number };

/** Medians measured on 3,600 training-world objects (both sizes). */
const PROTOTYPES: Record<Shape, Vec> = {
  square: { fill: 1, skew: 0 },
  circle: { fill: 0.8, skew: 0 },
  triangle: { fill: 0.59, skew: -0.55 },
};

/** Per-feature scale: the shapes sit ≥ 0.2 apart on fill and ≥ 0.5 on skew; within a shape the
 * 1–99% range spans ~0.07 and ~0.05 (big circles to small triangles on fill). */
const SCALE: Vec = { fill: 0.06, skew: 0.12 };

export function classifyShape(f: Vec): Shape {
  let best: Shape = 'circle';
  let bestDist = Infinity;
  for (const [shape, p] of Object.entries(PROTOTYPES) as [Shape, Vec][]) {
    const d = ((f.fill - p.fill) / SCALE.fill) ** 2 + ((f.skew - p.skew) / SCALE.skew) ** 2;
    if (d < bestDist) {
      best = shape;
      bestDist = d;
    }
  }
  return best;
}
