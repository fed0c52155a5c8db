/**
 * Model pixels → 8-bit pixels. The model works in `image.range` (e.g. [-1, 1]), planar [C, H, W];
 * canvases and PNG want interleaved bytes [H, W, C]. Shared by the UI, the CLI and the exporters so
 * every view of an image rounds the same way.
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

/** Planar [C, H, W] → RGBA [H, W, 4] for ImageData (grey replicated, opaque alpha when C < 4). */
export function planarToRgba(data: Float32Array, spec: ImageSpec): Uint8ClampedArray<ArrayBuffer> {
  const bytes = planarToBytes(data, spec);
  const { width: W, height: H, channels: C } = spec;
  const out = new Uint8ClampedArray(H * W * 4);
  for (let p = 0; p < H * W; p++) {
    const r = bytes[p * C] as number;
    out[p * 4] = r;
    out[p * 4 + 1] = C >= 3 ? (bytes[p * C + 1] as number) : r;
    out[p * 4 + 2] = C >= 3 ? (bytes[p * C + 2] as number) : r;
    out[p * 4 + 3] = C === 4 ? (bytes[p * C + 3] as number) : 255;
  }
  return out;
}
