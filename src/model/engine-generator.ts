/**
 * Generator over an in-thread Engine: used in Node (CLI, tests, bench) and inside the Web Worker.
 * Keeps the Generator contract: load once, one generation at a time (latest wins: a new one
 * cancels the running one and replaces the queued one), cancel between steps.
 */
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { GenerationCancelledError } from '../core/errors.ts';
import { Engine, type EngineOptions } from './engine.ts';
import type { GenerationHandlers, Generator, LoadedModelInfo } from './generator.ts';
import { releaseModel, type LoadedModel } from './load.ts';

interface Job {
  settings: GenerationSettings;
  handlers: GenerationHandlers;
  resolve(record: GenerationRecord): void;
  reject(error: unknown): void;
}

export class EngineGenerator implements Generator {
  #loading: Promise<Engine> | null = null;
  #engine: Engine | null = null;
  #controller: AbortController | null = null;
  #running: Promise<unknown> | null = null;
  /** The job running now, and the one waiting (at most one: latest wins). */
  #current: Job | null = null;
  #queued: Job | null = null;
  /** Bumped by cancel(), so a call still waiting for the model load is cancelled too. */
  #cancels = 0;

  constructor(
    private readonly loader: () => Promise<LoadedModel>,
    private readonly options: EngineOptions = {},
  ) {}

  async #ensureEngine(): Promise<Engine> {
    if (!this.#loading) {
      this.#loading = this.loader().then(
        (model) => (this.#engine = new Engine(model, this.options)),
      );
      // A failed load may be retried (e.g. after the file is fixed), so forget the rejection.
      this.#loading.catch(() => (this.#loading = null));
    }
    return this.#loading;
  }

  async load(): Promise<LoadedModelInfo> {
    const { model } = await this.#ensureEngine();
    return {
      manifest: model.manifest,
      source: model.source.location,
      ep: model.ep,
      loadMs: model.loadMs,
    };
  }

  /** The engine, once loaded (tokenizer access for callers that need it before generating). */
  get engine(): Engine | null {
    return this.#engine;
  }

  /**
   * Latest wins: the engine is the single owner of the ORT sessions and runs one generation at a
   * time. A call cancels the running generation and takes the one queue slot; a call already
   * waiting there is rejected with GenerationCancelledError (superseded). So any burst of calls
   * ends in exactly one finished run, the last one.
   */
  async generate(
    settings: GenerationSettings,
    handlers: GenerationHandlers = {},
  ): Promise<GenerationRecord> {
    const epoch = this.#cancels;
    const engine = await this.#ensureEngine();
    return new Promise<GenerationRecord>((resolve, reject) => {
      const job: Job = { settings, handlers, resolve, reject };
      // Cancelled while the model was still loading, or by the caller's signal.
      if (handlers.signal?.aborted || epoch !== this.#cancels)
        return reject(new GenerationCancelledError(null));
      handlers.signal?.addEventListener('abort', () => this.#drop(job), { once: true });
      if (this.#queued) this.#queued.reject(new GenerationCancelledError(null));
      this.#queued = job;
      this.#controller?.abort();
      this.#pump(engine);
    });
  }

  /** A queued job whose caller gave up leaves the queue; a running one is cancelled. */
  #drop(job: Job): void {
    if (this.#queued === job) {
      this.#queued = null;
      job.reject(new GenerationCancelledError(null));
    } else if (this.#current === job) {
      this.#controller?.abort();
    }
  }

  #pump(engine: Engine): void {
    if (this.#running || !this.#queued) return;
    const job = this.#queued;
    this.#queued = null;
    const controller = new AbortController();
    this.#controller = controller;
    this.#current = job;
    const running = engine.generate(job.settings, { ...job.handlers, signal: controller.signal });
    this.#running = running;
    running.then(job.resolve, job.reject).finally(() => {
      this.#running = null;
      this.#current = null;
      if (this.#controller === controller) this.#controller = null;
      this.#pump(engine);
    });
  }

  /** Cancels the running generation and drops a queued one. */
  cancel(): void {
    this.#cancels++;
    const queued = this.#queued;
    this.#queued = null;
    queued?.reject(new GenerationCancelledError(null));
    this.#controller?.abort();
  }

  async dispose(): Promise<void> {
    this.cancel();
    await this.#running?.catch(() => undefined);
    const engine = this.#engine;
    this.#engine = null;
    this.#loading = null;
    if (engine) await releaseModel(engine.model);
  }
}
