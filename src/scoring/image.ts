/** A small planar RGB image in [0, 1]: data is [3, H, W] (the model's CHW layout), row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Converts the model's final image (CHW, values in `range`) to an RgbImage in [0, 1]. */
export function fromModelRange(
  chw: Float32Array,
  width: number,
  height: number,
  range: readonly [number, number],
): RgbImage {
  const [lo, hi] = range;
  const data = new Float32Array(3 * width * height);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.min(1, Math.max(0, ((chw[i] ?? 0) - lo) / (hi - lo)));
  }
  return { width, height, data };
}

/** A binary pixel mask, row-major y*width + x, 1 = inside. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}
