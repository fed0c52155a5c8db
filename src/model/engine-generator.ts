/**
 * Generator over an in-thread Engine: used in Node (CLI, tests, bench) and inside the Web Worker.
 * Keeps the Generator contract: load once, one generation at a time (a new one cancels and waits
 * for the running one), cancel between steps.
 */
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { Engine, type EngineOptions } from './engine.ts';
import type { GenerationHandlers, Generator, LoadedModelInfo } from './generator.ts';
import { releaseModel, type LoadedModel } from './load.ts';

export class EngineGenerator implements Generator {
  #loading: Promise<Engine> | null = null;
  #engine: Engine | null = null;
  #controller: AbortController | null = null;
  #running: Promise<unknown> | null = null;

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

  async generate(
    settings: GenerationSettings,
    handlers: GenerationHandlers = {},
  ): Promise<GenerationRecord> {
    const engine = await this.#ensureEngine();
    this.cancel();
    await this.#running?.catch(() => undefined);

    const controller = new AbortController();
    this.#controller = controller;
    const outer = handlers.signal;
    const onOuterAbort = (): void => controller.abort();
    if (outer?.aborted) controller.abort();
    outer?.addEventListener('abort', onOuterAbort);

    const running = engine.generate(settings, { ...handlers, signal: controller.signal });
    this.#running = running;
    try {
      return await running;
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
      if (this.#controller === controller) this.#controller = null;
      if (this.#running === running) this.#running = null;
    }
  }

  cancel(): void {
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
