/**
 * The shareable state in the URL hash, as `#key=value&…` (URLSearchParams syntax).
 *
 * One table, HASH_FIELDS, says for every field its key, how to read it and how to write it. To add
 * a field: a property in HashState and one entry in HASH_FIELDS (TypeScript insists on both); the
 * parser, the serialiser, the round-trip property test and the "dropped" notice pick it up.
 *
 * Parsing is field by field: a missing field is absent; a malformed or out-of-range one is dropped
 * with a reason (shown to the user) and never affects the others, so a hand-edited or truncated link
 * still opens. Numeric ranges come from core/limits.ts, the same table as the fields and the CLI,
 * so every value the app or the CLI can produce round-trips. Whether a layer or head exists depends
 * on the model: the explorer checks those once the model is loaded (checkModelFields).
 */
import { echo, LIMITS, MAX_PROMPT_CHARS, parseLimited, type NumberLimit } from '../core/limits.ts';
import {
  COLORMAP_NAMES,
  MAP_NORMALIZATIONS,
  MAP_SCALES,
  OVERLAY_MODES,
  type ColormapName,
  type MapNormalization,
  type MapScale,
  type OverlayMode,
} from '../core/overlay-types.ts';
import { WEIGHT_RANGE } from '../model/control.ts';
import { splitWords } from '../model/tokenizer.ts';
import {
  MAX_PINNED,
  type HeadChoice,
  type LayerChoice,
  type StepImageKind,
} from './selection.svelte.ts';

export interface HashState {
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
  /** Pinned words as token positions. */
  words: number[];
  step: number;
  layer: LayerChoice;
  head: HeadChoice;
  colormap: ColormapName;
  mode: OverlayMode;
  /** The view: the map summed over steps 1…s, or this step's. */
  cumulative: boolean;
  opacity: number;
  normalize: MapNormalization;
  /** Min–max over each word's own range or one range shared by the prompt's words. */
  scale: MapScale;
  tau: number;
  /** The image under the map: the predicted clean image x̂₀ or the noisy sample xₜ. */
  image: StepImageKind;
  /** Bilinear image upsampling (true) or pixelated (false). */
  smooth: boolean;
  /** Per-word attention weights, `wt=red:2,blue:0.5` (absent = all ×1). */
  weights?: Record<string, number>;
  /** An edit of the result on screen: the edited prompt (`e`) and the injection fraction (`inj`). */
  edit?: { prompt: string; inject: number };
  /** Compare two seeds of one prompt: the other seed. */
  seed2?: number;
}

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface HashField<T> {
  /** The key in the hash. */
  key: string;
  /** Reads the field's text (`params` for a companion key); a reason when it cannot be used. */
  parse(text: string, params: URLSearchParams): FieldResult<T>;
  /** The text to write, or null to leave the field out of the link. */
  format(value: T): string | null;
  /** Companion keys written after the main one (e.g. an edit's injection fraction). */
  extra?(value: T): [string, string][];
}

/** A field dropped from a link, for the notice: which, the text it had, and why. */
export interface DroppedField {
  field: keyof HashState;
  key: string;
  reason: string;
}

export interface ParsedHash {
  state: Partial<HashState>;
  dropped: DroppedField[];
}

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const bad = <T>(reason: string): FieldResult<T> => ({ ok: false, reason });

function limited(limit: NumberLimit): HashField<number>['parse'] {
  return (text) => parseLimited(text, limit);
}

function oneOf<T extends string>(options: readonly T[], what: string): HashField<T>['parse'] {
  return (text) =>
    options.find((o) => o === text) !== undefined
      ? ok(text as T)
      : bad(`unknown ${what} "${echo(text, 24)}" (use ${options.join(', ')})`);
}

const INJECT_LIMIT: NumberLimit = { label: 'Injection', min: 0, max: 1, integer: false };
const STEP_LIMIT: NumberLimit = { label: 'Step', min: 0, max: LIMITS.steps.max - 1, integer: true };
const WORD_LIMIT: NumberLimit = { label: 'Word position', min: 0, max: 10_000, integer: true };

