/**
 * What exporters draw from. Maps come through a MapSource: in the app the explorer's map cache (so
 * an export shows exactly the maps on screen, with the chosen layers and heads), in the CLI and
 * tests the word-map engine's step series (src/attention/series.ts) over the record — the same
 * engine either way. Images come from the record.
 */
import type { WordMapSeries } from '../attention/series.ts';
import type { GenerationRecord } from '../core/record.ts';
import { sharedRange } from '../attention/scale.ts';
import type { ImageInput, ImageKind, MapScale } from '../core/overlay-types.ts';

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

/**
 * `source` under the UI's `Scale` choice: 'word' as is (each map over its own min–max); 'shared',
 * each map stretched over the range shared by the prompt's words at the same step (and
 * cumulative-or-not), as the overlay draws it (attention/scale.ts). Ranges are memoised per step.
 */
export function scaledMapSource(
  source: MapSource,
  record: GenerationRecord,
  scale: MapScale,
): MapSource {
  if (scale === 'word') return source;
  const ranges = new Map<string, { min: number; max: number } | null>();
  return {
    map(position, step, cumulative) {
      const m = source.map(position, step, cumulative);
      if (!m) return null;
      const key = `${step}|${cumulative}`;
      let range = ranges.get(key);
      if (range === undefined) {
        range = sharedRange((p) => source.map(p, step, cumulative), record.tokens);
        ranges.set(key, range);
      }
      return range ? { ...m, ...range } : m;
    },
  };
}
