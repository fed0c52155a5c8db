/**
 * DAAM-style word-map IoU: binarise a word's min–max-normalised heatmap at τ and compare it with the
 * pixel mask of the object the word names (Tang et al. 2023 use τ = 0.4).
 */
import type { Mask } from './image.ts';

export const TAU = 0.4;

/** IoU of {heatmap ≥ tau} with `mask`; heatmap is row-major at the mask's resolution. Both empty: 0
 * (there is nothing to agree on, and the checker only scores words whose object was found). */
export function heatmapIoU(heatmap: ArrayLike<number>, mask: Mask, tau = TAU): number {
  const n = mask.width * mask.height;
  if (heatmap.length !== n) {
    throw new Error(
      `heatmap has ${heatmap.length} values, mask ${mask.width}x${mask.height} needs ${n}`,
    );
  }
  let inter = 0;
  let union = 0;
  for (let i = 0; i < n; i++) {
    const h = (heatmap[i] ?? 0) >= tau;
    const m = mask.data[i] === 1;
    if (h && m) inter++;
    if (h || m) union++;
  }
  return union === 0 ? 0 : inter / union;
}
