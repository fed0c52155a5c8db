/**
 * Checks generation settings before any model work, so bad input fails fast with a message saying
 * what is wrong and how to fix it (InvalidInputError), never a hang or a blank image.
 */
import type { GenerationSettings } from '../core/settings.ts';
import { echo, LIMITS, MAX_PROMPT_CHARS } from '../core/limits.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

export { LIMITS };

function show(v: unknown): string {
  if (typeof v === 'string') return `"${echo(v)}"`;
  return String(v);
}

export function validateSettings(s: GenerationSettings): void {
  if (typeof s.prompt !== 'string' || s.prompt.trim() === '') {
    throw new InvalidInputError(
      'prompt',
      'Prompt is empty: type a few words, e.g. "a red circle on the left".',
    );
  }
  const chars = [...s.prompt].length;
  if (chars > MAX_PROMPT_CHARS) {
    throw new InvalidInputError(
      'prompt',
      `Prompt is ${chars} characters, over the ${MAX_PROMPT_CHARS} limit (the model reads about 20 words).`,
    );
  }
  const { steps, guidance, seed } = s;
  requireInRange(
    'steps',
    steps,
    LIMITS.steps,
    true,
    `Steps must be a whole number from ${LIMITS.steps.min} to ${LIMITS.steps.max} (got ${show(steps)}); 20 is a good default.`,
  );
  requireInRange(
    'guidance',
    guidance,
    LIMITS.guidance,
    false,
    `Guidance must be a number from ${LIMITS.guidance.min} to ${LIMITS.guidance.max} (got ${show(guidance)}); try 4.`,
  );
  requireInRange(
    'seed',
    seed,
    LIMITS.seed,
    true,
    `Seed must be a whole number from 0 to ${LIMITS.seed.max} (got ${show(seed)}).`,
  );
}

/** Throws InvalidInputError(field, message) unless `v` is a finite number (whole if `integer`) in range. */
function requireInRange(
  field: string,
  v: unknown,
  range: { min: number; max: number },
  integer: boolean,
  message: string,
): void {
  const ok =
    typeof v === 'number' &&
    (integer ? Number.isInteger(v) : Number.isFinite(v)) &&
    v >= range.min &&
    v <= range.max;
  if (!ok) throw new InvalidInputError(field, message);
}

/** After tokenizing: a prompt must keep at least one vocabulary word, or the image ignores it. */
export function validateTokenized(t: TokenizedPrompt, exampleWords: string[]): void {
  if (t.words.length === 0) {
    throw new InvalidInputError(
      'prompt',
      'Prompt has no words (only symbols, emoji or spaces): use letters or digits, e.g. "a red circle".',
    );
  }
  if (!t.words.some((w) => w.inVocab)) {
    const unknown = t.unknown
      .slice(0, 5)
      .map((w) => `"${echo(w, 30)}"`)
      .join(', ');
    const more = t.unknown.length > 5 ? ` and ${t.unknown.length - 5} more` : '';
    const examples = exampleWords.slice(0, 6).join(', ');
    throw new InvalidInputError(
      'prompt',
      `None of the prompt's words are in the model's vocabulary (${unknown}${more}): use words like ${examples}.`,
    );
  }
}
