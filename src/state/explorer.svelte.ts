/**
 * The explorer: the state classes wired together, plus what the views derive from them (the
 * image and maps on screen, the chips, the step range). Components get it from context.
 *
 * Everything a hover or scrub changes is a $derived read of cached data: no model run, no
 * aggregation on a cache hit.
 */
import type { GenerationRecord, StepRecord } from '../core/record.ts';
import type { Generator } from '../model/generator.ts';
import type { WordScore } from '../scoring/word-scores.ts';
import type { OverlayRenderer } from '../render/overlay-renderer.ts';
import type { ImageInput, MapInput, OverlayMode, OverlayParams } from '../core/overlay-types.ts';
import { createContext } from './context.ts';
import { ComparePairState } from './compare-pair.svelte.ts';
import { EditState } from './edit.svelte.ts';
import { EXAMPLE_PROMPTS, examplesFor } from './examples.ts';
import { GenerationState } from './generation.svelte.ts';
import { MapCache, type HeadTile, type MapComputer, type MapSelection } from './maps.ts';
import { PlaybackState } from './playback.svelte.ts';
import { SelectionState } from './selection.svelte.ts';
import { SettingsState } from './settings.svelte.ts';
import { WordScoreState, type ScoreClient } from './scores.svelte.ts';
import { stepSeries, type StepSeries } from './step-series.ts';
import { scaledMaps, wordStats, type WordStats } from './word-scale.ts';
import type { DroppedField, HashState } from './url-hash.ts';
import { LinkState } from './link.svelte.ts';
import { chipsOf, type Chip } from './chips.ts';

