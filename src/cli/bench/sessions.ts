/**
 * Session factories for the two runtimes compared. WASM's thread count is fixed when the WASM
 * module first initialises, so one process can only ever time one WASM thread count: main.ts runs
 * each WASM configuration in its own child process, with the native session of the same thread
 * count beside it.
 */
import type { Ort, Session } from './ort-types.ts';

export interface SessionExtras {
  /** ORT's per-node profiler (adds overhead: never on a session that is timed). */
  profile?: boolean;
  /** onnxruntime-node only: where its profiler writes `<prefix>_<date>.json`. */
  profilePrefix?: string;
}

/**
 * Thread-pool threads of a session that runs next to another one must not spin-wait after each op:
 * on a 2-core machine a spinning pool steals the core the other session's next run needs. Both
 * builds read the same session config key.
 */
const NO_SPIN = { session: { intra_op: { allow_spinning: '0' } } };

export async function wasmSession(
  ort: Ort & { env: { wasm: { numThreads?: number } } },
  model: Uint8Array,
  threads: number,
  extras: SessionExtras = {},
): Promise<Session> {
  ort.env.wasm.numThreads = threads;
  return ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    enableProfiling: extras.profile ?? false,
    ...(threads > 1 ? { extra: NO_SPIN } : {}),
  });
}

export async function nativeSession(
  ort: Ort,
  model: Uint8Array,
  threads: number,
  extras: SessionExtras = {},
): Promise<Session> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // One op at a time, `threads` inside each op: the same split WASM's pthread pool uses.
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableProfiling: extras.profile ?? false,
    ...(extras.profilePrefix === undefined ? {} : { profileFilePrefix: extras.profilePrefix }),
    ...(threads > 1 ? { extra: NO_SPIN } : {}),
  });
}
