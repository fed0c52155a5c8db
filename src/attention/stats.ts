/**
 * Summary statistics of a record's attention for the UI's side panels: how much of each pixel's
 * attention goes to each token, per step (a sparkline per word) or overall.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { resolveQuery, type AttentionSource, type StepSelection } from './query.ts';
import { ensureCpuBackend } from './tf.ts';

export interface TokenShareQuery {
  steps: StepSelection;
  layers?: number[];
  heads?: number[] | 'all';
}

export interface TokenShare {
  /** The step indices the rows belong to. */
  steps: number[];
  tokens: number;
  /** [steps, T]: mean over selected layers, heads and pixels of the probability given to token j.
   * Each row sums to 1 over T (softmax rows), so it reads as "share of attention". */
  data: Float32Array;
}

export function tokenShareByStep(source: AttentionSource, query: TokenShareQuery): TokenShare {
  const tf = ensureCpuBackend();
  const T = source.tokens.length;
  const q = resolveQuery(source, { ...query, tokenPositions: [0] });
  const data = tf.tidy(() => {
    let acc: Tensor2D | null = null; // [S, T]
    for (const l of q.layers) {
      const spec = source.layers[l]!;
      const hw = spec.resolution[0] * spec.resolution[1];
      const rows = q.steps.map((s) => {
        let a = tf.tensor3d(source.steps[s]!.attention[l]!, [spec.heads, hw, T]); // [heads, hw, T]
        if (q.heads !== 'all') a = tf.gather(a, tf.tensor1d(q.heads, 'int32'), 0); // [nh, hw, T]
        return a.mean([0, 1]); // [T]
      });
      const perLayer = tf.stack(rows) as Tensor2D; // [S, T]
      acc = acc ? tf.add(acc, perLayer) : perLayer;
    }
    return tf.div(acc!, q.layers.length).dataSync() as Float32Array; // [S, T]
  });
  return { steps: q.steps, tokens: T, data };
}
