/**
 * Animated GIF from a frame sequence, with gifenc.
 *
 * One global 256-colour palette, quantised once from a subsample of three frames (first, middle,
 * last): the overlay's colours are the image's plus one colormap, so one palette fits every frame,
 * it cannot flicker between frames, and it saves a quantisation per frame. Pixels are mapped to the
 * palette through an rgb565-keyed cache that lives across frames (consecutive frames share almost
 * all their colours), which is what keeps a 25-frame 512² export under a second.
 */
import gifencModule, * as gifencNamespace from 'gifenc';
import type { Palette } from 'gifenc';
import type { FrameSequence } from './animation.ts';
import { checkpoint, type ExportControl, throwIfCancelled } from './progress.ts';

// gifenc is CommonJS in Node (default = module.exports) and ESM in some bundler setups (named
// exports, default = GIFEncoder): take whichever object carries the functions.
const gifenc: typeof gifencModule =
  typeof (gifencModule as Partial<typeof gifencModule>).quantize === 'function'
    ? gifencModule
    : (gifencNamespace as unknown as typeof gifencModule);

export interface GifOptions extends ExportControl {
  fps: number;
  /**
   * The same animation at a small size, used only to choose the palette: the colours of a frame do
   * not depend on its size, and rendering three 128² probes instead of three full frames saves
   * ~10% of a 25-frame export.
   */
  paletteFrames?: FrameSequence;
  /** Loop forever (default) or play once. */
  loop?: boolean;
}

/** Every `stride`-th pixel of `rgba`, appended to `out` at `offset`; returns the new offset. */
function subsample(
  rgba: Uint8ClampedArray,
  stride: number,
  out: Uint8Array,
  offset: number,
): number {
  let o = offset;
  for (let p = 0; p < rgba.length / 4; p += stride) {
    out[o++] = rgba[p * 4] ?? 0;
    out[o++] = rgba[p * 4 + 1] ?? 0;
    out[o++] = rgba[p * 4 + 2] ?? 0;
    out[o++] = 255;
  }
  return o;
}

/** Maps RGBA pixels to palette indices; the cache (rgb565 → index) persists across frames. */
export function createPaletteMapper(
  palette: Palette,
): (rgba: Uint8ClampedArray, out: Uint8Array) => void {
  const cache = new Int16Array(65536).fill(-1);
  const pr = Int32Array.from(palette, (c) => c[0] ?? 0);
  const pg = Int32Array.from(palette, (c) => c[1] ?? 0);
  const pb = Int32Array.from(palette, (c) => c[2] ?? 0);
  const nearest = (r: number, g: number, b: number): number => {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < pr.length; i++) {
      const dr = r - (pr[i] ?? 0);
      const dg = g - (pg[i] ?? 0);
      const db = b - (pb[i] ?? 0);
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  };
  return (rgba, out) => {
    const n = rgba.length >> 2;
    for (let p = 0; p < n; p++) {
      const r = rgba[p * 4] ?? 0;
      const g = rgba[p * 4 + 1] ?? 0;
      const b = rgba[p * 4 + 2] ?? 0;
      const key = ((r & 0xf8) << 8) | ((g & 0xfc) << 3) | (b >> 3);
      let idx = cache[key] ?? -1;
      if (idx < 0) {
        idx = nearest(r, g, b);
        cache[key] = idx;
      }
      out[p] = idx;
    }
  };
}

/** Encodes the frames as a looping GIF; one frame per element of the sequence. */
export async function encodeGif(frames: FrameSequence, options: GifOptions): Promise<Uint8Array> {
  const { count, width, height } = frames;
  const total = count + 1; // + palette pass
  throwIfCancelled(options);

  // Pass 1: palette from a subsample of up to three frames (~64k pixels in all).
  const source = options.paletteFrames ?? frames;
  const probeCount = Math.min(count, source.count);
  const probes = [...new Set([0, Math.floor((probeCount - 1) / 2), probeCount - 1])].filter(
    (k) => k >= 0,
  );
  const pixels = source.width * source.height;
  const stride = Math.max(1, Math.floor((pixels * probes.length) / 65536));
  const sample = new Uint8Array(Math.ceil(pixels / stride) * 4 * probes.length);
  let filled = 0;
  for (const k of probes) filled = subsample(await source.frame(k), stride, sample, filled);
  const palette = gifenc.quantize(sample.subarray(0, filled).slice(), 256, { format: 'rgb565' });
  const mapPixels = createPaletteMapper(palette);
  await checkpoint(options, 1, total, 'palette');

  // Pass 2: every frame, in order.
  const encoder = gifenc.GIFEncoder({ initialCapacity: width * height });
  const index = new Uint8Array(width * height);
  const delay = Math.round(1000 / options.fps);
  for (let k = 0; k < count; k++) {
    mapPixels(await frames.frame(k), index);
    encoder.writeFrame(index, width, height, {
      palette: k === 0 ? palette : undefined,
      delay,
      repeat: options.loop === false ? -1 : 0,
    });
    await checkpoint(options, k + 2, total, `frame ${k + 1}/${count}`);
  }
  encoder.finish();
  return encoder.bytes();
}
