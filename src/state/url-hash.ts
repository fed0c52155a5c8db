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
};

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
  return `#${params.toString()}`;
}
