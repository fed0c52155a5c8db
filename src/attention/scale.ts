/**
 * Which range a word map is stretched over, shared by the app's overlay and every export (one
 * implementation, so a file shows what the screen shows), and which words are "content words".
 */
import type { TokenInfo } from '../core/record.ts';
import type { MapInput, MapScale } from '../core/overlay-types.ts';

/**
 * The lowest min and highest max over the prompt's words (special tokens excluded: the start token
 * holds most of the attention and would make every word look empty); null when no word has a map.
 */
export function sharedRange(
  mapOf: (position: number) => MapInput | null | undefined,
  tokens: readonly TokenInfo[],
): { min: number; max: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tokens) {
    const m = t.special ? null : mapOf(t.position);
    if (!m) continue;
    lo = Math.min(lo, m.min);
    hi = Math.max(hi, m.max);
  }
  return hi >= lo ? { min: lo, max: hi } : null;
}

/**
 * The maps as drawn under `scale`: unchanged for 'word'; for 'shared', the same data with min and
 * max replaced by the shared range. New objects once per selection, so a hover only picks one out.
 */
export function scaledMaps(
  maps: readonly MapInput[],
  tokens: readonly TokenInfo[],
  scale: MapScale,
): MapInput[] {
  if (scale === 'word') return [...maps];
  const range = sharedRange((p) => maps[p], tokens);
  if (!range) return [...maps];
  return maps.map((m) => ({ ...m, ...range }));
}

/** Function words: they carry grammar, not an object, and are left out by default. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'on',
  'at',
  'in',
  'and',
  'of',
  'to',
  'with',
]);

/** Token positions of the prompt's content words (not function words, not special tokens). */
export function contentPositions(record: {
  words: readonly { word: string; tokenPosition: number }[];
}): number[] {
  return record.words.filter((w) => !STOP_WORDS.has(w.word)).map((w) => w.tokenPosition);
}
