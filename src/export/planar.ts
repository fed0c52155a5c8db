/**
 * Model pixels → 8-bit pixels for PNG files. The model works in `image.range` (e.g. [-1, 1]),
 * planar [C, H, W]; PNG wants interleaved bytes [H, W, C]. The CLI writes image.png through here
 * (overlays convert in the renderers).
 */
export interface ImageSpec {
  width: number;
  height: number;
  channels: number;
  range: [number, number];
}

/** Planar [C, H, W] floats in `range` → interleaved [H, W, C] bytes, clamped and rounded. */
export function planarToBytes(data: Float32Array, spec: ImageSpec): Uint8Array {
  const { width: W, height: H, channels: C, range } = spec;
  const [lo, hi] = range;
  const scale = 255 / (hi - lo);
  const out = new Uint8Array(H * W * C);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) {
      const v = Math.round(((data[c * H * W + p] as number) - lo) * scale); // planar index c·HW + y·W + x
      out[p * C + c] = v < 0 ? 0 : v > 255 ? 255 : v; // interleaved index (y·W + x)·C + c
    }
  }
  return out;
}
