/**
 * Live steps of a generation, delivered to the page at a bounded rate: steps that arrive within one
 * interval are held and handed over together in one task, so the page re-renders once for them.
 * WorkerGenerator uses it for its `onStep` handler.
 */
import type { StepRecord } from '../core/record.ts';
import type { GenerationHandlers } from './generator.ts';

/**
 * 10 updates a second while a run is live. Each delivery costs the page a re-render (maps, small
 * multiples, a WebGL frame), and on a 2-core machine that main-thread work competes with the two
 * WASM threads: per-step delivery made the page ~1.9x the Node generation time (npm run bench,
 * browser/generation/ratio).
 */
export const LIVE_INTERVAL_MS = 100;

type StepProgressArg = Parameters<NonNullable<GenerationHandlers['onStep']>>[1];

/** Holds live steps so that `onStep` runs at most once per interval (see liveIntervalMs). */
export class LiveSteps {
  #pending: [StepRecord, StepProgressArg][] = [];
  #last = -Infinity;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly handlers: GenerationHandlers,
    private readonly intervalMs: number,
  ) {}

  push(step: StepRecord, progress: StepProgressArg): void {
    this.#pending.push([step, progress]);
    const wait = this.#last + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Delivers every held step now, in order, in this task. */
  flush(): void {
    this.cancel();
    const steps = this.#pending;
    this.#pending = [];
    if (steps.length > 0) this.#last = performance.now();
    for (const [step, progress] of steps) this.handlers.onStep?.(step, progress);
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
