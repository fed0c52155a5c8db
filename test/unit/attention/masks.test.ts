import { describe, expect, it } from 'vitest';
import { aboveTau, maskOverlap, pairOverlap, tauMask } from '../../../src/attention/masks.ts';
import { heatmapIoU } from '../../../src/scoring/iou.ts';
import { wordStats } from '../../../src/state/word-scale.ts';
import type { MapInput } from '../../../src/core/overlay-types.ts';

const map = (data: number[], width = data.length, height = 1): MapInput => {
  const d = Float32Array.from(data);
  return { data: d, width, height, min: Math.min(...data), max: Math.max(...data) };
};

describe('τ-masks', () => {
  it('threshold the map as the overlay normalises it (min–max, absolute, flat)', () => {
    const m = map([0, 0.1, 0.2, 0.3, 0.5]);
    expect([...tauMask(m, 0.4, 'minmax')]).toEqual([0, 0, 1, 1, 1]);
    expect([...tauMask(m, 0.4, 'absolute')]).toEqual([0, 0, 0, 0, 1]);
    expect([...tauMask(map([0.2, 0.2]), 0, 'minmax')]).toEqual([1, 1]); // flat: 0 ≥ τ = 0
    expect([...tauMask(map([0.2, 0.2]), 0.4, 'minmax')]).toEqual([0, 0]);
    // Shared scale: the same data over a wider range lights less.
    expect([...tauMask({ ...m, max: 1 }, 0.4, 'minmax')]).toEqual([0, 0, 0, 0, 1]);
  });

  it('overlap counts cells in both and in either', () => {
    expect(maskOverlap([1, 1, 0, 0], [1, 0, 1, 0])).toEqual({ inter: 1, union: 3 });
    expect(() => maskOverlap([1], [1, 0])).toThrow(/1 and 2 cells/);
  });

  it('a pair: IoU of the two τ-masks, null when both are empty; different grids compared', () => {
    const a = map([0, 1, 1, 0], 2, 2);
    const b = map([0, 0, 1, 1], 2, 2);
    const o = pairOverlap(a, b, 0.4, 'minmax');
    expect(o.iou).toBeCloseTo(1 / 3, 12);
    expect([o.areaA, o.areaB, o.areaBoth]).toEqual([0.5, 0.5, 0.25]);
    expect(pairOverlap(a, a, 0.4, 'minmax').iou).toBe(1);
    expect(pairOverlap(map([0, 0]), map([0, 0]), 0.4, 'minmax').iou).toBeNull();
    // 1×2 against 2×2: the smaller map is sampled nearest on the larger grid.
    const wide = pairOverlap(map([0, 1], 2, 1), b, 0.4, 'minmax');
    expect(wide.iou).toBeCloseTo(1 / 3, 12);
  });

  it('is the binarisation behind the chip area and the object IoU', () => {
    const m = map([0, 0.1, 0.2, 0.3, 0.5]);
    expect(wordStats(m, 0.4, 'minmax').area).toBe(0.6);
    const heat = [0.1, 0.5, 0.9, 0.3];
    const object = { width: 2, height: 2, data: Uint8Array.from([0, 1, 1, 1]) };
    const { inter, union } = maskOverlap(aboveTau(heat, 0.4), object.data);
    expect(heatmapIoU(heat, object)).toBe(inter / union);
    expect(heatmapIoU(heat, object)).toBeCloseTo(2 / 3, 12);
  });
});