export type { Chip } from './chips.ts';

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

  /** Live per-word IoU (scores.svelte.ts); none without a client (unit tests). */
  readonly scores: WordScoreState;
  /** Compare's colours, the pair's τ-mask overlap and its key (compare-pair.svelte.ts). */
  readonly pair: ComparePairState = new ComparePairState(this);

  constructor(generator: Generator, computer: MapComputer, scorer: ScoreClient | null = null) {
    this.scores = new WordScoreState(scorer);
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

  /** Of `n` steps, the one shown: the newest while following a live run, else the chosen one. */
  #shownOf(n: number): number {
    if (n === 0) return 0;
    if (this.generation.running && this.selection.followLive) return n - 1;
    return Math.min(this.selection.step, n - 1);
  }
  /** The step on screen. */
  #step = $derived.by(() => this.#shownOf(this.stepCount));
  get step(): number {
    return this.#step;
  }
  /** Steps of the record the side panels draw (generation.panelRecord). */
  get panelStepCount(): number {
    return this.generation.panelRecord?.steps.length ?? 0;
  }
  /** The step the side panels mark: as `step`, within the panels' record. */
  #panelStep = $derived.by(() => this.#shownOf(this.panelStepCount));
  get panelStep(): number {
    return this.#panelStep;
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

  /**
   * All positions' maps of a record for a selection (cached: computed once per step and selection),
   * as drawn: per-word or shared scale (see word-scale.ts); [] before the step exists.
   */
  #scaledAt(r: GenerationRecord | null, selection: MapSelection): MapInput[] {
    const set = r ? this.maps.get(r, selection) : null;
    return set && r ? scaledMaps(set.maps, r.tokens, this.settings.scale) : [];
  }

  /** The maps as drawn at the step on screen. */
  #scaled = $derived.by(() => this.#scaledAt(this.generation.record, this.mapSelection));

  mapOf(position: number | null): MapInput | null {
    if (position === null) return null;
    return this.#scaled[position] ?? null;
  }

  /** The maps as drawn at the panels' step (the chips' figures): #scaled, except mid-run. */
  #panelScaled = $derived.by((): MapInput[] => {
    const r = this.generation.panelRecord;
    if (r === this.generation.record && this.#panelStep === this.#step) return this.#scaled;
    return this.#scaledAt(r, { ...this.mapSelection, step: this.#panelStep });
  });

  /** Peak and area above τ of every position's map as drawn, at the panels' step (index = position). */
  #stats = $derived.by((): WordStats[] => {
    const { tau, normalize } = this.settings;
    return this.#panelScaled.map((m) => wordStats(m, tau, normalize));
  });
  statsOf(position: number): WordStats | null {
    return this.#stats[position] ?? null;
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
    return { ...this.settings.overlay, mode: this.#mode, compareColors: this.pair.rgb };
  }

  /** Small multiples of the focused word (the hovered or pinned one; none without a word). */
  #tiles = $derived.by((): HeadTile[] => {
    const r = this.generation.panelRecord;
    const position = this.tilePosition;
    if (!r || position === null || r.steps.length === 0) return [];
    const { layer, cumulative } = this.mapSelection;
    return this.maps.tiles(r, { step: this.#panelStep, layer, cumulative }, position);
  });
  get tiles(): HeadTile[] {
    return this.#tiles;
  }
  get tilePosition(): number | null {
    return this.selection.primary;
  }

  /** Each content word's share of attention per step, for the chart (see step-series.ts). */
  #series = $derived.by((): StepSeries | null => {
    const r = this.generation.panelRecord;
    if (!r || r.steps.length === 0) return null;
    return stepSeries(r, this.maps, { layer: this.selection.layer, head: this.selection.head });
  });
  get series(): StepSeries | null {
    return this.#series;
  }

  /** The live score of the word at `position`, once the record on screen has been scored. */
  scoreOf(position: number): WordScore | null {
    const scores = this.scores.scoresFor(this.generation.record);
    return scores?.find((s) => s.tokenPosition === position) ?? null;
  }

  /** Chips: the prompt's words, and with the toggle on the special tokens too. */
  #chips = $derived.by(() => chipsOf(this.generation.record, this.settings.showSpecial));
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
    const previous = this.generation.record;
    const pins = [...this.selection.pinned];
    // Pins are token positions: they only mean the same words for the same prompt.
    if (previous && previous.settings.prompt !== settings.prompt) {
      this.selection.clearWords();
      // Weights name words: those of words the new prompt lacks go with the old prompt.
      const words = this.generation.tokenize(settings.prompt)?.words.map((w) => w.word) ?? [];
      this.settings.weights = Object.fromEntries(
        Object.entries(this.settings.weights).filter(([w]) => words.includes(w)),
      );
    }
    if (follow) this.selection.followLive = true;
    const record = await this.generation.generate(this.settings.generation);
    // Cancelled or failed: the previous result is back on screen, and its pins with it.
    if (!record && previous && this.generation.record === previous) this.selection.pinned = pins;
    if (record && this.selection.followLive) this.selection.step = record.steps.length - 1;
    // A comparison on screen (or named by the URL) follows its source.
    if (record && (this.edit.applied || this.link.pendingEdit)) {
      this.link.pendingEdit = false;
      await this.edit.apply(record);
    }
  }

  /** The second run of the comparison, when it belongs to the result on screen. */
  get editRecord(): GenerationRecord | null {
    return this.edit.record(this.generation.record);
  }

  /** The link: what a URL hash sets, the fields it could not use, the hash of the view. */
  readonly link: LinkState = new LinkState(this);
  get droppedFields(): readonly DroppedField[] {
    return this.link.dropped;
  }
  dismissDropped(): void {
    this.link.dismiss();
  }
  /** The step on screen for the link; null before the record has steps. */
  get shownStep(): number | null {
    return this.stepCount > 0 ? this.#step : null;
  }
  #modelReady: Promise<boolean> | null = null;

  /** Loads the model once (again after a failure) and applies its defaults on first success. */
  ensureModel(): Promise<boolean> {
    if (this.generation.modelStatus === 'ready') return Promise.resolve(true);
    if (this.#modelReady && this.generation.modelStatus === 'loading') return this.#modelReady;
    this.#modelReady = this.generation.load().then((info) => {
      if (!info) return false;
      this.settings.applyDefaults(info.manifest.defaults);
      this.link.fitToModel(info.manifest);
      return true;
    });
    return this.#modelReady;
  }

  /**
   * Page start: apply the URL hash, load the model, generate the linked prompt; a link without
   * any prompt field (a first visit) generates the first example, so the page opens on a finished
   * result that can be hovered at once. An explicit empty prompt (`#p=`) opens empty.
   */
  async start(hash: string): Promise<void> {
    let named = this.applyHash(hash);
    if (this.link.fromUrl.prompt === undefined) {
      this.settings.prompt = EXAMPLE_PROMPTS[0];
      named = true;
    }
    const restoredStep = this.link.fromUrl.step !== undefined;
    if (!(await this.ensureModel())) return;
    // A first visit opens on the loaded model's own first example, unless the user typed meanwhile.
    if (this.link.fromUrl.prompt === undefined && this.settings.prompt === EXAMPLE_PROMPTS[0])
      this.settings.prompt = examplesFor(this.generation.model?.manifest)[0];
    if (named) await this.generate(!restoredStep);
  }

  /** Applies a URL hash; returns true when it named a prompt (the app then generates it). */
  applyHash(hash: string): boolean {
    const named = this.link.apply(hash);
    if (this.generation.modelStatus === 'ready')
      this.link.fitToModel(this.generation.model?.manifest);
    return named;
  }

  get hashState(): HashState {
    return this.link.state;
  }
  get hash(): string {
    return this.link.hash;
  }

  dispose(): void {
    this.playback.dispose();
    this.maps.cancelPrefetch();
    void this.generation.dispose();
  }
}

export const [getExplorer, setExplorer] = createContext<Explorer>('Explorer');
