import { describe, expect, it } from 'vitest';
import type { AttentionSource } from '../../../src/attention/query.ts';
import { headMaps, wordMaps } from '../../../src/attention/word-maps.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import type { AttentionOutputSpec } from '../../../src/core/manifest-types.ts';

const T = 3;
const layers: AttentionOutputSpec[] = [
  { output: 'attn_down_1_0', place: 'down', block: 1, index: 0, resolution: [2, 2], heads: 2 },
  { output: 'attn_mid_0_0', place: 'mid', block: 0, index: 0, resolution: [1, 1], heads: 1 },
];

/** Layer 0 [heads=2, hw=4, T=3] with value 10·head + pixel + token/10, some negatives; layer 1 [1, 1, 3]. */
function step(offset: number) {
  const l0 = new Float32Array(2 * 4 * T);
  for (let h = 0; h < 2; h++)
    for (let p = 0; p < 4; p++)
      for (let t = 0; t < T; t++) l0[(h * 4 + p) * T + t] = offset + 10 * h + p + t / 10;
  l0[(0 * 4 + 0) * T + 1] = -5; // head 0, pixel 0, token 1: clamped to 0
  const l1 = Float32Array.from([0.2 + offset, 0.3, 0.5]);
  return {
    step: 0,
    t: 1,
    xt: new Float32Array(0),
    x0: new Float32Array(0),
    attention: [l0, l1],
    ms: 0,
  };
}

const source: AttentionSource = {
  layers,
  steps: [step(0), step(1)],
  tokens: Array.from({ length: T }, (_, i) => ({
    position: i,
    token: `w${i}`,
    id: i,
    text: `w${i}`,
    special: i === 0,
    wordIndex: i === 0 ? null : i - 1,
  })),
};

const at = (a: Float32Array, i: number): number => a[i] as number;

