/**
 * The shareable state in the URL hash, as `#key=value&…` (URLSearchParams syntax).
 *
 * Parsing is field by field: a missing, malformed or out-of-range field is dropped (the app keeps
 * its default) and never affects the others, so a hand-edited or truncated link still opens.
 */
import {
  COLORMAP_NAMES,
  OVERLAY_MODES,
  type ColormapName,
  type OverlayMode,
} from '../core/overlay-types.ts';
import { LIMITS } from './settings.svelte.ts';
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
  /** Per-word attention weights, `wt=red:2,blue:0.5` (absent = all ×1). */
  weights?: Record<string, number>;
  /** An edit of the result on screen: the edited prompt and the injection fraction. */
  edit?: { prompt: string; inject: number };
  /** Compare two seeds of one prompt: the other seed. */
  seed2?: number;
}

const KEYS: Record<keyof HashState, string> = {
  prompt: 'p',
  seed: 'seed',
  steps: 'steps',
  guidance: 'g',
  words: 'w',
  step: 's',
  layer: 'layer',
  head: 'head',
  colormap: 'cmap',
  mode: 'mode',
  weights: 'wt',
  edit: 'e',
  seed2: 'seed2',
};
const INJECT_KEY = 'inj';

const MAX_PROMPT_CHARS = 500;

function int(text: string | null, lo: number, hi: number): number | undefined {
  if (text === null || !/^-?\d+$/.test(text.trim())) return undefined;
  const v = Number(text);
  return Number.isSafeInteger(v) && v >= lo && v <= hi ? v : undefined;
}

function float(text: string | null, lo: number, hi: number): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
}

function oneOf<T extends string>(text: string | null, options: readonly T[]): T | undefined {
  return options.find((o) => o === text);
}

/** Parses a location hash ("#p=…" or "p=…"); returns only the fields that are valid. */
export function parseHash(hash: string): Partial<HashState> {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(hash.replace(/^#/, ''));
  } catch {
    return {};
  }
  const get = (k: keyof HashState): string | null => params.get(KEYS[k]);
  const out: Partial<HashState> = {};

  const prompt = get('prompt');
  if (prompt !== null && prompt.length <= MAX_PROMPT_CHARS) out.prompt = prompt;
  const seed = int(get('seed'), LIMITS.seed.min, LIMITS.seed.max);
  if (seed !== undefined) out.seed = seed;
  const steps = int(get('steps'), LIMITS.steps.min, LIMITS.steps.max);
  if (steps !== undefined) out.steps = steps;
  const guidance = float(get('guidance'), LIMITS.guidance.min, LIMITS.guidance.max);
  if (guidance !== undefined) out.guidance = guidance;

  const words = get('words');
  if (words !== null && words !== '') {
    const list = words.split(',').map((w) => int(w, 0, 10_000));
    // The list is one field: a single bad entry drops the whole list rather than guessing.
    if (list.every((w) => w !== undefined)) out.words = [...new Set(list)].slice(-MAX_PINNED);
  }
  const step = int(get('step'), 0, LIMITS.steps.max - 1);
  if (step !== undefined) out.step = step;

  const layer = get('layer');
  if (layer !== null && (layer === 'all' || /^[A-Za-z0-9_.-]{1,64}$/.test(layer))) {
    out.layer = layer;
  }
  const head = get('head');
  if (head === 'all') out.head = 'all';
  else {
    const h = int(head, 0, 255);
    if (h !== undefined) out.head = h;
  }
  const colormap = oneOf(get('colormap'), COLORMAP_NAMES);
  if (colormap) out.colormap = colormap;
  const mode = oneOf(get('mode'), OVERLAY_MODES);
  if (mode) out.mode = mode;
  const weights = parseWeights(get('weights'));
  if (weights) out.weights = weights;
  const edit = get('edit');
  if (edit !== null && edit.trim() !== '' && edit.length <= MAX_PROMPT_CHARS) {
    out.edit = { prompt: edit, inject: float(params.get(INJECT_KEY), 0, 1) ?? 0 };
  }
  const seed2 = int(get('seed2'), LIMITS.seed.min, LIMITS.seed.max);
  if (seed2 !== undefined) out.seed2 = seed2;
  return out;
}

/**
 * `red:2,blue:0.5` → { red: 2, blue: 0.5 }. Kept as written, out-of-range factors and words that
 * are not in the prompt included: the engine refuses those with a message naming them, rather than
 * the link silently opening something else. A malformed list (no colon, not a number) is dropped.
 */
function parseWeights(text: string | null): Record<string, number> | undefined {
  if (text === null || text === '') return undefined;
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([a-z0-9]{1,40}):(-?\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m) return undefined;
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** Serialises the full state (stable key order, so equal states give equal links). */
export function serializeHash(state: HashState): string {
  const params = new URLSearchParams();
  params.set(KEYS.prompt, state.prompt);
  params.set(KEYS.seed, String(state.seed));
  params.set(KEYS.steps, String(state.steps));
  params.set(KEYS.guidance, String(state.guidance));
  if (state.words.length > 0) params.set(KEYS.words, state.words.join(','));
  params.set(KEYS.step, String(state.step));
  params.set(KEYS.layer, state.layer);
  params.set(KEYS.head, String(state.head));
  params.set(KEYS.colormap, state.colormap);
  params.set(KEYS.mode, state.mode);
  const weights = Object.entries(state.weights ?? {});
  if (weights.length > 0) params.set(KEYS.weights, weights.map(([w, f]) => `${w}:${f}`).join(','));
  if (state.edit) {
    params.set(KEYS.edit, state.edit.prompt);
    params.set(INJECT_KEY, String(state.edit.inject));
  }
  if (state.seed2 !== undefined) params.set(KEYS.seed2, String(state.seed2));
  return `#${params.toString()}`;
}
