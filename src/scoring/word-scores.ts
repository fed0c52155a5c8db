/**
 * Per-word DAAM IoU, the one implementation behind both `npm run eval` and the app's live score:
 * each scored word's heatmap (all steps, the given layers, all heads, at the image's resolution,
 * min–max normalised) binarised at τ, against the mask of the object its phrase names, segmented
 * from the final image by colour (segment.ts). A word whose object's colour is not found, or whose
 * phrase names no colour, gets null.
 */
import { wordMaps } from '../attention/word-maps.ts';
import type { GenerationRecord, PromptWord } from '../core/record.ts';
import { fromModelRange } from './image.ts';
import { heatmapIoU, TAU } from './iou.ts';
import { isColour, type Colour } from './scene-vocab.ts';
import { findColourObjects, type ColourObject } from './segment.ts';
import { scoredWords, type ScoredWord } from './word-objects.ts';

export interface WordScore extends ScoredWord {
  /** The colour of the object the word's phrase names (how the object is found), or null. */
  colour: Colour | null;
  /** IoU of the word's τ-mask with that object's mask; null when there is no object to compare. */
  iou: number | null;
}

/** The colour each "and"-separated phrase names (its first colour word), in phrase order. */
export function phraseColours(words: readonly PromptWord[], separator = 'and'): (Colour | null)[] {
  const out: (Colour | null)[] = [null];
  for (const w of words) {
    if (w.word === separator) out.push(null);
    else if (out[out.length - 1] === null && w.inVocab && isColour(w.word))
      out[out.length - 1] = w.word;
  }
  return out;
}

/** The coloured objects of the record's final image (the eval's segmentation). */
export function recordObjects(record: GenerationRecord): Map<Colour, ColourObject> {
  const { width, height, range } = record.image;
  if (!record.final) throw new Error(`"${record.settings.prompt}" has no final image yet`);
  return findColourObjects(fromModelRange(record.final, width, height, range));
}

/**
 * Scores `words` (see word-objects.ts) of a complete record: `colours[k]` is the colour of object
 * k (from the eval's prompt set, or phraseColours of a typed prompt), `layers` the attention
 * layers (default all), `objects` the segmented image when already computed.
 */
export function scoreWords(
  record: GenerationRecord,
  words: readonly ScoredWord[],
  colours: readonly (Colour | null)[],
  options: { layers?: number[]; tau?: number; objects?: Map<Colour, ColourObject> } = {},
): WordScore[] {
  if (words.length === 0) return [];
  const { width, height } = record.image;
  const objects = options.objects ?? recordObjects(record);
  const maps = wordMaps(record, {
    tokenPositions: words.map((w) => w.tokenPosition),
    steps: { kind: 'all' },
    layers: options.layers,
    resolution: [height, width],
    normalize: 'minmax',
  }).maps;
  return words.map((w, k) => {
    const colour = colours[w.object] ?? null;
    const mask = colour ? objects.get(colour)?.mask : undefined;
    const map = maps[k]?.data;
    return {
      ...w,
      colour,
      iou: mask && map ? heatmapIoU(map, mask, options.tau ?? TAU) : null,
    };
  });
}

/** The live score of a typed prompt: its scored words against the colours its phrases name. */
export function scorePrompt(record: GenerationRecord, separator = 'and'): WordScore[] {
  return scoreWords(
    record,
    scoredWords(record.words, separator),
    phraseColours(record.words, separator),
  );
}
