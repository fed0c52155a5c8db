/**
 * Honest scales for the word maps: a range shared by the prompt's words (so a word that holds
 * little attention looks dim instead of being stretched to full brightness), and each word's peak
 * and area above τ, the two numbers shown beside its chip.
 */
import type { MapInput, MapNormalization } from '../core/overlay-types.ts';
import { tauMask } from '../attention/masks.ts';

// One implementation for the screen and the exports: attention/scale.ts.
export { scaledMaps } from '../attention/scale.ts';

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
