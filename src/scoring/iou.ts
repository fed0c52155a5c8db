/**
 * DAAM-style word-map IoU: binarise a word's min–max-normalised heatmap at τ and compare it with the
 * pixel mask of the object the word names (Tang et al. 2023 use τ = 0.4).
 */
import { aboveTau, DEFAULT_TAU, maskOverlap } from '../attention/masks.ts';
import type { Mask } from './image.ts';

export const TAU = DEFAULT_TAU;

/** IoU of {heatmap ≥ tau} with `mask`; heatmap is row-major at the mask's resolution. Both empty: 0
 * (there is nothing to agree on, and the checker only scores words whose object was found). */
export function heatmapIoU(heatmap: ArrayLike<number>, mask: Mask, tau = TAU): number {
  const n = mask.width * mask.height;
  if (heatmap.length !== n) {
    throw new Error(
      `heatmap has ${heatmap.length} values, mask ${mask.width}x${mask.height} needs ${n}`,
    );
  }
  const { inter, union } = maskOverlap(aboveTau(heatmap, tau), mask.data);
  return union === 0 ? 0 : inter / union;
}
