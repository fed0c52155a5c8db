/**
 * One eval sample: generate the prompt with the real engine, check the image, and score each named
 * word's DAAM heatmap (all steps, layers and heads, image resolution, min–max) against the mask of
 * the object the checker found for it; the same over DAAM's own layer set (`daam-layers.ts`).
 */
import { wordMaps } from '../../attention/word-maps.ts';
import type { GenerationRecord } from '../../core/record.ts';
import type { Generator } from '../../model/generator.ts';
import { inspectScene } from './checker.ts';
import { daamLayerIndices } from './daam-layers.ts';
import { fromModelRange } from './image.ts';
import { heatmapIoU, TAU } from './iou.ts';
import { isHeldOut, type EvalPrompt, type Triple } from './prompts.ts';
import type { WordClass } from './scene-vocab.ts';
import { scoredWords } from './word-objects.ts';

export interface ObjectOutcome {
  colourOk: boolean;
  shapeOk: boolean;
  positionOk: boolean;
  ok: boolean;
  /** What the checker saw, for reading failures in results.json. */
  seen: { shape: string; positions: string[]; area: number } | null;
}

export interface WordOutcome {
  word: string;
  wordClass: WordClass;
  object: number;
  /** Null when the object was not found (no mask to compare with). */
  iou: number | null;
  /** The same over DAAM's layer set; null also when the model has no layer in that set. */
  iouDaamLayers: number | null;
}

export interface SampleOutcome {
  id: string;
  seed: number;
  twoObject: boolean;
  differentShapes: boolean | null;
  heldOut: boolean;
  objects: ObjectOutcome[];
  /** Colours found as objects that the prompt does not name. */
  unnamed: string[];
  words: WordOutcome[];
  ms: number;
}

export interface SampleSettings {
  steps: number;
  guidance: number;
  separator: string | undefined;
  heldOut: readonly Triple[];
}

export async function evaluateSample(
  generator: Generator,
  p: EvalPrompt,
  seed: number,
  s: SampleSettings,
): Promise<SampleOutcome> {
  const t0 = performance.now();
  const record = await generator.generate({
    prompt: p.prompt,
    seed,
    steps: s.steps,
    guidance: s.guidance,
  });
  const outcome = scoreRecord(record, p, s);
  return { ...outcome, seed, ms: performance.now() - t0 };
}

export function scoreRecord(
  record: GenerationRecord,
  p: EvalPrompt,
  s: SampleSettings,
): Omit<SampleOutcome, 'seed' | 'ms'> {
  const { width, height, range } = record.image;
  if (!record.final) throw new Error(`generation of "${p.prompt}" returned no final image`);
  const img = fromModelRange(record.final, width, height, range);
  const { checks, unnamed } = inspectScene(img, p.objects);
  const words = scoredWords(record.words, s.separator);
  const daamLayers = daamLayerIndices(record.layers);
  const mapsOver = (layers: number[] | undefined) =>
    words.length === 0
      ? []
      : wordMaps(record, {
          tokenPositions: words.map((w) => w.tokenPosition),
          steps: { kind: 'all' },
          layers,
          resolution: [height, width],
          normalize: 'minmax',
        }).maps;
  const maps = mapsOver(undefined);
  const mapsDaam = daamLayers.length > 0 ? mapsOver(daamLayers) : [];
  return {
    id: p.id,
    twoObject: p.objects.length === 2,
    differentShapes: p.differentShapes,
    heldOut: p.objects.some((o) => isHeldOut(o, s.heldOut)),
    objects: checks.map((c) => ({
      colourOk: c.colourOk,
      shapeOk: c.shapeOk,
      positionOk: c.positionOk,
      ok: c.ok,
      seen: c.found && {
        shape: c.found.shape,
        positions: c.found.positions,
        area: c.found.features.area,
      },
    })),
    unnamed,
    words: words.map((w, k) => {
      const mask = checks[w.object]?.found?.mask;
      const map = maps[k]?.data;
      const mapDaam = mapsDaam[k]?.data;
      return {
        word: w.word,
        wordClass: w.wordClass,
        object: w.object,
        iou: mask && map ? heatmapIoU(map, mask, TAU) : null,
        iouDaamLayers: mask && mapDaam ? heatmapIoU(mapDaam, mask, TAU) : null,
      };
    }),
  };
}