/** "1" / "0" (also "true" / "false", as people type them into a link). */
function flag(label: string): HashField<boolean>['parse'] {
  return (text) => {
    if (text === '1' || text === 'true') return ok(true);
    if (text === '0' || text === 'false') return ok(false);
    return bad(`${label} must be 1 or 0 (got "${echo(text, 24)}")`);
  };
}
const formatFlag = (v: boolean): string => (v ? '1' : '0');

const IMAGE_KINDS: readonly StepImageKind[] = ['x0', 'xt'];

const INJECT_KEY = 'inj';
const WEIGHT = /^([a-z0-9]{1,40}):(.*)$/;

export const HASH_FIELDS: { [K in keyof HashState]-?: HashField<NonNullable<HashState[K]>> } = {
  prompt: {
    key: 'p',
    parse: (text) =>
      [...text].length <= MAX_PROMPT_CHARS
        ? ok(text)
        : bad(`the prompt is ${[...text].length} characters, over the ${MAX_PROMPT_CHARS} limit`),
    format: (v) => v,
  },
  seed: { key: 'seed', parse: limited(LIMITS.seed), format: String },
  steps: { key: 'steps', parse: limited(LIMITS.steps), format: String },
  guidance: { key: 'g', parse: limited(LIMITS.guidance), format: String },
  words: {
    key: 'w',
    parse: (text) => {
      const list = text.split(',').map((w) => parseLimited(w, WORD_LIMIT));
      // The list is one field: a single bad entry drops the whole list rather than guessing.
      const wrong = list.find((w) => !w.ok);
      if (wrong && !wrong.ok) return bad(`${wrong.reason}`);
      const values = list.map((w) => (w.ok ? w.value : 0));
      return ok([...new Set(values)].slice(-MAX_PINNED));
    },
    format: (v) => (v.length > 0 ? v.join(',') : null),
  },
  step: { key: 's', parse: limited(STEP_LIMIT), format: String },
  layer: {
    key: 'layer',
    parse: (text) =>
      text === 'all' || /^[A-Za-z0-9_.-]{1,64}$/.test(text)
        ? ok(text)
        : bad(`"${echo(text, 24)}" is not a layer name`),
    format: (v) => v,
  },
  head: {
    key: 'head',
    parse: (text) => {
      if (text === 'all') return ok('all');
      const h = parseLimited(text, { label: 'Head', min: 0, max: 255, integer: true });
      return h.ok ? ok(h.value) : bad(h.reason);
    },
    format: String,
  },
  colormap: { key: 'cmap', parse: oneOf(COLORMAP_NAMES, 'colormap'), format: (v) => v },
  mode: { key: 'mode', parse: oneOf(OVERLAY_MODES, 'overlay mode'), format: (v) => v },
  cumulative: { key: 'cum', parse: flag('Cumulative'), format: formatFlag },
  opacity: { key: 'op', parse: limited(LIMITS.opacity), format: String },
  normalize: {
    key: 'norm',
    parse: oneOf(MAP_NORMALIZATIONS, 'normalisation'),
    format: (v) => v,
  },
  scale: { key: 'scale', parse: oneOf(MAP_SCALES, 'scale'), format: (v) => v },
  tau: { key: 'tau', parse: limited(LIMITS.tau), format: String },
  image: { key: 'img', parse: oneOf(IMAGE_KINDS, 'image'), format: (v) => v },
  smooth: { key: 'smooth', parse: flag('Smooth'), format: formatFlag },
  weights: {
    key: 'wt',
    // The list is one field, as `w`: a single bad entry drops it, saying which and why. The words
    // must be words of the link's prompt (the engine would refuse the run otherwise).
    parse: (text, params) => {
      const out: Record<string, number> = {};
      const prompt = params.get('p');
      const words = prompt === null ? null : splitWords(prompt);
      const { min, max } = WEIGHT_RANGE;
      for (const part of text.split(',')) {
        const m = WEIGHT.exec(part.trim());
        if (!m) return bad(`"${echo(part, 24)}" is not word:factor`);
        const [, word = '', factorText = ''] = m;
        const factor = Number(factorText);
        if (factorText.trim() === '' || !Number.isFinite(factor))
          return bad(
            `weight of "${word}" must be a number from ${min} to ${max} (got "${echo(factorText, 12)}")`,
          );
        if (factor < min || factor > max)
          return bad(`weight of "${word}" must be from ${min} to ${max} (got ${factor})`);
        if (words !== null && !words.includes(word))
          return bad(`"${word}" is not a word of the prompt`);
        out[word] = factor;
      }
      return ok(out);
    },
    format: (v) => {
      const entries = Object.entries(v);
      return entries.length > 0 ? entries.map(([w, f]) => `${w}:${f}`).join(',') : null;
    },
  },
  edit: {
    key: 'e',
    parse: (text, params) => {
      if (text.trim() === '') return bad('the edited prompt is empty');
      if ([...text].length > MAX_PROMPT_CHARS)
        return bad(`the edited prompt is over the ${MAX_PROMPT_CHARS}-character limit`);
      const inj = params.get(INJECT_KEY);
      const inject = inj === null ? undefined : parseLimited(inj, INJECT_LIMIT);
      return ok({ prompt: text, inject: inject?.ok ? inject.value : 0 });
    },
    format: (v) => v.prompt,
    extra: (v) => [[INJECT_KEY, String(v.inject)]],
  },
  seed2: { key: 'seed2', parse: limited(LIMITS.seed), format: String },
};

