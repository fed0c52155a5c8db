/**
 * What exporters draw from. Maps come through a MapSource: in the app the explorer's map cache (so
 * an export shows exactly the maps on screen, with the chosen layers and heads), in the CLI and
 * tests the word-map engine's step series (src/attention/series.ts) over the record — the same
 * engine either way. Images come from the record.
 */
import type { WordMapSeries } from '../attention/series.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { ImageInput, ImageKind } from '../core/overlay-types.ts';

/** A step's map of a token position, alone or cumulative over steps 0..step (null: no such step). */
export type MapSource = WordMapSeries;

/** The image under the overlay at `step`: predicted x0, the noisy x_t, or the final image. */
export function recordImage(
  record: GenerationRecord,
  step: number,
  kind: ImageKind,
): ImageInput | null {
  const s = record.steps[Math.min(step, record.steps.length - 1)];
  const data = kind === 'final' ? (record.final ?? s?.x0) : kind === 'xt' ? s?.xt : s?.x0;
  if (!data) return null;
  const { channels, height, width, range } = record.image;
  return { data, channels, height, width, range };
}
