/**
 * The explorer: the state classes wired together, plus what the views derive from them (the
 * image and maps on screen, the chips, the step range). Components get it from context.
 *
 * Everything a hover or scrub changes is a $derived read of cached data: no model run, no
 * aggregation on a cache hit.
 */
import type { GenerationRecord, StepRecord, TokenInfo } from '../core/record.ts';
import type { Generator } from '../model/generator.ts';
import type { OverlayRenderer } from '../render/overlay-renderer.ts';
import type { ImageInput, MapInput, OverlayMode, OverlayParams } from '../core/overlay-types.ts';
import { createContext } from './context.ts';
import { EditState } from './edit.svelte.ts';
import { GenerationState } from './generation.svelte.ts';
import { MapCache, type HeadTile, type MapComputer, type MapSelection } from './maps.ts';
import { PlaybackState } from './playback.svelte.ts';
import { SelectionState } from './selection.svelte.ts';
import { SettingsState } from './settings.svelte.ts';
import { parseHash, serializeHash, type HashState } from './url-hash.ts';

export interface Chip {
  position: number;
  /** Accessible name and label: the word as typed (normalised), or the special token. */
  label: string;
  special: boolean;
  inVocab: boolean;
}

/** What the viewer draws: the effective mode plus up to two maps. */
export interface OverlayView {
  mode: OverlayMode;
  a: MapInput | null;
  b: MapInput | null;
}

export class Explorer {
  readonly settings = new SettingsState();
  readonly selection = new SelectionState();
  readonly generation: GenerationState;
  readonly playback: PlaybackState;
  readonly maps: MapCache;
  /** The "what if" comparison beside the result on screen (edit or second seed). */
  readonly edit: EditState;
  /** The on-screen renderer, set by the viewer (export and the test/bench hook read it). */
  renderer: OverlayRenderer | null = null;

  constructor(generator: Generator, computer: MapComputer) {
    this.generation = new GenerationState(generator);
    this.edit = new EditState(generator);
    this.maps = new MapCache(computer);
    this.playback = new PlaybackState(this.selection, () => this.stepCount);
  }

  get record(): GenerationRecord | null {
    return this.generation.record;
  }

  get stepCount(): number {
    return this.generation.record?.steps.length ?? 0;
  }

  /** Steps the generation will have in total (the scrubber's max while steps still arrive). */
  get stepTotal(): number {
    const r = this.generation.record;
    return this.generation.running ? this.generation.progress.total : (r?.steps.length ?? 0);
  }