const FIELD_NAMES = Object.keys(HASH_FIELDS) as (keyof HashState)[];

/** Parses a location hash ("#p=…" or "p=…"): the usable fields, and the dropped ones with reasons. */
export function parseHashReport(hash: string): ParsedHash {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return { state: {}, dropped: [] };
  }
  const state: Record<string, unknown> = {};
  const dropped: DroppedField[] = [];
  for (const field of FIELD_NAMES) {
    const spec = HASH_FIELDS[field] as HashField<unknown>;
    const text = params.get(spec.key);
    if (text === null) continue;
    const r = spec.parse(text, params);
    if (r.ok) state[field] = r.value;
    else dropped.push({ field, key: spec.key, reason: r.reason });
  }
  return { state: state as Partial<HashState>, dropped };
}

/** Parses a location hash; returns only the fields that are valid. */
export function parseHash(hash: string): Partial<HashState> {
  return parseHashReport(hash).state;
}

/** Serialises the full state (stable key order, so equal states give equal links). */
export function serializeHash(state: HashState): string {
  const params = new URLSearchParams();
  for (const field of FIELD_NAMES) {
    const spec = HASH_FIELDS[field] as HashField<unknown>;
    const value = state[field];
    if (value === undefined) continue;
    const text = spec.format(value);
    if (text === null) continue;
    params.set(spec.key, text);
    for (const [k, v] of spec.extra?.(value) ?? []) params.set(k, v);
  }
  return `#${params.toString()}`;
}

/** The model's layers and heads per layer, for the checks a parser cannot make alone. */
export interface ModelLayers {
  name: string;
  layers: { output: string; heads: number }[];
}

/**
 * Checks a link's layer and head against the loaded model: an unknown layer or a head the chosen
 * layers do not have is dropped with a reason (the view then shows all layers / all heads under a
 * legend that says so), never shown under a wrong legend.
 */
export function checkModelFields(
  state: Pick<Partial<HashState>, 'layer' | 'head'>,
  model: ModelLayers,
): DroppedField[] {
  const dropped: DroppedField[] = [];
  const { layer, head } = state;
  const layers =
    layer === undefined || layer === 'all'
      ? model.layers
      : model.layers.filter((l) => l.output === layer);
  if (layer !== undefined && layer !== 'all' && layers.length === 0) {
    dropped.push({
      field: 'layer',
      key: HASH_FIELDS.layer.key,
      reason: `model ${model.name} has no layer "${echo(layer, 24)}" (it has ${model.layers.map((l) => l.output).join(', ')})`,
    });
  }
  const heads = Math.min(...(layers.length ? layers : model.layers).map((l) => l.heads));
  if (typeof head === 'number' && head >= heads) {
    dropped.push({
      field: 'head',
      key: HASH_FIELDS.head.key,
      reason: `head ${head + 1} does not exist: ${layers.length === 1 ? 'that layer has' : 'the layers have'} ${heads} heads`,
    });
  }
  return dropped;
}
