/**
 * Node entry to the engine (CLI, tests, bench): a package directory on disk, onnxruntime-web on WASM
 * (default) or onnxruntime-node's native CPU provider ('cpu', bench only). Never imported by the app.
 */
import { fileURLToPath } from 'node:url';
import type { ExecutionProviderChoice } from '../core/record.ts';
import { ModelLoadError } from '../core/errors.ts';
import { EngineGenerator } from './engine-generator.ts';
import type { EngineOptions } from './engine.ts';
import { resolveExecutionProvider } from './execution-providers.ts';
import { dirSource } from './fs-source.ts';
import { loadModel, type LoadedModel, type UnetChoice } from './load.ts';
import { importWebOrt, type Ort } from './ort.ts';
import { oneLine } from './package-source.ts';

/** The shipped package, found from this file (not the working directory), so `wordlight` works
 * from any directory. */
export const DEFAULT_MODEL_DIR = fileURLToPath(
  new URL('../../public/models/scenes', import.meta.url),
);

export interface NodeModelOptions {
  /** Model package directory (default public/models/scenes). */
  dir?: string;
  ep?: 'wasm' | 'cpu';
  /** WASM or intra-op threads (default 1: these machines are shared). */
  threads?: number;
  /** 'fp32' loads the fp32 UNet even where the provider table picks the int8 one. */
  unet?: UnetChoice;
}

async function importNodeOrt(): Promise<Ort> {
  try {
    // onnxruntime-node's API is the same onnxruntime-common surface as onnxruntime-web.
    return (await import('onnxruntime-node')) as unknown as Ort;
  } catch (e) {
    throw new ModelLoadError(
      'onnxruntime-node',
      `cannot load the native runtime (${oneLine(e)}); use --ep wasm`,
    );
  }
}

export function nodeExecutionProvider(opts: NodeModelOptions = {}): ExecutionProviderChoice {
  return resolveExecutionProvider(opts.ep ?? 'auto', {
    runtime: 'node',
    webgpu: { kind: 'unsupported' },
    crossOriginIsolated: false,
    hardwareConcurrency: 1,
    threads: opts.threads ?? 1,
  });
}

export async function loadNodeModel(opts: NodeModelOptions = {}): Promise<LoadedModel> {
  const ep = nodeExecutionProvider(opts);
  const ort = ep.name === 'cpu' ? await importNodeOrt() : await importWebOrt(ep);
  return loadModel(dirSource(opts.dir ?? DEFAULT_MODEL_DIR), ort, ep, opts.unet);
}

export function createNodeGenerator(
  opts: NodeModelOptions = {},
  engine: EngineOptions = {},
): EngineGenerator {
  return new EngineGenerator(() => loadNodeModel(opts), engine);
}
