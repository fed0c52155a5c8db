import { describe, expect, it } from 'vitest';
import { daamLayerIndices } from '../../../src/cli/eval/daam-layers.ts';
import type { AttentionOutputSpec } from '../../../src/core/manifest-types.ts';

const layer = (
  place: AttentionOutputSpec['place'],
  block: number,
  size: number,
): AttentionOutputSpec => ({
  output: `attn_${place}_${block}_0`,
  place,
  block,
  index: 0,
  resolution: [size, size],
  heads: 4,
});

describe("DAAM's layer set", () => {
  it('leaves out the middle block and the lowest resolution, as castorini/daam does', () => {
    const layers = [
      layer('down', 1, 16),
      layer('down', 2, 8),
      layer('mid', 0, 8),
      layer('up', 2, 8),
      layer('up', 1, 16),
    ];
    expect(daamLayerIndices(layers)).toEqual([0, 4]);
  });

  it('keeps a mid-free model’s higher-resolution layers and is empty for one resolution', () => {
    expect(
      daamLayerIndices([layer('down', 1, 16), layer('down', 2, 8), layer('up', 1, 16)]),
    ).toEqual([0, 2]);
    expect(daamLayerIndices([layer('up', 1, 16)])).toEqual([]);
  });
});
