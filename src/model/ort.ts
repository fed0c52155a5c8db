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

/** Applies the choice's thread count and keeps ORT's console output to errors only. */
export function configureOrt(ort: Ort, choice: ExecutionProviderChoice): void {
  ort.env.logLevel = 'error';
  if (choice.name !== 'cpu') {
    // numThreads > 1 needs SharedArrayBuffer (cross-origin isolation); the resolver decided.
    ort.env.wasm.numThreads = choice.threads ?? 1;
  }
}

/** Session options for a provider; intra-op threads for onnxruntime-node. */
export function sessionOptions(
  choice: ExecutionProviderChoice,
): OrtWeb.InferenceSession.SessionOptions {
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
