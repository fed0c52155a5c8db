/**
 * DAAM's own layer set: the reference implementation (castorini/daam, `trace.py`) aggregates every
 * cross-attention except the middle block's and the lowest-resolution maps (its hooker skips
 * factor 8, i.e. 8×8 of a 64×64 latent). The paper's noun mIoU on Stable Diffusion (58.8–64.8) is
 * measured over that set, so the eval reports it beside the all-layer map. Mirrors
 * `daam_layers()` in training/daam.py.
 */
import type { AttentionOutputSpec } from '../../core/manifest-types.ts';

/** Indices into `layers` of DAAM's set; empty when every layer is mid or lowest-resolution. */
export function daamLayerIndices(layers: readonly AttentionOutputSpec[]): number[] {
  const area = (l: AttentionOutputSpec): number => l.resolution[0] * l.resolution[1];
  const lowest = Math.min(...layers.map(area));
  return layers.flatMap((l, i) => (l.place !== 'mid' && area(l) > lowest ? [i] : []));
}
