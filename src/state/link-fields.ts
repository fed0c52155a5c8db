/**
 * What a shared link sets and records, field by field: the generation numbers, the display (mode,
 * colormap, normalisation, scale, opacity, τ, smoothing) and the selection (pinned words, layer,
 * head, cumulative, x̂₀/xₜ). The explorer handles the rest of a link (the prompt it generates, the
 * restored step, an edit or second seed, the notice), so that a link reopens the view it was copied
 * from, not just the prompt.
 */
import type { EditState } from './edit.svelte.ts';
import type { SelectionState } from './selection.svelte.ts';
import type { SettingsState } from './settings.svelte.ts';
import { checkModelFields, type DroppedField, type HashState } from './url-hash.ts';

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
