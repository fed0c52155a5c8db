/**
 * The typed message union between WorkerGenerator (main thread) and generation.worker.ts. Every
 * message carries the id of the request it belongs to. Step data crosses as transferred buffers
 * (xt, x0, every attention map): the worker does not keep them, the main thread owns the record.
 */
import type { GenerationRecord, GenerationSettings, StepRecord } from '../core/record.ts';
import * as errors from '../core/errors.ts';
import type { EpRequest } from './execution-providers.ts';
import type { LoadedModelInfo } from './generator.ts';
import type { FetchProgress } from './package-source.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

/** Main thread → worker. */
export type ToWorker =
  | { type: 'load'; id: number; modelUrl: string; ep: EpRequest; note?: string; stallMs?: number }
  | {
      type: 'generate';
      id: number;
      settings: GenerationSettings;
      /** An edit's source run, attention only (xt, x0 and the final image left out). */
      source?: GenerationRecord;
    }
  /** Cancels request `id` (a load or a generation), whether running or queued. */
  | { type: 'cancel'; id: number }
  /** Heartbeat: the worker answers `pong` with the same id as soon as its event loop is free. */
  | { type: 'ping'; id: number }
  | { type: 'dispose'; id: number };

export interface StepProgress {
  done: number;
  total: number;
  msPerStep: number;
}

/** Worker → main thread. */
export type FromWorker =
  | { type: 'loaded'; id: number; info: LoadedModelInfo }
  | { type: 'loadProgress'; id: number; progress: FetchProgress }
  | { type: 'pong'; id: number }
  /** `header`: the record without steps (steps: [], final: null, complete: false). */
  | { type: 'begin'; id: number; header: GenerationRecord; tokenized: TokenizedPrompt }
  /** `sentAt`: performance.timeOrigin + performance.now() in the worker when posted (bench). */
  | { type: 'step'; id: number; step: StepRecord; progress: StepProgress; sentAt?: number }
  | { type: 'done'; id: number; final: Float32Array; timings: GenerationRecord['timings'] }
  | { type: 'cancelled'; id: number; timings: GenerationRecord['timings'] }
  /** `gpuLost`: the failure happened on WebGPU; the main thread retries on WASM. */
  | { type: 'error'; id: number; error: SerializedError; gpuLost: boolean }
  | { type: 'disposed'; id: number };

export interface SerializedError {
  name: string;
  message: string;
  file?: string;
  reason?: string;
  field?: string;
  detail?: string;
}

/** Buffers to transfer with a step message (each attention map has its own buffer). */
export function stepTransferables(step: StepRecord): ArrayBuffer[] {
  return [step.xt.buffer, step.x0.buffer, ...step.attention.map((a) => a.buffer)] as ArrayBuffer[];
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message };
    const extra = e as Partial<Record<'file' | 'reason' | 'field' | 'detail', unknown>>;
    if (typeof extra.detail === 'string') out.detail = extra.detail;
    if (typeof extra.file === 'string') out.file = extra.file;
    if (typeof extra.reason === 'string') out.reason = extra.reason;
    if (typeof extra.field === 'string') out.field = extra.field;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

const ERROR_CLASSES: Record<string, new (...args: never[]) => Error> = {
  WordlightError: errors.WordlightError,
  ModelLoadError: errors.ModelLoadError,
  ManifestError: errors.ManifestError,
  InvalidInputError: errors.InvalidInputError,
  GenerationCancelledError: errors.GenerationCancelledError,
  ExecutionError: errors.ExecutionError,
};

/** Rebuilds the named error class on this side, so `instanceof ModelLoadError` works in the UI. */
export function deserializeError(s: SerializedError): Error {
  const Cls = ERROR_CLASSES[s.name] ?? errors.WordlightError;
  const err = Object.create(Cls.prototype) as Error & Record<string, unknown>;
  Object.assign(err, { ...s, name: s.name in ERROR_CLASSES ? s.name : 'WordlightError' });
  Object.defineProperty(err, 'stack', { value: `${err.name}: ${s.message}`, enumerable: false });
  return err;
}

/** The part of a source record an edit needs (settings and attention), copied to cross to the worker. */
export function sourceForWorker(r: GenerationRecord): GenerationRecord {
  const empty = new Float32Array(0);
  return {
    ...r,
    final: null,
    steps: r.steps.map((s) => ({
      ...s,
      xt: empty,
      x0: empty,
      attention: s.attention.map((a) => a.slice()),
    })),
  };
}
