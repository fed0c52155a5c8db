/**
 * Generator for the UI: the engine runs in generation.worker.ts and this class reassembles the
 * record from its messages (header, then steps with transferred buffers, then the final image).
 * Load errors arrive as the same named classes (ModelLoadError with file and reason). A failure on
 * WebGPU (e.g. a lost device) becomes an ExecutionError reported through `onFallback`, and the
 * generation is retried once on WASM.
 */
import type { GenerationRecord, GenerationSettings, StepRecord } from '../core/record.ts';
import { ExecutionError, GenerationCancelledError } from '../core/errors.ts';
import type { EpRequest } from './execution-providers.ts';
import type { GenerationHandlers, Generator, LoadedModelInfo } from './generator.ts';
import {
  deserializeError,
  sourceForWorker,
  type FromWorker,
  type ToWorker,
} from './worker-protocol.ts';

export interface WorkerGeneratorOptions {
  /** URL of the model package directory (relative URLs resolve against the page). */
  modelUrl: string;
  /** 'auto' (default) or a forced provider, e.g. from `parseEpParam(location.search)`. */
  ep?: EpRequest;
  /** Called when WebGPU failed and the worker switched to WASM; the error says why. */
  onFallback?: (error: ExecutionError, info: LoadedModelInfo) => void;
  /** For tests: supply the worker. */
  createWorker?: () => Worker;
  /**
   * Live steps reach `onStep` at most once per this many ms (default LIVE_INTERVAL_MS): steps that
   * arrive sooner are held and then delivered together in one task, so the page re-renders once
   * for them. 0 delivers every step at once. Every step still arrives, in order, before the run
   * resolves.
   */
  liveIntervalMs?: number;
}

/**
 * 10 updates a second while a run is live. Each delivery costs the page a re-render (maps, small
 * multiples, a WebGL frame), and on a 2-core machine that main-thread work competes with the two
 * WASM threads: per-step delivery made the page ~1.9x the Node generation time (npm run bench,
 * browser/generation/ratio).
 */
export const LIVE_INTERVAL_MS = 100;

type Listener = (msg: FromWorker) => void;

function defaultWorker(): Worker {
  return new Worker(new URL('./generation.worker.ts', import.meta.url), { type: 'module' });
}

export class WorkerGenerator implements Generator {
  readonly #worker: Worker;
  readonly #modelUrl: string;
  readonly #listeners = new Map<number, Listener>();
  #nextId = 1;
  #ep: EpRequest;
  #loaded: Promise<LoadedModelInfo> | null = null;
  #info: LoadedModelInfo | null = null;
  #currentGeneration: number | null = null;
  #disposed = false;

