/**
 * Generator for the UI: the engine runs in generation.worker.ts and this class reassembles the
 * record from its messages (header, then steps with transferred buffers, then the final image).
 * Load errors arrive as the same named classes (ModelLoadError with file and reason). A failure on
 * WebGPU (e.g. a lost device) becomes an ExecutionError reported through `onFallback`, and the
 * generation is retried once on WASM.
 *
 * Supervision: while a request is outstanding the worker is pinged every second; a worker that
 * crashes (onerror) or says nothing for `stallMs` (a hung or killed worker) is terminated and a new
 * one started. Every outstanding request then rejects with an ExecutionError saying so, and the
 * model is loaded again on the next call, so the app recovers without a page reload.
 */
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { ExecutionError, GenerationCancelledError } from '../core/errors.ts';
import type { EpRequest } from './execution-providers.ts';
import type { GenerationHandlers, Generator, LoadedModelInfo } from './generator.ts';
import type { FetchProgress } from './package-source.ts';
import {
  deserializeError,
  serializeError,
  sourceForWorker,
  type FromWorker,
  type ToWorker,
} from './worker-protocol.ts';
import { LIVE_INTERVAL_MS, LiveSteps } from './live-steps.ts';

export interface WorkerGeneratorOptions {
  /** URL of the model package directory (relative URLs resolve against the page). */
  modelUrl: string;
  /** 'auto' (default) or a forced provider, e.g. from `parseEpParam(location.search)`. */
  ep?: EpRequest;
  /** Called when WebGPU failed and the worker switched to WASM; the error says why. */
  onFallback?: (error: ExecutionError, info: LoadedModelInfo) => void;
  /** For tests: supply the worker. */
  createWorker?: () => Worker;
  /** Silence after which a busy worker counts as dead (default 30 s; a step takes milliseconds). */
  stallMs?: number;
  /** A model file that sends nothing for this long fails with a Retry (default 20 s). */
  fetchStallMs?: number;
  /** Silence while loading the model (default 90 s: compiling a session blocks the worker). */
  loadStallMs?: number;
  /** Called after the worker was restarted; the error says why. */
  onRestart?: (error: ExecutionError) => void;
  /**
   * Live steps reach `onStep` at most once per this many ms (default LIVE_INTERVAL_MS): steps that
   * arrive sooner are held and then delivered together in one task, so the page re-renders once
   * for them. 0 delivers every step at once. Every step still arrives, in order, before the run
   * resolves.
   */
  liveIntervalMs?: number;
}

export interface LoadHandlers {
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
}

type Listener = (msg: FromWorker) => void;

function defaultWorker(): Worker {
  return new Worker(new URL('./generation.worker.ts', import.meta.url), { type: 'module' });
}

export class WorkerGenerator implements Generator {
  #worker!: Worker;
  readonly #modelUrl: string;
  readonly #listeners = new Map<number, Listener>();
  #nextId = 1;
  #ep: EpRequest;
  #loaded: Promise<LoadedModelInfo> | null = null;
  #info: LoadedModelInfo | null = null;
  #currentGeneration: number | null = null;
  #disposed = false;
  /** When the worker last said anything, and whether a load is outstanding (longer patience). */
  #lastHeard = 0;
  #loadingId: number | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  /** Restarts so far (the notice and tests read it). */
  restarts = 0;

  constructor(private readonly options: WorkerGeneratorOptions) {
    const base = typeof location !== 'undefined' ? location.href : undefined;
    this.#modelUrl = new URL(options.modelUrl, base).href;
    this.#ep = options.ep ?? 'auto';
    this.#spawn();
  }

  #spawn(): void {
    const worker = (this.options.createWorker ?? defaultWorker)();
    this.#worker = worker;
    this.#lastHeard = Date.now();
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      if (worker !== this.#worker) return;
      this.#lastHeard = Date.now();
      this.#listeners.get(ev.data.id)?.(ev.data);
    };
    worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      if (worker === this.#worker) this.#restart(`crashed (${ev.message || 'unknown error'})`);
    };
  }

  /** Pings while busy; a silent worker is restarted. Runs only while requests are outstanding. */
  #watch(): void {
    if (this.#heartbeat || this.#disposed) return;
    this.#lastHeard = Date.now();
    this.#heartbeat = setInterval(() => {
      if (this.#listeners.size === 0) {
        clearInterval(this.#heartbeat ?? undefined);
        this.#heartbeat = null;
        return;
      }
      const limit =
        this.#loadingId !== null
          ? (this.options.loadStallMs ?? 90_000)
          : (this.options.stallMs ?? 30_000);
      const silent = Date.now() - this.#lastHeard;
      if (silent > limit) {
        this.#restart(`stopped responding (nothing for ${Math.round(silent / 1000)} s)`);
      } else {
        this.#worker.postMessage({ type: 'ping', id: 0 } satisfies ToWorker);
      }
    }, 1000);
  }

  /** Replaces a dead worker; outstanding requests fail with the reason, the model reloads lazily. */
  #restart(why: string): void {
    const error = new ExecutionError(
      `The generation worker ${why} and was restarted; the last finished result is kept. Press Generate to try again.`,
    );
    this.#worker.onmessage = null;
    this.#worker.onerror = null;
    this.#worker.terminate();
    this.restarts++;
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    this.#loaded = null;
    this.#loadingId = null;
    this.#currentGeneration = null;
    this.#spawn();
    const serialized = serializeError(error);
    for (const listener of listeners)
      listener({ type: 'error', id: -1, error: serialized, gpuLost: false });
    this.options.onRestart?.(error);
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
    this.#watch();
    return id;
  }

  /** Progress and cancel of the load in flight (the UI's "Loading the model…" line). */
  #loadHandlers: LoadHandlers = {};

  #load(ep: EpRequest, note?: string): Promise<LoadedModelInfo> {
    return new Promise((resolve, reject) => {
      const { signal } = this.#loadHandlers;
      const onAbort = (): void => {
        if (this.#loadingId !== null)
          this.#worker.postMessage({ type: 'cancel', id: this.#loadingId } satisfies ToWorker);
      };
      signal?.addEventListener('abort', onAbort);
      const id = this.#request(
        (id) => ({
          type: 'load',
          id,
          modelUrl: this.#modelUrl,
          ep,
          ...(note ? { note } : {}),
          ...(this.options.fetchStallMs ? { stallMs: this.options.fetchStallMs } : {}),
        }),
        (msg, done) => {
          if (msg.type === 'loadProgress') {
            this.#loadHandlers.onProgress?.(msg.progress);
            return;
          }
          if (msg.type !== 'loaded' && msg.type !== 'error') return;
          done();
          signal?.removeEventListener('abort', onAbort);
          if (this.#loadingId === id) this.#loadingId = null;
          if (msg.type === 'loaded') {
            this.#info = msg.info;
            resolve(msg.info);
          } else {
            reject(deserializeError(msg.error));
          }
        },
      );
      this.#loadingId = id;
    });
  }

  load(handlers: LoadHandlers = {}): Promise<LoadedModelInfo> {
    if (this.#disposed)
      return Promise.reject(new ExecutionError('This generator was disposed: create a new one.'));
    if (!this.#loaded) {
      this.#loadHandlers = handlers;
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
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}

/** Internal: a WebGPU failure that generate() turns into a WASM retry. */
class RetryOnWasm extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}
