import { describe, expect, it } from 'vitest';
import { aggregateAttention } from '../../../src/attention/aggregate.ts';
import type { GenerationRecord } from '../../../src/core/record.ts';
import type { AttentionOutputSpec } from '../../../src/core/manifest-types.ts';
import { wordMapComputer, wordMapsFor } from '../../../src/state/word-maps.ts';

const T = 7;
const layers: AttentionOutputSpec[] = [
  { output: 'attn_down_1_0', place: 'down', block: 1, index: 0, resolution: [16, 16], heads: 4 },
  { output: 'attn_mid_0_0', place: 'mid', block: 0, index: 0, resolution: [8, 8], heads: 4 },
  { output: 'attn_up_2_0', place: 'up', block: 2, index: 0, resolution: [4, 6], heads: 2 },
];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function record(): GenerationRecord {
  const rnd = random(3);
  return {
    layers,
    tokens: Array.from({ length: T }, (_, position) => ({
      position,
      token: 't',
      id: 0,
      text: 't',
      special: false,
      wordIndex: null,
    })),
    // Some negative values, so the clamp matters.
    steps: Array.from({ length: 3 }, (_, step) => ({
      step,
      t: 1,
      xt: new Float32Array(0),
      x0: new Float32Array(0),
      ms: 0,
      attention: layers.map((l) =>
        new Float32Array(l.heads * l.resolution[0] * l.resolution[1] * T).map(() => rnd() - 0.1),
      ),
    })),
  } as unknown as GenerationRecord;
}

describe('wordMapsFor (the fast hover/scrub path)', () => {
  const rec = record();
  const positions = Array.from({ length: T }, (_, i) => i);
  const cases = [
    {
      name: 'one step, all layers and heads',
      steps: [1],
      layers: [0, 1, 2],
      heads: 'all' as const,
    },
    { name: 'cumulative 0..2', steps: [0, 1, 2], layers: [0, 1, 2], heads: 'all' as const },
    { name: 'one 8×8 layer', steps: [2], layers: [1], heads: 'all' as const },
    { name: 'one non-square layer, one head', steps: [0, 1], layers: [2], heads: [1] },
    { name: 'one head of every layer', steps: [0], layers: [0, 1, 2], heads: [0] },
  ];
  for (const c of cases) {
    it(`matches aggregateAttention: ${c.name}`, () => {
      const fast = wordMapsFor(rec, c);
      const ref = aggregateAttention(rec, {
        tokenPositions: positions,
        steps: { kind: 'range', from: c.steps[0]!, to: c.steps[c.steps.length - 1]! },
        layers: c.layers,
        heads: c.heads,
        normalize: 'none',
      });
      expect([fast.height, fast.width]).toEqual(ref.resolution);
      for (const m of ref.maps) {
        const mine = fast.maps[m.tokenPosition]!;
        expect(mine.min).toBeCloseTo(m.min, 5);
        expect(mine.max).toBeCloseTo(m.max, 5);
        let worst = 0;
        for (let i = 0; i < m.data.length; i++) {
          worst = Math.max(worst, Math.abs((mine.data[i] ?? NaN) - (m.data[i] ?? NaN)));
        }
        expect(worst).toBeLessThan(1e-5);
      }
    });
  }

  it('serves the MapComputer interface by layer name and head, falling back to all', () => {
    const one = wordMapComputer.wordMaps(rec, {
      step: 1,
      layer: 'attn_mid_0_0',
      head: 3,
      cumulative: false,
    });
    const ref = wordMapsFor(rec, { steps: [1], layers: [1], heads: [3] });
    expect(one.maps[2]!.data).toEqual(ref.maps[2]!.data);
    // Head 3 does not exist in the 2-head layer: all heads instead of an error.
    const all = wordMapComputer.wordMaps(rec, { step: 0, layer: 'all', head: 3, cumulative: true });
    expect(all.maps[0]!.data).toEqual(
      wordMapsFor(rec, { steps: [0], layers: [0, 1, 2], heads: 'all' }).maps[0]!.data,
    );
    const tiles = wordMapComputer.headTiles(rec, { step: 0, layer: 'all', cumulative: false }, 3);
    expect(tiles).toHaveLength(4 + 4 + 2);
    expect(tiles[0]).toMatchObject({
      layer: 'attn_down_1_0',
      head: 0,
      map: { width: 16, height: 16 },
    });
  });

  it('is fast: one step of a scenes-sized record well under a frame', () => {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++)
      wordMapsFor(rec, { steps: [0, 1, 2], layers: [0, 1, 2], heads: 'all' });
    expect((performance.now() - t0) / 10).toBeLessThan(16);
  });
});
