/**
 * Playback of the step scrubber: advances the selection's step on a timer, looping at the end.
 * The timer is the only moving part; a tick just writes `selection.step`, which re-selects cached
 * maps and images (no model run).
 */
import type { SelectionState } from './selection.svelte.ts';

export const PLAYBACK_SPEEDS = [1, 2, 4, 8, 16] as const; // steps per second

export class PlaybackState {
  #playing = $state(false);
  #speed = $state<number>(4);
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #selection: SelectionState;
  readonly #stepCount: () => number;

  constructor(selection: SelectionState, stepCount: () => number) {
    this.#selection = selection;
    this.#stepCount = stepCount;
  }

  get playing(): boolean {
    return this.#playing;
  }
  get speed(): number {
    return this.#speed;
  }
  set speed(v: number) {
    if (!Number.isFinite(v) || v <= 0) return;
    this.#speed = v;
    if (this.#playing) this.#restart();
  }

  play(): void {
    if (this.#stepCount() < 2) return;
    this.#playing = true;
    this.#selection.followLive = false;
    // Starting at the last step would end at once: restart from the first.
    if (this.#selection.step >= this.#stepCount() - 1) this.#selection.step = 0;
    this.#restart();
  }

  pause(): void {
    this.#playing = false;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  toggle(): void {
    if (this.#playing) this.pause();
    else this.play();
  }

  /** One tick: next step, wrapping to the first. Public so tests can drive it without timers. */
  tick(): void {
    const n = this.#stepCount();
    if (n < 1) return this.pause();
    this.#selection.step = (this.#selection.step + 1) % n;
  }

  #restart(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.tick(), 1000 / this.#speed);
  }

  dispose(): void {
    this.pause();
  }
}
