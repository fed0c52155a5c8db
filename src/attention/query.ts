/**
 * What the UI asks of a GenerationRecord's attention, and the checks that turn a bad query into a
 * readable InvalidInputError instead of a silent wrong map.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { GenerationRecord } from '../core/record.ts';

export type StepSelection =
  | { kind: 'one'; step: number }
  /** Inclusive on both ends. */
  | { kind: 'range'; from: number; to: number }
  | { kind: 'all' };

export interface AttentionQuery {
  /** Token positions (columns of every attention tensor), e.g. `PromptWord.tokenPosition`. */
  tokenPositions: number[];
  steps: StepSelection;
  /** Indices into `record.layers`; default all. */
  layers?: number[];
  /** Head indices applied to every selected layer; default 'all'. */
  heads?: number[] | 'all';
  /** Output [h, w]; default the largest attention resolution of the record. */
  resolution?: [number, number];
  normalize: 'minmax' | 'none';
  /** How selected steps combine: 'sum' (DAAM, default) or 'mean'. Equal after min–max. */
  stepReduce?: 'sum' | 'mean';
}

/** The part of a record aggregation reads (a partial record during generation works too). */
export type AttentionSource = Pick<GenerationRecord, 'layers' | 'steps' | 'tokens'>;

export interface ResolvedQuery {
  tokens: number[];
  steps: number[];
  layers: number[];
  heads: number[] | 'all';
  resolution: [number, number];
}

function bad(message: string): never {
  throw new InvalidInputError('query', message);
}

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) bad(`${what} ${i} is out of range 0..${n - 1}.`);
}

export function selectSteps(sel: StepSelection, available: number): number[] {
  if (available === 0) bad('The record has no steps yet: wait for the first step.');
  switch (sel.kind) {
    case 'one':
      checkIndex(sel.step, available, 'Step');
      return [sel.step];
    case 'range': {
      checkIndex(sel.from, available, 'Step');
      checkIndex(sel.to, available, 'Step');
      if (sel.from > sel.to)
        bad(`Step range ${sel.from}..${sel.to} is reversed: from must be ≤ to.`);
      return Array.from({ length: sel.to - sel.from + 1 }, (_, i) => sel.from + i);
    }
    case 'all':
      return Array.from({ length: available }, (_, i) => i);
  }
}

/** The largest attention resolution of the record (by pixel count). */
export function largestResolution(source: AttentionSource): [number, number] {
  let best: [number, number] = [1, 1];
  for (const l of source.layers) {
    if (l.resolution[0] * l.resolution[1] > best[0] * best[1])
      best = [l.resolution[0], l.resolution[1]];
  }
  return best;
}

export function resolveQuery(
  source: AttentionSource,
  q: Omit<AttentionQuery, 'normalize'>,
): ResolvedQuery {
  const T = source.tokens.length;
  if (q.tokenPositions.length === 0) bad('Select at least one word.');
  q.tokenPositions.forEach((p) => checkIndex(p, T, 'Token position'));
  const layers = q.layers ?? source.layers.map((_, i) => i);
  if (layers.length === 0) bad('Select at least one layer.');
  layers.forEach((l) => checkIndex(l, source.layers.length, 'Layer'));
  const heads = q.heads ?? 'all';
  if (heads !== 'all') {
    if (heads.length === 0) bad('Select at least one head.');
    for (const l of layers)
      heads.forEach((h) => checkIndex(h, source.layers[l]?.heads ?? 0, `Head (layer ${l})`));
  }
  const resolution = q.resolution ?? largestResolution(source);
  if (!resolution.every((n) => Number.isInteger(n) && n >= 1 && n <= 4096)) {
    bad(`Resolution [${resolution.join(', ')}] must be two whole numbers from 1 to 4096.`);
  }
  return {
    tokens: [...q.tokenPositions],
    steps: selectSteps(q.steps, source.steps.length),
    layers,
    heads,
    resolution,
  };
}
