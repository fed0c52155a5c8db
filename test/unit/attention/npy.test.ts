import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../../src/attention/npy.ts';

describe('npy', () => {
  it('round-trips float32 with shape', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    const bytes = encodeNpy(data, [2, 3, 4]);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([2, 3, 4]);
    expect(back.data).toEqual(data);
  });

  it('writes a v1.0 header numpy accepts: magic, 64-byte aligned, dict', () => {
    const bytes = encodeNpy(new Float32Array(5), [5]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(5,\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLen + 20);
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values/);
  });

  it('refuses non-float32 files', () => {
    const bytes = encodeNpy(new Float32Array(1), [1]);
    const at = new TextDecoder('latin1').decode(bytes).indexOf('<f4');
    bytes[at + 2] = '8'.charCodeAt(0); // '<f4' → '<f8'
    expect(() => decodeNpy(bytes)).toThrow(/float32/);
  });
});