describe('wordMaps', () => {
  it('clamps, then means over heads, at native resolution', () => {
    const r = wordMaps(source, {
      tokenPositions: [1],
      steps: { kind: 'one', step: 0 },
      layers: [0],
      normalize: 'none',
    });
    expect(r.resolution).toEqual([2, 2]);
    const m = r.maps[0]!.data;
    // pixel 0: head0 clamped 0, head1 = 10 + 0 + 0.1 → mean 5.05
    expect(at(m, 0)).toBeCloseTo(5.05, 5);
    // pixel 3: (3.1 + 13.1) / 2
    expect(at(m, 3)).toBeCloseTo(8.1, 5);
    expect(r.maps[0]!.min).toBeCloseTo(5.05, 5);
    expect(r.maps[0]!.max).toBeCloseTo(8.1, 5);
  });

  it('selects heads', () => {
    const r = wordMaps(source, {
      tokenPositions: [2],
      steps: { kind: 'one', step: 0 },
      layers: [0],
      heads: [1],
      normalize: 'none',
    });
    expect(Array.from(r.maps[0]!.data)).toEqual([10.2, 11.2, 12.2, 13.2].map(Math.fround));
  });

  it('sums (or means) over a step range', () => {
    const q = { tokenPositions: [2], layers: [0], heads: [0], normalize: 'none' as const };
    const sum = wordMaps(source, { ...q, steps: { kind: 'range', from: 0, to: 1 } }).maps[0]!.data;
    expect(at(sum, 1)).toBeCloseTo(1.2 + 2.2, 5);
    const mean = wordMaps(source, { ...q, steps: { kind: 'all' }, stepReduce: 'mean' }).maps[0]!
      .data;
    expect(at(mean, 1)).toBeCloseTo(1.7, 5);
  });

  it('upsamples bilinearly with half-pixel centres', () => {
    const grid: AttentionSource = {
      layers: [{ ...layers[0]!, heads: 1, resolution: [2, 2] }],
      tokens: source.tokens.slice(0, 1),
      steps: [{ ...step(0), attention: [Float32Array.from([0, 1, 2, 3])] }], // [1 head, 4 px, T=1]
    };
    const r = wordMaps(grid, {
      tokenPositions: [0],
      steps: { kind: 'all' },
      resolution: [4, 4],
      normalize: 'none',
    });
    const f = [0, 0.25, 0.75, 1]; // 1-D half-pixel bilinear of [0, 1] to 4 samples (edges clamp)
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++)
        expect(at(r.maps[0]!.data, y * 4 + x)).toBeCloseTo(f[x]! + 2 * f[y]!, 5);
  });

  it('means over layers after upsampling to the largest resolution', () => {
    const r = wordMaps(source, {
      tokenPositions: [2],
      steps: { kind: 'one', step: 0 },
      normalize: 'none',
    });
    expect(r.resolution).toEqual([2, 2]);
    // layer 0 pixel 0 token 2: (0.2 + 10.2) / 2 = 5.2; layer 1 (1×1 → constant): 0.5
    expect(at(r.maps[0]!.data, 0)).toBeCloseTo((5.2 + 0.5) / 2, 5);
  });

  it('min–max normalises per word and reports the raw range', () => {
    const r = wordMaps(source, {
      tokenPositions: [1, 2],
      steps: { kind: 'all' },
      normalize: 'minmax',
    });
    for (const m of r.maps) {
      expect(Math.min(...m.data)).toBeCloseTo(0, 6);
      expect(Math.max(...m.data)).toBeCloseTo(1, 6);
      expect(m.max).toBeGreaterThan(m.min);
    }
    expect(r.maps.map((m) => m.tokenPosition)).toEqual([1, 2]);
  });

  it('gives zeros, not NaN, for a flat map', () => {
    const flat: AttentionSource = {
      ...source,
      layers: [layers[1]!],
      steps: [{ ...step(0), attention: [Float32Array.from([0.2, 0.3, 0.5])] }],
    };
    const r = wordMaps(flat, {
      tokenPositions: [0],
      steps: { kind: 'all' },
      normalize: 'minmax',
    });
    expect(Array.from(r.maps[0]!.data)).toEqual([0]);
  });

  it('refuses bad queries with InvalidInputError', () => {
    const base = {
      tokenPositions: [1],
      steps: { kind: 'all' as const },
      normalize: 'none' as const,
    };
    expect(() => wordMaps(source, { ...base, tokenPositions: [3] })).toThrow(InvalidInputError);
    expect(() => wordMaps(source, { ...base, steps: { kind: 'one', step: 2 } })).toThrow(
      /Step 2 is out of range 0..1/,
    );
    expect(() => wordMaps(source, { ...base, steps: { kind: 'range', from: 1, to: 0 } })).toThrow(
      /reversed/,
    );
    expect(() => wordMaps(source, { ...base, heads: [1] })).toThrow(/Head \(layer 1\) 1/);
    expect(() => wordMaps({ ...source, steps: [] }, base)).toThrow(/no steps yet/);
  });

  it('does not modify the record', () => {
    const copy = source.steps.map((s) => s.attention.map((a) => a.slice()));
    wordMaps(source, {
      tokenPositions: [1],
      steps: { kind: 'all' },
      normalize: 'minmax',
    });
    expect(source.steps.map((s) => s.attention)).toEqual(copy);
  });
});

describe('headMaps', () => {
  it('gives one native-resolution map per (layer, head), layer-major, clamped and summed over words', () => {
    const g = headMaps(source, {
      tokenPositions: [1, 2],
      steps: { kind: 'one', step: 0 },
      normalize: 'none',
    });
    expect(g.map((m) => [m.layer, m.head])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    expect([g[0]!.height, g[0]!.width]).toEqual([2, 2]);
    // layer 0, head 0, pixel 0: token1 clamped 0 + token2 0.2
    expect(at(g[0]!.data, 0)).toBeCloseTo(0.2, 5);
    expect(at(g[2]!.data, 0)).toBeCloseTo(0.8, 5);
  });
});
