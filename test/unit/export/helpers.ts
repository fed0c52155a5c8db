/** Test helpers: decode what the exporters write, and save pictures for a human to look at. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { unzlibSync } from 'fflate';
import { GifReader } from 'omggif';
import { encodePng } from '../../../src/export/png.ts';

export interface DecodedGif {
  width: number;
  height: number;
  frames: Uint8ClampedArray[];
  /** Per-frame delay in centiseconds. */
  delays: number[];
  loopCount: number | null;
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  const reader = new GifReader(bytes);
  const frames: Uint8ClampedArray[] = [];
  const delays: number[] = [];
  const canvas = new Uint8ClampedArray(reader.width * reader.height * 4);
  for (let i = 0; i < reader.numFrames(); i++) {
    reader.decodeAndBlitFrameRGBA(i, canvas);
    frames.push(canvas.slice());
    delays.push(reader.frameInfo(i).delay);
  }
  return {
    width: reader.width,
    height: reader.height,
    frames,
    delays,
    loopCount: reader.loopCount(),
  };
}

/** Decodes the PNGs encodePng writes (8-bit RGBA, filter type 0 on every row). */
export function decodePng(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (p < bytes.length) {
    const len = view.getUint32(p);
    const type = String.fromCharCode(...bytes.subarray(p + 4, p + 8));
    const data = bytes.subarray(p + 8, p + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(p + 8);
      height = view.getUint32(p + 12);
    }
    if (type === 'IDAT') idat.push(data);
    p += 12 + len;
  }
  const all = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let off = 0;
  for (const d of idat) {
    all.set(d, off);
    off += d.length;
  }
  const raw = unzlibSync(all);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * (width * 4 + 1)] !== 0) throw new Error('decodePng: only filter type 0');
    rgba.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return { width, height, rgba };
}

export function pixel(rgba: ArrayLike<number>, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 4;
  return [rgba[o] ?? -1, rgba[o + 1] ?? -1, rgba[o + 2] ?? -1];
}

/** Writes a PNG into test-results/ so a person can look at what a test checked. */
export function savePng(
  name: string,
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): string {
  mkdirSync('test-results', { recursive: true });
  const path = `test-results/${name}`;
  writeFileSync(path, encodePng(rgba, width, height));
  return path;
}
