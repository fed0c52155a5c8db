/**
 * Test helper: a record of random attention for word-map tests — three layers (square and non-square,
 * three resolutions, 4 and 2 heads), T = 7 tokens, 3 steps, values in [-0.1, 0.9) so that the clamp
 * at 0 matters. Deterministic for a seed.
 */
import type { GenerationRecord } from '../../../src/core/record.ts';
import type { AttentionOutputSpec } from '../../../src/core/manifest-types.ts';

export const T = 7;
export const layers: AttentionOutputSpec[] = [
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

/** Only what the word-map engine reads (layers, tokens, steps' attention) is filled in. */
export function randomRecord(seed = 3): GenerationRecord {
  const rnd = random(seed);
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
