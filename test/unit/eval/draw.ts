/**
 * Test helper: draws scenes images the way training/scenes.py renders them (same geometry, 4×4
 * supersampled antialiasing, colour over a light neutral background), so the checker is tested on
 * pictures like the model's training data — without the model.
 */
import type { RgbImage } from '../../../src/scoring/image.ts';
import { PALETTE, type Colour, type Shape } from '../../../src/scoring/scene-vocab.ts';

export const SIZE = 32;
export const CENTRES = {
  left: [8, 16],
  right: [24, 16],
  top: [16, 8],
  bottom: [16, 24],
  center: [16, 16],
} as const;
export const RADIUS = { small: 3.6, big: 6.2 } as const;
const SS = 4;

export interface DrawObject {
  colour: Colour | [number, number, number];
  shape: Shape;
  cx: number;
  cy: number;
  r: number;
}

/** Whether the point (dx, dy) from the shape's centre is inside it (scenes.py `shape_inside`). */
function inside(shape: Shape, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square': {
      const s = 0.88 * r;
      return Math.abs(dx) <= s && Math.abs(dy) <= s;
    }
    case 'triangle': {
      const h = 1.1 * r; // apex (0, -h), base corners (±h, +h)
      return dy <= h && Math.abs(dx) <= (dy + h) * 0.5;
    }
  }
}

/** Antialiased coverage [SIZE*SIZE] of one object. */
export function coverage(o: DrawObject): Float32Array {
  const cov = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let n = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          if (inside(o.shape, x + (sx + 0.5) / SS - o.cx, y + (sy + 0.5) / SS - o.cy, o.r)) n++;
        }
      }
      cov[y * SIZE + x] = n / (SS * SS);
    }
  }
  return cov;
}

export function draw(
  objects: readonly DrawObject[],
  background: [number, number, number] = [0.9, 0.9, 0.9],
): RgbImage {
  const n = SIZE * SIZE;
  const data = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) data.fill(background[c] ?? 0, c * n, (c + 1) * n);
  for (const o of objects) {
    const cov = coverage(o);
    const rgb = typeof o.colour === 'string' ? PALETTE[o.colour] : o.colour;
    for (let i = 0; i < n; i++) {
      const a = cov[i] ?? 0;
      for (let c = 0; c < 3; c++)
        data[c * n + i] = (data[c * n + i] ?? 0) * (1 - a) + (rgb[c] ?? 0) * a;
    }
  }
  return { width: SIZE, height: SIZE, data };
}

/** The pixel mask scenes.py would give the object (coverage ≥ 0.5). */
export function truthMask(o: DrawObject): Uint8Array {
  return Uint8Array.from(coverage(o), (a) => (a >= 0.5 ? 1 : 0));
}
