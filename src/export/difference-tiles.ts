/**
 * The difference panels of a comparison export, as RGBA tiles: the grey image difference and a
 * word's map difference on the diverging colormap (the app's DifferenceView draws the same).
 */
import type { GenerationRecord } from '../core/record.ts';
import type { MapInput } from '../core/overlay-types.ts';
import { imageDifference } from '../attention/compare.ts';
import { diverging } from '../render/diverging.ts';
import { recordImage } from './map-source.ts';

/** Grey image difference |edited − source| (white = half the value range or more), size × size. */
export function imageDifferenceTile(
  source: GenerationRecord,
  edited: GenerationRecord,
  step: number,
  size: number,
): Uint8ClampedArray {
  const a = recordImage(source, step, step >= source.steps.length - 1 ? 'final' : 'x0');
  const b = recordImage(edited, step, step >= edited.steps.length - 1 ? 'final' : 'x0');
  const out = new Uint8ClampedArray(size * size * 4).fill(255);
  if (!a || !b) return out;
  const d = imageDifference(a.data, b.data, a.channels);
  const half = (a.range[1] - a.range[0]) / 2;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(a.height - 1, Math.floor((y * a.height) / size));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(a.width - 1, Math.floor((x * a.width) / size));
      const v = Math.round(Math.min(1, (d[sy * a.width + sx] ?? 0) / half) * 255);
      out.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return out;
}

/** Largest |edited − source| of two raw maps (the diverging scale), 0 when they cannot compare. */
export function mapChange(a: MapInput | null, b: MapInput | null): number {
  if (!a || !b || a.data.length !== b.data.length) return 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++)
    max = Math.max(max, Math.abs((b.data[i] ?? 0) - (a.data[i] ?? 0)));
  return max;
}

/** edited − source on the diverging colormap (red more, blue less), bilinear to size × size. */
export function mapDifferenceTile(
  a: MapInput | null,
  b: MapInput | null,
  size: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  const max = mapChange(a, b);
  if (!a || !b || max === 0) {
    for (let i = 0; i < size * size; i++) out.set([247, 247, 247, 255], i * 4);
    return out;
  }
  const { width: w, height: h } = a;
  const at = (x: number, y: number): number => {
    const i = Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x));
    return (b.data[i] ?? 0) - (a.data[i] ?? 0);
  };
  for (let y = 0; y < size; y++) {
    const fy = ((y + 0.5) * h) / size - 0.5;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = ((x + 0.5) * w) / size - 0.5;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const v =
        (at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) +
        (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty;
      const [r, g, bl] = diverging(v / max);
      out.set([r, g, bl, 255], (y * size + x) * 4);
    }
  }
  return out;
}
