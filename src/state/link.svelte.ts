/**
 * What a shared link sets and records. LinkState reads a hash into the settings, the selection and
 * the comparison (reporting the fields it could not use, for the link notice), and writes the view
 * back: the generation numbers, the display (mode, colormap, normalisation, scale, opacity, τ,
 * smoothing) and the selection (pinned words, step, layer, head, cumulative, x̂₀/xₜ), so that a link
 * reopens the view it was copied from, not just the prompt.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { EditState } from './edit.svelte.ts';
import type { SelectionState } from './selection.svelte.ts';
import type { SettingsState } from './settings.svelte.ts';
import {
  checkModelFields,
  parseHashReport,
  serializeHash,
  type DroppedField,
  type HashState,
} from './url-hash.ts';

/** The fields of HashState that map one to one onto a settings or selection property. */
export type ViewFields = Pick<
  HashState,
  | 'seed'
  | 'steps'
  | 'guidance'
  | 'colormap'
  | 'mode'
  | 'cumulative'
  | 'opacity'
  | 'normalize'
  | 'scale'
  | 'tau'
  | 'smooth'
  | 'words'
  | 'layer'
  | 'head'
  | 'image'
>;

/** Applies the link's view fields that are present; absent fields keep their current value. */
export function applyViewFields(
  h: Partial<ViewFields>,
  s: SettingsState,
  sel: SelectionState,
): void {
  if (h.seed !== undefined) s.seed = h.seed;
  if (h.steps !== undefined) s.steps = h.steps;
  if (h.guidance !== undefined) s.guidance = h.guidance;
  if (h.colormap !== undefined) s.colormap = h.colormap;
  if (h.mode !== undefined) s.mode = h.mode;
  if (h.normalize !== undefined) s.normalize = h.normalize;
  if (h.scale !== undefined) s.scale = h.scale;
  if (h.opacity !== undefined) s.opacity = h.opacity;
  if (h.tau !== undefined) s.tau = h.tau;
  if (h.smooth !== undefined) s.smooth = h.smooth;
  if (h.words !== undefined) sel.pinned = h.words;
  if (h.layer !== undefined) sel.layer = h.layer;
  if (h.head !== undefined) sel.head = h.head;
  if (h.cumulative !== undefined) sel.cumulative = h.cumulative;
  if (h.image !== undefined) sel.imageKind = h.image;
}

/** The display and selection as link fields (the generation numbers come from the record). */
export function displayFields(
  s: SettingsState,
  sel: SelectionState,
): Omit<ViewFields, 'seed' | 'steps' | 'guidance'> {
  return {
    words: [...sel.pinned],
    layer: sel.layer,
    head: sel.head,
    colormap: s.colormap,
    mode: s.mode,
    cumulative: sel.cumulative,
    opacity: s.opacity,
    normalize: s.normalize,
    scale: s.scale,
    tau: s.tau,
    image: sel.imageKind,
    smooth: s.smooth,
  };
}

/** The applied comparison (edit or second seed) as link fields. */
export function editFields(edit: EditState): Pick<HashState, 'edit' | 'seed2'> {
  const a = edit.applied;
  if (!a) return {};
  return a.kind === 'seeds' ? { seed2: a.seed2 } : { edit: { prompt: a.prompt, inject: a.inject } };
}

/**
 * A linked layer or head the loaded model lacks falls back to all; returns why, for the notice
 * (empty when the link fits the model or no model is loaded).
 */
export function fitLinkToModel(
  sel: SelectionState,
  manifest: { name: string; attention?: { output: string; heads: number }[] } | undefined,
): DroppedField[] {
  if (!manifest?.attention) return [];
  const wrong = checkModelFields(
    { layer: sel.layer, head: sel.head },
    { name: manifest.name, layers: manifest.attention },
  );
  for (const d of wrong) {
    if (d.field === 'layer') sel.layer = 'all';
    if (d.field === 'head') sel.head = 'all';
  }
  return wrong;
}

/** What the link reads and writes in the explorer. */
export interface LinkTarget {
  readonly settings: SettingsState;
  readonly selection: SelectionState;
  readonly edit: EditState;
  readonly record: GenerationRecord | null;
  /** The step on screen, or null before the record has steps (a restored step is kept). */
  readonly shownStep: number | null;
}

export class LinkState {
  readonly #t: LinkTarget;
  /** Fields the URL set (a restored step keeps the view from following the live run). */
  #fromUrl: Partial<HashState> = {};
  /** Fields of the last link that could not be used, with the reason (the link notice). */
  #dropped = $state.raw<DroppedField[]>([]);
  /** The URL named an edit or a second seed: apply it once its source is generated. */
  pendingEdit = false;

  constructor(target: LinkTarget) {
    this.#t = target;
  }

  get fromUrl(): Readonly<Partial<HashState>> {
    return this.#fromUrl;
  }
  get dropped(): readonly DroppedField[] {
    return this.#dropped;
  }
  dismiss(): void {
    this.#dropped = [];
  }

  /** Applies a URL hash; returns true when it named a prompt (the app then generates it). */
  apply(hash: string): boolean {
    const { settings, selection, edit } = this.#t;
    const { state: h, dropped } = parseHashReport(hash);
    this.#dropped = dropped;
    this.#fromUrl = { ...this.#fromUrl, ...h };
    if (h.prompt !== undefined) settings.prompt = h.prompt;
    if (h.weights !== undefined) settings.weights = h.weights;
    applyViewFields(h, settings, selection);
    if (h.edit !== undefined) {
      edit.kind = 'edit';
      edit.prompt = h.edit.prompt;
      edit.inject = h.edit.inject;
      this.pendingEdit = true;
    } else if (h.seed2 !== undefined) {
      edit.kind = 'seeds';
      edit.seed2 = h.seed2;
      this.pendingEdit = true;
    }
    if (h.step !== undefined) {
      selection.step = h.step;
      // A restored step is the user's choice: do not jump to the newest step while generating.
      selection.followLive = false;
    }
    return h.prompt !== undefined && h.prompt.trim() !== '';
  }

  /** A linked layer or head the loaded model lacks falls back to all; the notice says why. */
  fitToModel(manifest: Parameters<typeof fitLinkToModel>[1]): void {
    const wrong = fitLinkToModel(this.#t.selection, manifest);
    if (wrong.length === 0) return;
    this.#dropped = [
      ...this.#dropped.filter((d) => !wrong.some((w) => w.field === d.field)),
      ...wrong,
    ];
  }

  /** The shareable state; the prompt and numbers are those of the result on screen, if any. */
  get state(): HashState {
    const { settings, selection, record, shownStep } = this.#t;
    const gen = record?.settings ?? settings.generation;
    return {
      prompt: gen.prompt,
      seed: gen.seed,
      steps: gen.steps,
      guidance: gen.guidance,
      ...displayFields(settings, selection),
      // Before the record has steps, keep a restored step rather than writing 0 over it.
      step: shownStep ?? selection.step,
      ...(gen.weights ? { weights: gen.weights } : {}),
      ...editFields(this.#t.edit),
    };
  }

  get hash(): string {
    const state: Partial<HashState> = this.state;
    // While the model loads, seed/steps/guidance not set by the link or the user are placeholders
    // (the inputs show them blank): a link copied then must not carry them as if chosen.
    if (!this.#t.record) {
      for (const f of ['seed', 'steps', 'guidance'] as const)
        if (!this.#t.settings.isKnown(f)) delete state[f];
    }
    return serializeHash(state as HashState);
  }
}
