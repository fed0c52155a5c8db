/**
 * Comparing two runs (an edit and its source, or two seeds of one prompt): the image difference and,
 * per word of the edited prompt, how its DAAM map moved from the map of the source word it was aligned
 * with. Shared by the CLI (`wordlight edit` → diff.png, edit.json) and the app's difference view.
 */
import { wordMaps } from './word-maps.ts';
import { aboveTau, DEFAULT_TAU, maskOverlap } from './masks.ts';
import type { GenerationRecord } from '../core/record.ts';

/** Mean over channels of |edited − source| per pixel, [H·W], in model units (0 … range span). */
export function imageDifference(
  source: Float32Array,
  edited: Float32Array,
  C: number,
): Float32Array {
  const hw = source.length / C;
  const out = new Float32Array(hw);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < hw; i++) {
      out[i] =
        (out[i] as number) +
        Math.abs((edited[c * hw + i] as number) - (source[c * hw + i] as number)) / C;
    }
  }
  return out;
}

export interface WordMapChange {
  word: string;
  tokenPosition: number;
  /** The source word whose maps this one received, or null (its own maps: inserted or unaligned). */
  sourceWord: string | null;
  sourcePosition: number | null;
  /** Mean |edited − source| of the two min–max normalised maps (0 = same map, 1 = opposite). */
  meanAbsChange: number | null;
  /** IoU of the two maps thresholded at τ = 0.4 (DAAM's mask). */
  iou: number | null;
  /** Centre of mass of the map in the edited and the source run, in pixels [x, y]. */
  centre: [number, number];
  sourceCentre: [number, number] | null;
}

function normalisedMaps(
  record: GenerationRecord,
  positions: number[],
  H: number,
  W: number,
): Float32Array[] {
  if (positions.length === 0) return [];
  const r = wordMaps(record, {
    tokenPositions: positions,
    steps: { kind: 'all' },
    resolution: [H, W],
    normalize: 'minmax',
  });
  return r.maps.map((m) => m.data);
}

function centre(map: Float32Array, W: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let s = 0;
  map.forEach((v, i) => {
    sx += v * (i % W);
    sy += v * Math.floor(i / W);
    s += v;
  });
  return s > 0 ? [sx / s, sy / s] : [Number.NaN, Number.NaN];
}

/**
 * Per word of `edited`, the change of its map against the source map at `sourceOf[position]`
 * (the edit's alignment; pass the identity to compare two seeds of one prompt).
 */
export function wordMapChanges(
  source: GenerationRecord,
  edited: GenerationRecord,
  sourceOf: readonly number[],
): WordMapChange[] {
  const { height: H, width: W } = edited.image;
  const words = edited.words;
  const editedMaps = normalisedMaps(
    edited,
    words.map((w) => w.tokenPosition),
    H,
    W,
  );
  const pairs = words.map((w) => sourceOf[w.tokenPosition] ?? -1);
  const srcPositions = pairs.filter((p) => p > 0);
  const srcMaps = normalisedMaps(source, srcPositions, H, W);
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return words.map((w, k) => {
    const mine = editedMaps[k] as Float32Array;
    const sp = pairs[k] as number;
    const srcWord = sp > 0 ? source.tokens[sp] : undefined;
    const theirs = sp > 0 ? srcMaps[srcPositions.indexOf(sp)] : undefined;
    const c = centre(mine, W).map(round) as [number, number];
    if (!theirs || !srcWord) {
      return {
        word: w.word,
        tokenPosition: w.tokenPosition,
        sourceWord: null,
        sourcePosition: null,
        meanAbsChange: null,
        iou: null,
        centre: c,
        sourceCentre: null,
      };
    }
    let diff = 0;
    for (let i = 0; i < mine.length; i++)
      diff += Math.abs((mine[i] as number) - (theirs[i] as number));
    const { inter, union } = maskOverlap(
      aboveTau(mine, DEFAULT_TAU),
      aboveTau(theirs, DEFAULT_TAU),
    );
    return {
      word: w.word,
      tokenPosition: w.tokenPosition,
      sourceWord: srcWord.text,
      sourcePosition: sp,
      meanAbsChange: round(diff / mine.length),
      iou: union > 0 ? round(inter / union) : null,
      centre: c,
      sourceCentre: centre(theirs, W).map(round) as [number, number],
    };
  });
}
