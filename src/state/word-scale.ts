/**
 * Honest scales for the word maps: a range shared by the prompt's words (so a word that holds
 * little attention looks dim instead of being stretched to full brightness), and each word's peak
 * and area above τ, the two numbers shown beside its chip.
 */
import type { TokenInfo } from '../core/record.ts';
import type { MapInput, MapNormalization, MapScale } from '../core/overlay-types.ts';
import { tauMask } from '../attention/masks.ts';

/**
 * The maps as drawn under `scale`: unchanged for 'word'; for 'shared', the same data with min and
 * max replaced by the lowest min and highest max over the prompt's words (special tokens excluded:
 * the start token holds most of the attention and would make every word look empty). New objects
 * once per selection, so a hover still only picks one out.
 */
export function scaledMaps(
  maps: readonly MapInput[],
  tokens: readonly TokenInfo[],
  scale: MapScale,
): MapInput[] {
  if (scale === 'word') return [...maps];
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tokens) {
    const m = maps[t.position];
    if (t.special || !m) continue;
    lo = Math.min(lo, m.min);
    hi = Math.max(hi, m.max);
  }
  if (!(hi >= lo)) return [...maps];
  return maps.map((m) => ({ ...m, min: lo, max: hi }));
}

export interface WordStats {
  /** Highest raw value of the map (attention probability, or a sum over steps when cumulative). */
  peak: number;
  /** Fraction of the map's cells whose normalised value is ≥ τ (what Mask mode lights). */
  area: number;
}

/** Peak and area above τ of one map, normalised as the overlay normalises it. */
export function wordStats(map: MapInput, tau: number, normalize: MapNormalization): WordStats {
  const n = map.width * map.height;
  let peak = -Infinity;
  for (let i = 0; i < n; i++) peak = Math.max(peak, map.data[i] ?? 0);
  const above = tauMask(map, tau, normalize).reduce((s, v) => s + v, 0);
  return { peak: n > 0 ? peak : 0, area: n > 0 ? above / n : 0 };
}
