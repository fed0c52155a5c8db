/**
 * The one table of input limits, shared by the app's fields, the URL hash and the CLI, so that a
 * value one of them accepts the others accept too (a link made from a CLI run reopens it, a
 * field never shows a value that is not the one that runs).
 *
 * `check` says whether a value is usable as is; `clamp` says what a field makes of an out-of-range
 * value and why (one short sentence for the note under the field).
 */

export interface NumberLimit {
  /** The field's name in messages ("Seed", "Steps"). */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
}

export const LIMITS = {
  /** The engine seeds its PRNG with a uint32. */
  seed: { label: 'Seed', min: 0, max: 2 ** 32 - 1, integer: true },
  steps: { label: 'Steps', min: 1, max: 200, integer: true },
  guidance: { label: 'Guidance', min: 0, max: 30, integer: false },
  opacity: { label: 'Opacity', min: 0, max: 1, integer: false },
  tau: { label: 'Threshold τ', min: 0, max: 1, integer: false },
} as const satisfies Record<string, NumberLimit>;

export type LimitName = keyof typeof LIMITS;

/** The longest prompt the app, the URL hash and the CLI take (the model reads at most ~20 words;
 * the rest is shown as cut, so this only bounds what is stored and echoed). */
export const MAX_PROMPT_CHARS = 10_000;

/** User text echoed in a message is cut to this many characters (a 100k-character word must not
 * become a 100k-character message). */
export const MAX_ECHO_CHARS = 60;

/** `text` for a message: at most `max` characters, with an ellipsis and the full length if cut. */
export function echo(text: string, max = MAX_ECHO_CHARS): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}… (${chars.length} characters)`;
}

/** "a whole number from 1 to 200" */
export function describeRange(limit: NumberLimit): string {
  return `${limit.integer ? 'a whole number' : 'a number'} from ${limit.min} to ${limit.max}`;
}

export type Checked = { ok: true; value: number } | { ok: false; reason: string };

/** Parses decimal text strictly ("10k", "", "0x10", "1e999" are refused; "5e-324", what String()
 * writes for tiny numbers, is not) and checks the range. */
export function parseLimited(text: string, limit: NumberLimit): Checked {
  const trimmed = text.trim();
  const v = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(v)) {
    return {
      ok: false,
      reason: `${limit.label} must be ${describeRange(limit)} (got "${echo(text)}")`,
    };
  }
  return checkLimited(v, limit);
}

/** Whether `v` is usable as is. */
export function checkLimited(v: number, limit: NumberLimit): Checked {
  const whole = !limit.integer || Number.isInteger(v);
  if (Number.isFinite(v) && whole && v >= limit.min && v <= limit.max)
    return { ok: true, value: v };
  return { ok: false, reason: `${limit.label} must be ${describeRange(limit)} (got ${v})` };
}

export interface Clamped {
  value: number;
  /** Why the value differs from the input; null when it was used as given. */
  note: string | null;
}

/**
 * What a field does with a typed value: rounds and clamps it into range, saying so. A value that is
 * not a number keeps `previous`.
 */
export function clampLimited(v: number, limit: NumberLimit, previous: number): Clamped {
  if (!Number.isFinite(v)) {
    return {
      value: previous,
      note: `${limit.label} must be ${describeRange(limit)}: kept ${previous}.`,
    };
  }
  const rounded = limit.integer ? Math.round(v) : v;
  const value = Math.min(limit.max, Math.max(limit.min, rounded));
  if (value === v) return { value, note: null };
  const why =
    v < limit.min
      ? `below the minimum ${limit.min}`
      : v > limit.max
        ? `above the maximum ${limit.max}`
        : 'not a whole number';
  return { value, note: `${limit.label} ${v} is ${why}: using ${value}.` };
}
