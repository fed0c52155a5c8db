/**
 * Selection: which words' maps are shown (hovered, pinned), at which step, from which layers and
 * heads, of "this step" or "cumulative up to this step", over the predicted clean image or x_t.
 * Words are identified by token position (column in the attention tensors), so repeated words and
 * special tokens are distinct.
 */
import type { ImageKind } from '../core/overlay-types.ts';

export type LayerChoice = 'all' | string; // 'all' or an attention output name (manifest attention[].output)
export type HeadChoice = 'all' | number;
/** While scrubbing the image is always a step's: x̂0 or x_t (the final image is the last x̂0). */
export type StepImageKind = Exclude<ImageKind, 'final'>;

/** At most this many words are pinned; pinning another drops the oldest. */
export const MAX_PINNED = 2;

export class SelectionState {
  #hovered = $state<number | null>(null);
  #pinned = $state<number[]>([]);
  #step = $state(0);
  /** While generating, the step follows the newest one until the user scrubs away. */
  #followLive = $state(true);
  #layer = $state<LayerChoice>('all');
  #head = $state<HeadChoice>('all');
  #cumulative = $state(false);
  #imageKind = $state<StepImageKind>('x0');

  get hovered(): number | null {
    return this.#hovered;
  }
  set hovered(position: number | null) {
    this.#hovered = position;
  }
  get pinned(): readonly number[] {
    return this.#pinned;
  }
  set pinned(positions: readonly number[]) {
    this.#pinned = positions.filter((p, i) => positions.indexOf(p) === i).slice(-MAX_PINNED);
  }
  isPinned(position: number): boolean {
    return this.#pinned.includes(position);
  }
  /** Click / Enter on a chip: pin, or unpin when already pinned. Returns the new pin count. */
  togglePin(position: number): number {
    this.pinned = this.isPinned(position)
      ? this.#pinned.filter((p) => p !== position)
      : [...this.#pinned, position];
    return this.#pinned.length;
  }
  clearWords(): void {
    this.#hovered = null;
    this.#pinned = [];
  }

  /** The word whose map the single-map modes show: the hovered one, else the last pinned. */
  get primary(): number | null {
    return this.#hovered ?? this.#pinned[this.#pinned.length - 1] ?? null;
  }

  /** The two words of the compare composite: both pins, or one pin and the hovered word. */
  get comparePair(): [number, number] | null {
    const [first, second] = this.#pinned;
    if (first === undefined) return null;
    if (second !== undefined) return [first, second];
    const h = this.#hovered;
    return h !== null && h !== first ? [first, h] : null;
  }

  get step(): number {
    return this.#step;
  }
  set step(v: number) {
    if (Number.isFinite(v)) this.#step = Math.max(0, Math.round(v));
  }
  get followLive(): boolean {
    return this.#followLive;
  }
  set followLive(v: boolean) {
    this.#followLive = v;
  }
  /** Clamp the step into the record's range (after a new record or a restored URL). */
  clampStep(stepCount: number): void {
    if (stepCount > 0 && this.#step > stepCount - 1) this.#step = stepCount - 1;
  }

  get layer(): LayerChoice {
    return this.#layer;
  }
  set layer(v: LayerChoice) {
    this.#layer = v;
  }
  get head(): HeadChoice {
    return this.#head;
  }
  set head(v: HeadChoice) {
    this.#head = typeof v === 'number' && !(Number.isInteger(v) && v >= 0) ? 'all' : v;
  }
  get cumulative(): boolean {
    return this.#cumulative;
  }
  set cumulative(v: boolean) {
    this.#cumulative = v;
  }
  get imageKind(): StepImageKind {
    return this.#imageKind;
  }
  set imageKind(v: StepImageKind) {
    this.#imageKind = v;
  }

  /** Click on a small multiple: show that one layer and head. */
  focus(layer: string, head: number): void {
    this.#layer = layer;
    this.#head = head;
  }
}
