/**
 * "Attention over steps": for each content word of the prompt, its share of the cross-attention
 * at every denoising step, for the chosen layers and heads. A word's share at a step is the mean
 * of its (this-step) map over the image: each pixel's attention sums to 1 over all tokens, so the
 * shares of all tokens add up to 1 and a word's share reads as "of all attention, this much".
 *
 * Computed from the word-map cache (one entry per step, shared with scrubbing), once per record
 * and layer/head choice; a hover or a scrub only moves a highlight and a marker.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { MapCache, MapSelection } from './maps.ts';

// Shared with the exports' "Content words" choice.
import { contentPositions } from '../attention/scale.ts';
export { contentPositions, STOP_WORDS } from '../attention/scale.ts';

export interface WordSeries {
  position: number;
  word: string;
  /** Share of all attention per step, index = step. */
  shares: number[];
}

export interface StepSeries {
  /** Flow time t at each step's start. */
  t: number[];
  words: WordSeries[];
  /** The largest share of any word at any step (the chart's y range). */
  max: number;
}

function meanOf(data: Float32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i] ?? 0;
  return n > 0 ? sum / n : 0;
}

export function stepSeries(
  record: GenerationRecord,
  cache: MapCache,
  selection: Pick<MapSelection, 'layer' | 'head'>,
): StepSeries {
  const positions = contentPositions(record);
  const words: WordSeries[] = positions.map((position) => ({
    position,
    word: record.tokens[position]?.text ?? String(position),
    shares: [],
  }));
  let max = 0;
  record.steps.forEach((_, step) => {
    const set = cache.get(record, { ...selection, step, cumulative: false });
    for (const w of words) {
      const map = set?.maps[w.position];
      const share = map ? meanOf(map.data, map.width * map.height) : 0;
      w.shares.push(share);
      if (share > max) max = share;
    }
  });
  return { t: record.steps.map((s) => s.t), words, max };
}

/** The series as CSV: one row per step (step from 1, t), one column per word. */
export function seriesCsv(series: StepSeries): string {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['step', 't', ...series.words.map((w) => quote(w.word))].join(',');
  const rows = series.t.map((t, k) =>
    [String(k + 1), t.toFixed(4), ...series.words.map((w) => (w.shares[k] ?? 0).toFixed(6))].join(
      ',',
    ),
  );
  return [header, ...rows].join('\n') + '\n';
}
