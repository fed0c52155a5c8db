/**
 * The word-map cache behind hover and scrub. A hover only picks an entry out of the maps already
 * computed for the current (step, layers, heads, this-step | cumulative) selection; a scrub picks
 * another step's entry, computed ahead of time in idle slices. Computing goes through a
 * `MapComputer` (state/word-maps.ts over the word-map engine in the app, a counting fake in unit
 * tests).
 *
 * Entries hang off the StepRecord object (WeakMap), so a new generation starts empty and old
 * generations are garbage-collected with their records.
 */
import type { GenerationRecord, StepRecord } from '../core/record.ts';
import type { MapInput } from '../core/overlay-types.ts';
import type { HeadChoice, LayerChoice } from './selection.svelte.ts';

export interface MapSelection {
  step: number;
  layer: LayerChoice;
  head: HeadChoice;
  cumulative: boolean;
}

/** Maps of every token position (index = position) for one selection, at one resolution. */
export interface WordMapSet {
  width: number;
  height: number;
  maps: MapInput[];
}

/** One small multiple: a single layer and head at its native resolution. */
export interface HeadTile {
  layer: string;
  head: number;
  map: MapInput;
}

export interface MapComputer {
  /** All token positions' maps for a selection (the record holds at least `step + 1` steps). */
  wordMaps(record: GenerationRecord, selection: MapSelection): WordMapSet;
  /** One token position's map for every (layer, head) of the chosen layers, native resolution. */
  headTiles(
    record: GenerationRecord,
    selection: Omit<MapSelection, 'head'>,
    position: number,
  ): HeadTile[];
}

function keyOf(s: MapSelection): string {
  return `${s.layer}|${s.head}|${s.cumulative ? 'cum' : 'one'}`;
}

export class MapCache {
  readonly #computer: MapComputer;
  readonly #byStep = new WeakMap<StepRecord, Map<string, WordMapSet>>();
  readonly #tilesByStep = new WeakMap<StepRecord, Map<string, HeadTile[]>>();
  #idleHandle: ReturnType<typeof setTimeout> | null = null;
  /** Counts computations (not hits); tests assert hovers do not add to it. */
  computed = 0;

  constructor(computer: MapComputer) {
    this.#computer = computer;
  }

  /** The maps for a selection; computes (once) on a miss. Null when the step does not exist. */
  get(record: GenerationRecord, selection: MapSelection): WordMapSet | null {
    const stepRecord = record.steps[selection.step];
    if (!stepRecord) return null;
    let entries = this.#byStep.get(stepRecord);
    if (!entries) {
      entries = new Map();
      this.#byStep.set(stepRecord, entries);
    }
    const key = keyOf(selection);
    let set = entries.get(key);
    if (!set) {
      set = this.#computer.wordMaps(record, selection);
      this.computed++;
      entries.set(key, set);
    }
    return set;
  }

  has(record: GenerationRecord, selection: MapSelection): boolean {
    const stepRecord = record.steps[selection.step];
    return !!stepRecord && !!this.#byStep.get(stepRecord)?.has(keyOf(selection));
  }

  /**
   * Fills the other steps of a selection in small idle slices (one step per slice, nearest steps
   * first) so that scrubbing finds them ready. A newer call replaces a running one.
   */
  prefetch(record: GenerationRecord, selection: Omit<MapSelection, 'step'>, around: number): void {
    this.cancelPrefetch();
    const n = record.steps.length;
    const order: number[] = [];
    for (let d = 1; d < n; d++) {
      if (around + d < n) order.push(around + d);
      if (around - d >= 0) order.push(around - d);
    }
    const next = (): void => {
      this.#idleHandle = null;
      const step = order.shift();
      if (step === undefined) return;
      this.get(record, { ...selection, step });
      this.#idleHandle = setTimeout(next, 0);
    };
    this.#idleHandle = setTimeout(next, 0);
  }

  cancelPrefetch(): void {
    if (this.#idleHandle !== null) clearTimeout(this.#idleHandle);
    this.#idleHandle = null;
  }

  /** Small multiples of one position, cached like the word maps (a hover re-selects them). */
  tiles(
    record: GenerationRecord,
    selection: Omit<MapSelection, 'head'>,
    position: number,
  ): HeadTile[] {
    const stepRecord = record.steps[selection.step];
    if (!stepRecord) return [];
    let entries = this.#tilesByStep.get(stepRecord);
    if (!entries) {
      entries = new Map();
      this.#tilesByStep.set(stepRecord, entries);
    }
    const key = `${selection.layer}|${selection.cumulative ? 'cum' : 'one'}|${position}`;
    let tiles = entries.get(key);
    if (!tiles) {
      tiles = this.#computer.headTiles(record, selection, position);
      this.computed++;
      entries.set(key, tiles);
    }
    return tiles;
  }
}
