/**
 * Loading and configuring onnxruntime. The engine receives the ORT module as a value, so the same
 * code runs on onnxruntime-web (WASM or WebGPU, browser and Node) and onnxruntime-node (bench).
 */
import type * as OrtWeb from 'onnxruntime-web';
import type { ExecutionProviderChoice } from '../core/record.ts';
import { ExecutionError } from '../core/errors.ts';

export type Ort = typeof OrtWeb;
export type OrtSession = OrtWeb.InferenceSession;
export type OrtTensor = OrtWeb.Tensor;

/** Imports the ORT build for a web provider. Node's `cpu` lives in node-model.ts (onnxruntime-node). */
export async function importWebOrt(choice: ExecutionProviderChoice): Promise<Ort> {
  switch (choice.name) {
    case 'webgpu':
      return (await import('onnxruntime-web/webgpu')) as Ort;
    case 'wasm':
      // Browsers: the lean WASM-only build (its .wasm is 14 MB); the package's default bundle loads
      // the 28 MB JSEP (WebGPU-capable) .wasm even to run on WASM. Node keeps the default entry,
      // which resolves to the Node build.
      if (isNode()) return (await import('onnxruntime-web')) as Ort;
      return (await import('onnxruntime-web/wasm')) as Ort;
    case 'cpu':
      throw new ExecutionError(
        'The cpu execution provider needs onnxruntime-node: load the model with loadNodeModel().',
      );
  }
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Applies the choice's thread count and keeps ORT's console output to errors only ('verbose': ORT's
 * own log, e.g. its graph capture and replay lines, which a test reads; it takes effect only if set
 * before the module's first session). */
export function configureOrt(
  ort: Ort,
  choice: ExecutionProviderChoice,
  logLevel: 'error' | 'verbose' = 'error',
): void {
  ort.env.logLevel = logLevel;
  if (choice.name !== 'cpu') {
    // numThreads > 1 needs SharedArrayBuffer (cross-origin isolation); the resolver decided.
    ort.env.wasm.numThreads = choice.threads ?? 1;
  }
}

/** Session options for a provider; intra-op threads for onnxruntime-node. `graphCapture` (WebGPU):
 * the batch the session will always run at; ORT then records the first runs' GPU commands and
 * replays them (every input and output must be a gpu-buffer tensor: gpu-unet.ts). The batch is
 * fixed as the free dimension `batch`, so shape computations fold away at load instead of running
 * on the CPU, which graph capture does not allow. */
export function sessionOptions(
  choice: ExecutionProviderChoice,
  graphCapture?: { batch: number },
): OrtWeb.InferenceSession.SessionOptions {
  if (graphCapture && choice.name === 'webgpu') {
    return {
      // The object form: ORT reads enableGraphCapture only for an EP given as an object.
      executionProviders: [{ name: 'webgpu' }],
      enableGraphCapture: true,
      preferredOutputLocation: 'gpu-buffer',
      freeDimensionOverrides: { batch: graphCapture.batch },
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
  }
  const opts: OrtWeb.InferenceSession.SessionOptions = {
    executionProviders: [choice.name],
    graphOptimizationLevel: 'all',
    // 3 = errors only: ORT's warnings (e.g. shape ops placed on CPU under WebGPU) are expected
    // and would otherwise reach the console as errors.
    logSeverityLevel: 3,
  };
  if (choice.name === 'cpu' && choice.threads !== undefined) {
    opts.intraOpNumThreads = choice.threads;
    opts.interOpNumThreads = 1;
  }
  return opts;
}
