/**
 * The word-map engine against an independent reference: the same DAAM math written as tfjs tensor
 * ops (relu, mean over heads, sum over steps, tf.image.resizeBilinear with half-pixel centres, mean
 * over layers), on random records with negative values, non-square layers and several resolutions.
 * tfjs is a dev dependency for exactly this: the product's maps come from the engine's loops.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { headMaps, wordMaps } from '../../../src/attention/word-maps.ts';
import type { AttentionSource, StepSelection } from '../../../src/attention/query.ts';
import { layers, randomRecord, T } from './random-record.ts';

const source: AttentionSource = randomRecord(3);

function stepList(sel: StepSelection): number[] {
  if (sel.kind === 'one') return [sel.step];
  if (sel.kind === 'range')
    return Array.from({ length: sel.to - sel.from + 1 }, (_, i) => sel.from + i);
  return source.steps.map((_, i) => i);
}

/** DAAM in tensors: [K, H, W] for the given tokens (unnormalised). */
function reference(
  tokens: number[],
  steps: number[],
  layerIdx: number[],
  heads: number[] | 'all',
  [H, W]: [number, number],
  mean: boolean,
): Float32Array {
  return tf.tidy(() => {
    let acc: tf.Tensor3D | null = null;
    for (const l of layerIdx) {
      const spec = layers[l]!;
      const [h, w] = spec.resolution;
      let a = tf.stack(
        steps.map((s) => tf.tensor3d(source.steps[s]!.attention[l]!, [spec.heads, h * w, T])),
      ) as tf.Tensor4D; // [S, heads, hw, T]
      if (heads !== 'all') a = tf.gather(a, tf.tensor1d(heads, 'int32'), 1);
      a = tf.gather(a, tf.tensor1d(tokens, 'int32'), 3); // [S, nh, hw, K]
      const perHead = tf.relu(a).mean(1); // [S, hw, K]
      const overSteps = mean ? perHead.mean(0) : perHead.sum(0); // [hw, K]
      const img = overSteps.reshape([h, w, tokens.length]) as tf.Tensor3D;
      const up = h === H && w === W ? img : tf.image.resizeBilinear(img, [H, W], false, true);
      acc = acc ? tf.add(acc, up) : up;
    }
    return tf.transpose(tf.div(acc!, layerIdx.length), [2, 0, 1]).dataSync() as Float32Array;
  });
}

function worstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('wordMaps agrees with tfjs tensor math to 1e-5', () => {
  const all = Array.from({ length: T }, (_, i) => i);
  const cases: {
    name: string;
    steps: StepSelection;
    layers: number[];
    heads: number[] | 'all';
    resolution?: [number, number];
    mean?: boolean;
  }[] = [
    {
      name: 'one step, all layers and heads',
      steps: { kind: 'one', step: 1 },
      layers: [0, 1, 2],
      heads: 'all',
    },
    { name: 'cumulative 0..2', steps: { kind: 'all' }, layers: [0, 1, 2], heads: 'all' },
    { name: 'one 8×8 layer', steps: { kind: 'one', step: 2 }, layers: [1], heads: 'all' },
    {
      name: 'a non-square layer, one head',
      steps: { kind: 'range', from: 0, to: 1 },
      layers: [2],
      heads: [1],
    },
    {
      name: 'head 0 of every layer',
      steps: { kind: 'one', step: 0 },
      layers: [0, 1, 2],
      heads: [0],
    },
    {
      name: 'at 32×32 (the CLI and eval)',
      steps: { kind: 'all' },
      layers: [0, 1, 2],
      heads: 'all',
      resolution: [32, 32],
    },
    {
      name: 'mean over steps, at 5×7',
      steps: { kind: 'all' },
      layers: [0, 2],
      heads: 'all',
      resolution: [5, 7],
      mean: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = wordMaps(source, {
        tokenPositions: all,
        steps: c.steps,
        layers: c.layers,
        heads: c.heads,
        ...(c.resolution ? { resolution: c.resolution } : {}),
        stepReduce: c.mean ? 'mean' : 'sum',
        normalize: 'none',
      });
      const [H, W] = r.resolution;
      expect(r.resolution).toEqual(c.resolution ?? [16, 16]);
      const ref = reference(all, stepList(c.steps), c.layers, c.heads, [H, W], c.mean ?? false);
      for (const m of r.maps) {
        const k = m.tokenPosition;
        const expected = ref.subarray(k * H * W, (k + 1) * H * W);
        expect(worstDifference(m.data, expected)).toBeLessThan(1e-5);
        expect(m.min).toBeCloseTo(Math.min(...expected), 5);
        expect(m.max).toBeCloseTo(Math.max(...expected), 5);
      }
    });
  }
});

describe('headMaps agrees with tfjs tensor math to 1e-5', () => {
  it('one map per (layer, head), words summed after the clamp, steps summed', () => {
    const tokens = [2, 5];
    const tiles = headMaps(source, {
      tokenPositions: tokens,
      steps: { kind: 'all' },
      normalize: 'none',
    });
    expect(tiles).toHaveLength(4 + 4 + 2);
    for (const tile of tiles) {
      const spec = layers[tile.layer]!;
      const [h, w] = spec.resolution;
      expect([tile.height, tile.width]).toEqual([h, w]);
      const expected = tf
        .tidy(() => {
          const a = tf.stack(
            source.steps.map((s) => tf.tensor3d(s.attention[tile.layer]!, [spec.heads, h * w, T])),
          ) as tf.Tensor4D;
          const sel = tf.relu(tf.gather(a, tf.tensor1d(tokens, 'int32'), 3)).sum(3); // [S, heads, hw]
          return sel.sum(0).dataSync() as Float32Array; // [heads, hw]
        })
        .subarray(tile.head * h * w, (tile.head + 1) * h * w);
      expect(worstDifference(tile.data, expected)).toBeLessThan(1e-5);
    }
  });
});
