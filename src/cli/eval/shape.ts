/**
 * Shape of one object mask: circle, square or (upright) triangle, from three numbers that separate
 * the training shapes even at 7 px (measured on 3,600 training-world objects, see eval/README.md):
 *
 *              fill of bbox   bottom-heaviness   end rows' width / widest row
 *   square         ~1.0             0                     ~1
 *   circle         ~0.79            0                     ~0.45
 *   triangle       ~0.55            ~0.45                 ~0.55  (apex row ~0.1, base row ~1)
 *
 * Bottom-heaviness is (mass below the bbox's middle − mass above) / area: an upright triangle keeps
 * three quarters of its area in its lower half. The object is the nearest prototype, each feature
 * scaled by how far apart the shapes sit on it.
 */
import type { Mask } from './image.ts';
import type { Shape } from './scene-vocab.ts';

export interface ShapeFeatures {
  /** Bounding box, inclusive pixel coordinates. */
  bbox: { x0: number; y0: number; x1: number; y1: number };
  area: number;
  /** area / bbox area. */
  fill: number;
  /** (area below the bbox's middle row − area above) / area; > 0 is bottom-heavy. */
  bottomHeavy: number;
  /** Mean of (top row width, bottom row width) / widest row width. */
  ends: number;
  /** Centroid in pixel units (pixel centres at +0.5). */
  cx: number;
  cy: number;
}

export function shapeFeatures(mask: Mask): ShapeFeatures {
  const { width: w, height: h, data } = mask;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  let area = 0;
  let sx = 0;
  let sy = 0;
  const rowWidth = new Array<number>(h).fill(0);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!data[y * w + x]) continue;
      area++;
      rowWidth[y] = (rowWidth[y] ?? 0) + 1;
      sx += x + 0.5;
      sy += y + 0.5;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  const bbox = { x0, y0, x1, y1 };
  if (area === 0) return { bbox, area, fill: 0, bottomHeavy: 0, ends: 0, cx: 0, cy: 0 };
  const mid = (y0 + y1 + 1) / 2;
  let above = 0;
  let below = 0;
  let widest = 0;
  for (let y = y0; y <= y1; y++) {
    const rw = rowWidth[y] ?? 0;
    widest = Math.max(widest, rw);
    // The middle row of an odd-height box belongs to neither half.
    if (y + 0.5 < mid) above += rw;
    else if (y + 0.5 > mid) below += rw;
  }
  const ends = ((rowWidth[y0] ?? 0) + (rowWidth[y1] ?? 0)) / (2 * widest);
  const fill = area / ((x1 - x0 + 1) * (y1 - y0 + 1));
  return {
    bbox,
    area,
    fill,
    bottomHeavy: (below - above) / area,
    ends,
    cx: sx / area,
    cy: sy / area,
  };
}

type Vec = { fill: number; bottomHeavy: number; ends: number };

/** Medians measured on training-world renders (both sizes). */
const PROTOTYPES: Record<Shape, Vec> = {
  square: { fill: 1, bottomHeavy: 0, ends: 1 },
  circle: { fill: 0.79, bottomHeavy: 0, ends: 0.45 },
  triangle: { fill: 0.55, bottomHeavy: 0.45, ends: 0.55 },
};

/** Per-feature scale: roughly the spread of one shape on that feature, so each counts alike. */
const SCALE: Vec = { fill: 0.07, bottomHeavy: 0.1, ends: 0.2 };

export function classifyShape(f: Vec): Shape {
  let best: Shape = 'circle';
  let bestDist = Infinity;
  for (const [shape, p] of Object.entries(PROTOTYPES) as [Shape, Vec][]) {
    const d =
      ((f.fill - p.fill) / SCALE.fill) ** 2 +
      ((f.bottomHeavy - p.bottomHeavy) / SCALE.bottomHeavy) ** 2 +
      ((f.ends - p.ends) / SCALE.ends) ** 2;
    if (d < bestDist) {
      best = shape;
      bestDist = d;
    }
  }
  return best;
}
