/**
 * Settings: what to generate (prompt, seed, steps, guidance) and how to draw it (overlay mode,
 * colormap, normalisation, per-word or shared scale, opacity, τ, image smoothing, special tokens
 * shown). Values are clamped on write so the URL hash, the inputs and the engine never see
 * out-of-range numbers.
 */
import type { GenerationSettings } from '../core/settings.ts';
import { clampLimited, LIMITS, MAX_PROMPT_CHARS } from '../core/limits.ts';
import { WEIGHT_RANGE } from '../model/control.ts';
import {
  DEFAULT_OVERLAY_PARAMS,
  type ColormapName,
  type MapNormalization,
  type MapScale,
  type OverlayMode,
  type OverlayParams,
} from '../core/overlay-types.ts';

export { LIMITS };

/** The generation fields a person types into; `input` clamps them and says so. */
export type NumberField = 'seed' | 'steps' | 'guidance';

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export class SettingsState {
  #prompt = $state('');
  #seed = $state(0);
  #steps = $state(20);
  #guidance = $state(3);
  #mode = $state<OverlayMode>(DEFAULT_OVERLAY_PARAMS.mode);
  #colormap = $state<ColormapName>('inferno');
  #normalize = $state<MapNormalization>(DEFAULT_OVERLAY_PARAMS.normalize);
  #scale = $state<MapScale>('shared');
  #opacity = $state(DEFAULT_OVERLAY_PARAMS.opacity);
  #tau = $state(DEFAULT_OVERLAY_PARAMS.tau);
  #smooth = $state(DEFAULT_OVERLAY_PARAMS.smooth);
  #showSpecial = $state(false);
  /** Per field: why the value on screen differs from the one typed (null: used as typed). */
  #notes = $state<Record<NumberField, string | null>>({ seed: null, steps: null, guidance: null });
  /** Per-word attention weights (word → ×0…×3); ×1 entries are dropped. */
  #weights = $state.raw<Record<string, number>>({});
  #weightNote = $state<string | null>(null);
  /** Generation fields set since construction (by the URL or the user), not by model defaults. */
  readonly #touched: Record<string, boolean> = {};
  /** Fields whose value is known: set by the URL or the user, or the model's default applied. */
  #known = $state<Record<string, boolean>>({});

  get prompt(): string {
    return this.#prompt;
  }
  set prompt(v: string) {
    this.#prompt =
      [...v].length > MAX_PROMPT_CHARS ? [...v].slice(0, MAX_PROMPT_CHARS).join('') : v;
  }
  get seed(): number {
    return this.#seed;
  }
  set seed(v: number) {
    // A value set from elsewhere (a link, shuffle, the app) makes an earlier clamp note stale.
    if (this.#notes.seed !== null) this.#notes = { ...this.#notes, seed: null };
    if (Number.isFinite(v)) this.#touched.seed = this.#known.seed = true;
    if (Number.isFinite(v)) this.#seed = clamp(Math.round(v), LIMITS.seed.min, LIMITS.seed.max);
  }
  get steps(): number {
    return this.#steps;
  }
  set steps(v: number) {
    // A value set from elsewhere (a link, shuffle, the app) makes an earlier clamp note stale.
    if (this.#notes.steps !== null) this.#notes = { ...this.#notes, steps: null };
    if (Number.isFinite(v)) this.#touched.steps = this.#known.steps = true;
    if (Number.isFinite(v)) this.#steps = clamp(Math.round(v), LIMITS.steps.min, LIMITS.steps.max);
  }
  get guidance(): number {
    return this.#guidance;
  }
  set guidance(v: number) {
    // A value set from elsewhere (a link, shuffle, the app) makes an earlier clamp note stale.
    if (this.#notes.guidance !== null) this.#notes = { ...this.#notes, guidance: null };
    if (Number.isFinite(v)) this.#touched.guidance = this.#known.guidance = true;
    if (Number.isFinite(v)) this.#guidance = clamp(v, LIMITS.guidance.min, LIMITS.guidance.max);
  }
  get mode(): OverlayMode {
    return this.#mode;
  }
  set mode(v: OverlayMode) {
    this.#mode = v;
  }
  get colormap(): ColormapName {
    return this.#colormap;
  }
  set colormap(v: ColormapName) {
    this.#colormap = v;
  }
  get normalize(): MapNormalization {
    return this.#normalize;
  }
  set normalize(v: MapNormalization) {
    this.#normalize = v;
  }
  /** Min–max over each word's own range or one range shared by the prompt's words. */
  get scale(): MapScale {
    return this.#scale;
  }
  set scale(v: MapScale) {
    this.#scale = v;
  }
  get opacity(): number {
    return this.#opacity;
  }
  set opacity(v: number) {
    if (Number.isFinite(v)) this.#opacity = clamp(v, LIMITS.opacity.min, LIMITS.opacity.max);
  }
  get tau(): number {
    return this.#tau;
  }
  set tau(v: number) {
    if (Number.isFinite(v)) this.#tau = clamp(v, LIMITS.tau.min, LIMITS.tau.max);
  }
  get smooth(): boolean {
    return this.#smooth;
  }
  set smooth(v: boolean) {
    this.#smooth = v;
  }
  get showSpecial(): boolean {
    return this.#showSpecial;
  }
  set showSpecial(v: boolean) {
    this.#showSpecial = v;
  }

  get weights(): Readonly<Record<string, number>> {
    return this.#weights;
  }
  /** Replaces all weights (a URL restore); values are kept as given so the engine can refuse them. */
  set weights(v: Readonly<Record<string, number>>) {
    this.#weights = Object.fromEntries(Object.entries(v).filter(([, f]) => f !== 1));
  }
  weightOf(word: string): number {
    return this.#weights[word] ?? 1;
  }
  /**
   * Sets one word's weight from the slider, rounded to 0.05; ×1 removes it. A value that is not a
   * number or outside ×0…×3 changes nothing and `weightNote` says why (one line under the chips);
   * `typed` is the text the value came from, for that line. A good value clears the note.
   */
  setWeight(word: string, v: number, typed: string = String(v)): boolean {
    const { min, max } = WEIGHT_RANGE;
    const now = `it stays ×${this.weightOf(word)}`;
    if (!Number.isFinite(v)) {
      this.#weightNote = `Weight of "${word}" must be a number from ×${min} to ×${max} (got "${typed}"); ${now}.`;
      return false;
    }
    if (v < min || v > max) {
      this.#weightNote = `Weight of "${word}" must be from ×${min} to ×${max} (got ×${v}); ${now}.`;
      return false;
    }
    this.#weightNote = null;
    const f = Math.round(v * 20) / 20;
    const { [word]: _old, ...rest } = this.#weights;
    this.#weights = f === 1 ? rest : { ...rest, [word]: f };
    return true;
  }
  /** Why the last weight from the slider was refused, or null. */
  get weightNote(): string | null {
    return this.#weightNote;
  }

  /** New random seed (the shuffle button), any of the 2³² seeds. */
  shuffleSeed(random: () => number = Math.random): void {
    this.seed = Math.floor(random() * (LIMITS.seed.max + 1));
    this.#notes = { ...this.#notes, seed: null };
  }

  /**
   * A value typed into a field (NaN for text that is not a number): the field then shows the value
   * that will run, and `notes[field]` says why it differs from what was typed.
   */
  input(field: NumberField, v: number): void {
    const c = clampLimited(v, LIMITS[field], this[field]);
    this[field] = c.value;
    this.#notes = { ...this.#notes, [field]: c.note };
  }

  get notes(): Readonly<Record<NumberField, string | null>> {
    return this.#notes;
  }

  /**
   * The model's defaults (steps, guidance, seed), for the fields nobody has set yet: a value from
   * the URL or typed while the model was loading wins.
   */
  applyDefaults(d: { steps: number; guidance: number; seed: number }): void {
    const untouched = (field: string, apply: () => void): void => {
      if (!this.#touched[field]) {
        apply();
        this.#touched[field] = false;
      }
    };
    untouched('steps', () => (this.steps = d.steps));
    untouched('guidance', () => (this.guidance = d.guidance));
    untouched('seed', () => (this.seed = d.seed));
  }

  /**
   * Whether a generation field's value is known yet. Before the model's defaults arrive, the
   * inputs show nothing rather than a placeholder number that would then jump to the default.
   */
  isKnown(field: 'seed' | 'steps' | 'guidance'): boolean {
    return this.#known[field] === true;
  }

  get generation(): GenerationSettings {
    const weights = Object.keys(this.#weights).length > 0 ? { weights: { ...this.#weights } } : {};
    return {
      prompt: this.#prompt,
      seed: this.#seed,
      steps: this.#steps,
      guidance: this.#guidance,
      ...weights,
    };
  }

  /** What the renderer needs; `mode` is resolved against the selection by the viewer. */
  get overlay(): OverlayParams {
    return {
      mode: this.#mode,
      normalize: this.#normalize,
      colormap: this.#colormap,
      opacity: this.#opacity,
      tau: this.#tau,
      smooth: this.#smooth,
    };
  }
}
