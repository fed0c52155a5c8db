/**
 * Turns a generation's weights and edit settings into the control of its UNet calls, after checking
 * them against the prompt, the package and the cached source record. Every refusal is one
 * InvalidInputError line naming what to fix.
 */
import type { EditRecord, GenerationRecord, GenerationSettings } from '../core/record.ts';
import { alignPrompts, type TokenAlignment } from './align.ts';
import {
  activeWeights,
  ControlFeeds,
  controlUnavailable,
  tokenScale,
  validateWeights,
} from './control.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ModelManifest } from '../core/manifest-types.ts';
import type { Ort } from './ort.ts';
import type { WordTokenizer } from './tokenizer.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

/** The weights and edit of `settings`, deep-copied, without neutral entries (for the record). */
export function copyControlSettings(
  s: GenerationSettings,
): Pick<GenerationSettings, 'weights' | 'edit'> {
  const weights = activeWeights(s.weights);
  const out: Pick<GenerationSettings, 'weights' | 'edit'> = {};
  if (Object.keys(weights).length > 0) out.weights = weights;
  if (s.edit) {
    const sw = activeWeights(s.edit.source.weights);
    out.edit = {
      source: {
        prompt: s.edit.source.prompt,
        seed: s.edit.source.seed,
        ...(Object.keys(sw).length > 0 ? { weights: sw } : {}),
      },
      inject: s.edit.inject,
    };
  }
  return out;
}

/** Same prompt, seed, steps, guidance and weights: the record is the run an edit names as source. */
export function isSourceOf(record: GenerationRecord, settings: GenerationSettings): boolean {
  const src = settings.edit?.source;
  if (!src || !record.complete) return false;
  const a = record.settings;
  const same = (x: Record<string, number>, y: Record<string, number>): boolean =>
    JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(y).sort());
  return (
    a.prompt === src.prompt &&
    a.seed === src.seed &&
    a.steps === settings.steps &&
    a.guidance === settings.guidance &&
    same(activeWeights(a.weights), activeWeights(src.weights)) &&
    !a.edit
  );
}

function checkInject(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new InvalidInputError(
      'inject',
      `Injection must be a number from 0 to 1 (the fraction of steps that get the source's maps), got ${String(v)}.`,
    );
  }
  return v;
}

export function planControl(
  ort: Ort,
  manifest: ModelManifest,
  tokenizer: WordTokenizer,
  settings: GenerationSettings,
  tokenized: TokenizedPrompt,
  source: GenerationRecord | undefined,
): { feeds: ControlFeeds | null; edit?: EditRecord } {
  const weights = activeWeights(settings.weights);
  const controlled = Object.keys(weights).length > 0 || settings.edit !== undefined;
  const unavailable = controlUnavailable(manifest);
  if (controlled && unavailable) {
    throw new InvalidInputError(settings.edit ? 'edit' : 'weight', unavailable);
  }
  validateWeights(settings.weights ?? {}, tokenized);
  if (unavailable) return { feeds: null };
  const scale = Object.keys(weights).length > 0 ? tokenScale(weights, tokenized) : null;
  const edit = settings.edit;
  if (!edit) return { feeds: new ControlFeeds(manifest, ort, scale, null) };

  const inject = checkInject(edit.inject);
  const sourceTok = tokenizer.tokenize(edit.source.prompt);
  let alignment: TokenAlignment;
  try {
    alignment = alignPrompts(sourceTok, tokenized);
  } catch (e) {
    // Injection 0 injects nothing: two prompts that share no word can still be compared.
    const unalignable = e instanceof InvalidInputError && /cannot be aligned/.test(e.message);
    if (!(unalignable && inject === 0)) throw e;
    alignment = { mode: 'refine', sourceOf: tokenized.ids.map(() => -1) };
  }
  const steps = Math.round(inject * settings.steps);
  const record: EditRecord = {
    mode: alignment.mode,
    sourceOf: alignment.sourceOf,
    injectedSteps: steps,
  };
  if (steps === 0) return { feeds: new ControlFeeds(manifest, ort, scale, null), edit: record };
  if (!source || !isSourceOf(source, settings) || source.steps.length !== settings.steps) {
    throw new InvalidInputError(
      'edit',
      `The source run ("${edit.source.prompt}", seed ${edit.source.seed}, ${settings.steps} steps) is not cached: generate it first, then apply the edit.`,
    );
  }
  return {
    feeds: new ControlFeeds(manifest, ort, scale, { source, alignment, steps }),
    edit: record,
  };
}
