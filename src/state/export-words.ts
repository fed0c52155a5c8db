/**
 * Which words an export shows, and the name its file gets. An "On screen" export with no word
 * pinned or hovered (or a "Pinned" poster with no pin) shows the content words and says so,
 * instead of silently drawing plain frames.
 */
import { contentPositions } from '../attention/scale.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { ExportFormat, PosterFile } from '../export/options.ts';
import type { FrameSpec } from '../export/frame-renderer.ts';
import type { FileNameParts } from '../export/run.ts';
import type { StillKey } from '../export/still.ts';
import type { Explorer } from './explorer.svelte.ts';

/**
 * 'view', the word(s) on screen (pinned or hovered; two in compare mode); 'pinned', the pinned
 * words (posters); 'content', the prompt's content words; 'all', every word. Animations and stills
 * show several words as a grid.
 */
export type ExportContent = 'view' | 'pinned' | 'content' | 'all';

export interface ShownWords {
  positions: number[];
  /** Why these words, when the export had to choose for the user; else null. */
  note: string | null;
}

export function shownWords(
  record: GenerationRecord,
  choice: ExportContent,
  pinned: readonly number[],
  onScreen: readonly number[],
): ShownWords {
  const content = contentPositions(record);
  const every = record.words.map((w) => w.tokenPosition);
  const fallback = content.length ? content : every;
  if (choice === 'all') return { positions: every, note: null };
  if (choice === 'content') return { positions: fallback, note: null };
  const chosen = choice === 'pinned' ? [...pinned] : [...onScreen];
  if (chosen.length) return { positions: chosen, note: null };
  return {
    positions: fallback,
    note:
      choice === 'pinned'
        ? 'No word is pinned: the poster shows the content words. Click a word to pin it.'
        : 'No word is pinned or hovered: the export shows the content words. Click a word to pin it.',
  };
}

/** File-name parts: the word(s) shown and the step(s) (see export/run.ts exportFileName). */
export function fileNameParts(
  record: GenerationRecord,
  format: ExportFormat,
  choice: ExportContent,
  shown: ShownWords,
  view: { step: number; cumulative: boolean; posterFile: PosterFile },
): FileNameParts {
  const words =
    shown.note || choice === 'content'
      ? 'content words'
      : choice === 'all'
        ? 'all words'
        : shown.positions.map((p) => record.tokens[p]?.text ?? '').join(' ');
  const n = record.steps.length;
  const k = view.step + 1;
  switch (format) {
    case 'gif':
    case 'webm':
    case 'mp4':
      return { words, step: view.cumulative ? `steps1-${n}-summed` : `steps1-${n}` };
    case 'png':
      return { words, step: view.cumulative ? `steps1-${k}-summed` : `step${k}of${n}` };
    case 'poster':
      return { words, step: `poster-${n}steps`, extension: view.posterFile };
    case 'zip':
      return { step: 'data' };
  }
}

/**
 * The current view as a still (what the viewer shows, at the export size) and, in Compare, the
 * two words whose key goes under it.
 */
export function viewStill(
  ex: Explorer,
  record: GenerationRecord,
  positions: readonly number[],
  pair: readonly [number, number] | null,
  opts: { size: number; label: boolean },
): { frame: FrameSpec; key?: StillKey } {
  const word = (p: number): string => record.tokens[p]?.text ?? '';
  const words = positions.map(word).filter(Boolean);
  const when = ex.selection.cumulative
    ? `steps 1-${ex.step + 1}`
    : `step ${ex.step + 1}/${record.steps.length}`;
  const frame: FrameSpec = {
    size: opts.size,
    image: ex.image,
    mapA: ex.overlay.a,
    mapB: ex.overlay.b,
    params: ex.overlayParams,
    label: opts.label ? [words.join(' + '), when].filter(Boolean).join('  ') : null,
  };
  return pair ? { frame, key: { words: [word(pair[0]), word(pair[1])] } } : { frame };
}
