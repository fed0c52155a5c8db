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
  OVERLAY_MODES,
  type ColormapName,
  type OverlayMode,
} from '../core/overlay-types.ts';
import { MAX_PINNED, type HeadChoice, type LayerChoice } from './selection.svelte.ts';

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
}

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface HashField<T> {
  /** The key in the hash. */
  key: string;
  /** Reads the field's text; a reason (one short clause) when it cannot be used. */
  parse(text: string): FieldResult<T>;
  /** The text to write, or null to leave the field out of the link. */
  format(value: T): string | null;
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

const STEP_LIMIT: NumberLimit = { label: 'Step', min: 0, max: LIMITS.steps.max - 1, integer: true };
const WORD_LIMIT: NumberLimit = { label: 'Word position', min: 0, max: 10_000, integer: true };

export const HASH_FIELDS: { [K in keyof HashState]: HashField<HashState[K]> } = {
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
    const r = spec.parse(text);
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
    const text = spec.format(state[field]);
    if (text !== null) params.set(spec.key, text);
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