  constructor(private readonly options: WorkerGeneratorOptions) {
    const base = typeof location !== 'undefined' ? location.href : undefined;
    this.#modelUrl = new URL(options.modelUrl, base).href;
    this.#ep = options.ep ?? 'auto';
    this.#worker = (options.createWorker ?? defaultWorker)();
    this.#worker.onmessage = (ev: MessageEvent<FromWorker>) =>
      this.#listeners.get(ev.data.id)?.(ev.data);
    this.#worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      const error = new ExecutionError(
        `The generation worker crashed (${ev.message || 'unknown error'}); reload the page.`,
      );
      for (const listener of this.#listeners.values()) {
        listener({
          type: 'error',
          id: -1,
          error: { name: error.name, message: error.message },
          gpuLost: false,
        });
      }
    };
  }

  /** Sends a request and routes its replies to `listener` until it calls `done()`. */
  #request(
    make: (id: number) => ToWorker,
    listener: (msg: FromWorker, done: () => void) => void,
  ): number {
    const id = this.#nextId++;
    const done = (): void => void this.#listeners.delete(id);
    this.#listeners.set(id, (msg) => listener(msg, done));
    this.#worker.postMessage(make(id));
    return id;
  }

  #load(ep: EpRequest, note?: string): Promise<LoadedModelInfo> {
    return new Promise((resolve, reject) => {
      this.#request(
        (id) => ({ type: 'load', id, modelUrl: this.#modelUrl, ep, ...(note ? { note } : {}) }),
        (msg, done) => {
          if (msg.type === 'loaded') {
            done();
            this.#info = msg.info;
            resolve(msg.info);
          } else if (msg.type === 'error') {
            done();
            reject(deserializeError(msg.error));
          }
        },
      );
    });
  }

  load(): Promise<LoadedModelInfo> {
    if (this.#disposed)
      return Promise.reject(new ExecutionError('This generator was disposed: create a new one.'));
    if (!this.#loaded) {
      this.#loaded = this.#load(this.#ep);
      this.#loaded.catch(() => (this.#loaded = null));
    }
    return this.#loaded;
  }

  async generate(
    settings: GenerationSettings,
    handlers: GenerationHandlers = {},
  ): Promise<GenerationRecord> {
    await this.load();
    try {
      return await this.#generateOnce(settings, handlers);
    } catch (e) {
      if (!(e instanceof RetryOnWasm)) throw e;
      const error = new ExecutionError(
        `WebGPU failed (${e.cause.message}); switched to WASM and retried.`,
      );
      this.#ep = 'wasm';
      this.#loaded = this.#load('wasm', 'WebGPU failed, fell back');
      const info = await this.#loaded;
      this.options.onFallback?.(error, info);
      return this.#generateOnce(settings, handlers);
    }
  }

  #generateOnce(
    settings: GenerationSettings,
    handlers: GenerationHandlers,
  ): Promise<GenerationRecord> {
    const { signal } = handlers;
    return new Promise((resolve, reject) => {
      let record: GenerationRecord | null = null;
      const onAbort = (): void => this.cancel();
      if (signal?.aborted) {
        reject(new GenerationCancelledError(null));
        return;
      }
      signal?.addEventListener('abort', onAbort);
      const live = new LiveSteps(handlers, this.options.liveIntervalMs ?? LIVE_INTERVAL_MS);
      const finish = (done: () => void): void => {
        live.cancel();
        done();
        signal?.removeEventListener('abort', onAbort);
        if (this.#currentGeneration === id) this.#currentGeneration = null;
      };
      const id = this.#request(
        (id) => ({
          type: 'generate',
          id,
          settings: structuredClone(settings),
          ...(handlers.source ? { source: sourceForWorker(handlers.source) } : {}),
        }),
        (msg, done) => {
          switch (msg.type) {
            case 'begin':
              record = msg.header;
              handlers.onBegin?.(record, msg.tokenized);
              break;
            case 'step':
              record?.steps.push(msg.step);
              live.push(msg.step, msg.progress);
              break;
            case 'done':
              live.flush();
              finish(done);
              if (!record)
                return reject(new ExecutionError('The worker finished without a record header.'));
              record.final = msg.final;
              record.timings = msg.timings;
              record.complete = true;
              resolve(record);
              break;
            case 'cancelled':
              live.flush();
              finish(done);
              if (record) record.timings = msg.timings;
              reject(new GenerationCancelledError(record));
              break;
            case 'error': {
              finish(done);
              const error = deserializeError(msg.error);
              reject(msg.gpuLost ? new RetryOnWasm(error) : error);
              break;
            }
          }
        },
      );
      this.#currentGeneration = id;
    });
  }

  cancel(): void {
    const id = this.#currentGeneration;
    if (id !== null) this.#worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
  }

  /** The last load's info (provider and reason), or null before load. */
  get info(): LoadedModelInfo | null {
    return this.#info;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.cancel();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.#request(
        (id) => ({ type: 'dispose', id }),
        (msg, done) => {
          if (msg.type === 'disposed' || msg.type === 'error') {
            done();
            clearTimeout(timer);
            resolve();
          }
        },
      );
    });
    this.#worker.terminate();
    this.#listeners.clear();
  }
}

/** Internal: a WebGPU failure that generate() turns into a WASM retry. */
class RetryOnWasm extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

type StepProgressArg = Parameters<NonNullable<GenerationHandlers['onStep']>>[1];

/** Holds live steps so that `onStep` runs at most once per interval (see liveIntervalMs). */
class LiveSteps {
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