  /** The step on screen: the newest one while following a live run, else the chosen one. */
  #step = $derived.by(() => {
    const n = this.stepCount;
    if (n === 0) return 0;
    if (this.generation.running && this.selection.followLive) return n - 1;
    return Math.min(this.selection.step, n - 1);
  });
  get step(): number {
    return this.#step;
  }
  /** A user scrub: stop following the live run unless they went to the newest step. */
  set step(v: number) {
    this.selection.step = v;
    this.selection.followLive = v >= this.stepCount - 1;
  }

  get stepRecord(): StepRecord | null {
    return this.generation.record?.steps[this.#step] ?? null;
  }

  #image = $derived.by((): ImageInput | null => {
    const r = this.generation.record;
    const s = this.stepRecord;
    if (!r || !s) return null;
    return {
      data: this.selection.imageKind === 'xt' ? s.xt : s.x0,
      channels: r.image.channels,
      height: r.image.height,
      width: r.image.width,
      range: r.image.range,
    };
  });
  get image(): ImageInput | null {
    return this.#image;
  }

  get mapSelection(): MapSelection {
    return {
      // Before the record has steps, keep a restored step rather than writing 0 over it.
      step: this.stepCount > 0 ? this.#step : this.selection.step,
      layer: this.selection.layer,
      head: this.selection.head,
      cumulative: this.selection.cumulative,
    };
  }

  /** All positions' maps for the current selection (cached; computed once per selection). */
  #wordMaps = $derived.by(() => {
    const r = this.generation.record;
    return r ? this.maps.get(r, this.mapSelection) : null;
  });

  mapOf(position: number | null): MapInput | null {
    if (position === null) return null;
    return this.#wordMaps?.maps[position] ?? null;
  }

  #overlay = $derived.by((): OverlayView => {
    const mode = this.settings.mode;
    const sel = this.selection;
    if (mode === 'compare') {
      const pair = sel.comparePair;
      if (pair) return { mode, a: this.mapOf(pair[0]), b: this.mapOf(pair[1]) };
      return { mode: 'heatmap', a: this.mapOf(sel.primary), b: null };
    }
    return { mode, a: this.mapOf(sel.primary), b: null };
  });
  get overlay(): OverlayView {
    return this.#overlay;
  }

  /** The effective mode as its own derived: a hover that keeps the mode does not touch params. */
  #mode = $derived(this.#overlay.mode);

  get overlayParams(): OverlayParams {
    return { ...this.settings.overlay, mode: this.#mode };
  }

  /** Small multiples of the focused word (the primary one, else the first prompt word). */
  #tiles = $derived.by((): HeadTile[] => {
    const r = this.generation.record;
    const position = this.tilePosition;
    if (!r || position === null) return [];
    const { step, layer, cumulative } = this.mapSelection;
    return this.maps.tiles(r, { step, layer, cumulative }, position);
  });
  get tiles(): HeadTile[] {
    return this.#tiles;
  }
  get tilePosition(): number | null {
    return this.selection.primary ?? this.generation.record?.words[0]?.tokenPosition ?? null;
  }

  /** Chips: the prompt's words, and with the toggle on the special tokens too. */
  #chips = $derived.by((): Chip[] => {
    const r = this.generation.record;
    if (!r) return [];
    const show = this.settings.showSpecial;
    return r.tokens
      .filter((t: TokenInfo) => show || !t.special)
      .map((t: TokenInfo) => ({
        position: t.position,
        label: t.text,
        special: t.special,
        inVocab: t.special || (t.wordIndex !== null && (r.words[t.wordIndex]?.inVocab ?? false)),
      }));
  });
  get chips(): Chip[] {
    return this.#chips;
  }

  /** Pin / unpin; a second pin turns a heatmap into the two-word comparison. */
  togglePin(position: number): void {
    const count = this.selection.togglePin(position);
    if (count === 2 && this.settings.mode === 'heatmap') this.settings.mode = 'compare';
    if (count < 2 && this.settings.mode === 'compare') this.settings.mode = 'heatmap';
  }

  /**
   * Generates the prompt in the settings; the view follows the new steps as they arrive, unless
   * `follow` is false (a step restored from the URL stays put).
   */
  async generate(follow = true): Promise<void> {
    // The model's defaults must be in place before the settings are read.
    if (!(await this.ensureModel())) return;
    const settings = this.settings.generation;
    if (settings.prompt.trim() === '') return;
    this.playback.pause();
    const previousPrompt = this.generation.record?.settings.prompt;
    // Pins are token positions: they only mean the same words for the same prompt.
    if (previousPrompt !== undefined && previousPrompt !== settings.prompt) {
      this.selection.clearWords();
      // Weights name words: those of words the new prompt lacks go with the old prompt.
      const words = this.generation.tokenize(settings.prompt)?.words.map((w) => w.word) ?? [];
      this.settings.weights = Object.fromEntries(
        Object.entries(this.settings.weights).filter(([w]) => words.includes(w)),
      );
    }
    if (follow) this.selection.followLive = true;
    const record = await this.generation.generate(this.settings.generation);
    if (record && this.selection.followLive) this.selection.step = record.steps.length - 1;
    // A comparison on screen (or named by the URL) follows its source.
    if (record && (this.edit.applied || this.#pendingEdit)) {
      this.#pendingEdit = false;
      await this.edit.apply(record);
    }
  }

  /** The URL named an edit or a second seed: apply it once its source is generated. */
  #pendingEdit = false;

  /** The second run of the comparison, when it belongs to the result on screen. */
  get editRecord(): GenerationRecord | null {
    return this.edit.record(this.generation.record);
  }

  /** Fields the URL set (a restored step keeps the view from following the live run). */
  #fromUrl: Partial<HashState> = {};
  #modelReady: Promise<boolean> | null = null;

  /** Loads the model once (again after a failure) and applies its defaults on first success. */
  ensureModel(): Promise<boolean> {
    if (this.generation.modelStatus === 'ready') return Promise.resolve(true);
    if (this.#modelReady && this.generation.modelStatus === 'loading') return this.#modelReady;
    this.#modelReady = this.generation.load().then((info) => {
      if (!info) return false;
      this.settings.applyDefaults(info.manifest.defaults);
      return true;
    });
    return this.#modelReady;
  }

  /** Page start: apply the URL hash, load the model, generate the linked prompt if any. */
  async start(hash: string): Promise<void> {
    const named = this.applyHash(hash);
    const restoredStep = this.#fromUrl.step !== undefined;
    if (!(await this.ensureModel())) return;
    if (named) await this.generate(!restoredStep);
  }

  /** Applies a URL hash; returns true when it named a prompt (the app then generates it). */
  applyHash(hash: string): boolean {
    const h = parseHash(hash);
    this.#fromUrl = { ...this.#fromUrl, ...h };
    const s = this.settings;
    if (h.prompt !== undefined) s.prompt = h.prompt;
    if (h.seed !== undefined) s.seed = h.seed;
    if (h.steps !== undefined) s.steps = h.steps;
    if (h.guidance !== undefined) s.guidance = h.guidance;
    if (h.colormap !== undefined) s.colormap = h.colormap;
    if (h.mode !== undefined) s.mode = h.mode;
    if (h.words !== undefined) this.selection.pinned = h.words;
    if (h.layer !== undefined) this.selection.layer = h.layer;
    if (h.head !== undefined) this.selection.head = h.head;
    if (h.weights !== undefined) s.weights = h.weights;
    if (h.edit !== undefined) {
      this.edit.kind = 'edit';
      this.edit.prompt = h.edit.prompt;
      this.edit.inject = h.edit.inject;
      this.#pendingEdit = true;
    } else if (h.seed2 !== undefined) {
      this.edit.kind = 'seeds';
      this.edit.seed2 = h.seed2;
      this.#pendingEdit = true;
    }
    if (h.step !== undefined) {
      this.selection.step = h.step;
      // A restored step is the user's choice: do not jump to the newest step while generating.
      this.selection.followLive = false;
    }
    return h.prompt !== undefined && h.prompt.trim() !== '';
  }

  /** The shareable state; the prompt and numbers are those of the result on screen, if any. */
  get hashState(): HashState {
    const gen = this.generation.record?.settings ?? this.settings.generation;
    return {
      prompt: gen.prompt,
      seed: gen.seed,
      steps: gen.steps,
      guidance: gen.guidance,
      words: [...this.selection.pinned],
      // Before the record has steps, keep a restored step rather than writing 0 over it.
      step: this.stepCount > 0 ? this.#step : this.selection.step,
      layer: this.selection.layer,
      head: this.selection.head,
      colormap: this.settings.colormap,
      mode: this.settings.mode,
      ...(gen.weights ? { weights: gen.weights } : {}),
      ...this.#editHash(),
    };
  }

  #editHash(): Pick<HashState, 'edit' | 'seed2'> {
    const a = this.edit.applied;
    if (!a) return {};
    return a.kind === 'seeds'
      ? { seed2: a.seed2 }
      : { edit: { prompt: a.prompt, inject: a.inject } };
  }

  get hash(): string {
    return serializeHash(this.hashState);
  }

  dispose(): void {
    this.playback.dispose();
    this.maps.cancelPrefetch();
    void this.generation.dispose();
  }
}

export const [getExplorer, setExplorer] = createContext<Explorer>('Explorer');
