import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/export/png.ts';
import { planarToBytes } from '../../../src/export/planar.ts';

describe('encodePng', () => {
  it('writes signature, IHDR and filtered rows that inflate back to the pixels', () => {
    const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10); // [H=2, W=3, C=3]
    const png = Buffer.from(encodePng(pixels, 3, 2, 3));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([3, 2, 8, 2]);
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  });

  it('is deterministic', () => {
    const p = new Uint8Array(16 * 16 * 3).map((_, i) => (i * 7) % 256);
    expect(Buffer.from(encodePng(p, 16, 16, 3)).equals(Buffer.from(encodePng(p, 16, 16, 3)))).toBe(
      true,
    );
  });
});

describe('planarToBytes', () => {
  it('maps the model range to 0..255, clamps, and interleaves [C,H,W] → [H,W,C]', () => {
    const planar = Float32Array.from([-1, 1, 0, 2, /* G */ -2, 0.5, -1, 1, /* B */ 0, 0, 0, 0]); // [3, 1, 4]
    const bytes = planarToBytes(planar, { width: 4, height: 1, channels: 3, range: [-1, 1] });
    expect([...bytes]).toEqual([0, 0, 128, 255, 191, 128, 128, 0, 128, 255, 255, 128]);
  });
});
