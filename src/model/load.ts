/**
 * Loads a model package: manifest, then the two ONNX graphs as ORT sessions, checking that each graph
 * has the inputs and outputs the contract (and the manifest's attention list) promises, with the
 * shapes the manifest implies (checked here at load, not at the first Generate). Any failure
 * is a ModelLoadError naming the file and the reason.
 */
import type { ExecutionProviderChoice } from '../core/record.ts';
import { ModelLoadError } from '../core/errors.ts';
import { loadManifest } from './manifest.ts';
import type { ModelManifest } from '../core/manifest-types.ts';
import { providerEntry } from './execution-providers.ts';
import { GpuUnet } from './gpu-unet.ts';
import { configureOrt, sessionOptions, type Ort, type OrtSession } from './ort.ts';
import { fullText, oneLine, type PackageSource } from './package-source.ts';

export interface LoadedModel {
  manifest: ModelManifest;
  source: PackageSource;
  ep: ExecutionProviderChoice;
  ort: Ort;
  textEncoder: OrtSession;
  unet: OrtSession;
  /** The UNet file loaded: the manifest's `unet`, or `unetInt8` where the provider table says so. */
  unetFile: string;
  /** WebGPU with graph capture: the UNet's bound GPU buffers (gpu-unet.ts); null on CPU tensors. */
  gpuUnet: GpuUnet | null;
  /** Why the UNet runs the way it does on WebGPU (graph capture on, or why not); null elsewhere. */
  graphCapture: string | null;
  loadMs: number;
}

export const TEXT_ENCODER_IO = { inputs: ['input_ids'], outputs: ['text_embeddings'] };
export const UNET_INPUTS = ['sample', 'timestep', 'text_embeddings'];
export const UNET_OUTPUT = 'model_output';

/** Why ORT refused the bytes, in words a person can act on. */
function explainOrtFailure(bytes: Uint8Array, e: unknown): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 40));
  if (head.startsWith('version https://git-lfs'))
    return 'it is a Git LFS pointer, not the model; run `git lfs pull`';
  if (head.trimStart().startsWith('<'))
    return 'it is an HTML page, not an ONNX model; check the URL or server';
  const msg = oneLine(e);
  if (/protobuf parsing failed/i.test(msg)) {
    return `not a valid ONNX model, truncated or corrupt (${bytes.length} bytes; protobuf parsing failed); re-download or re-export it`;
  }
  return `onnxruntime could not create a session (${msg}); re-export the model (opset 17)`;
}

/** An expected tensor: its name and shape, `null` for a free (batch) dimension. */
export interface ExpectedTensor {
  name: string;
  shape: (number | null)[];
  /** What in manifest.json the shape comes from, for the message. */
  from: string;
}

type Metadata = { name: string; isTensor: boolean; shape?: readonly (number | string)[] };

/**
 * Compares the graph's declared shapes with the manifest's, dimension by dimension; symbolic or
 * unknown dimensions (strings, -1, an empty shape) are not checked. Returns the first mismatch.
 */
export function shapeMismatch(
  metadata: readonly Metadata[] | undefined,
  expected: ExpectedTensor[],
): string | null {
  if (!metadata) return null; // an ORT build without metadata: names were checked already
  for (const want of expected) {
    const meta = metadata.find((m) => m.name === want.name);
    const shape = meta?.isTensor ? (meta.shape ?? []) : [];
    if (shape.length === 0) continue;
    const show = (s: readonly (number | string | null)[]): string =>
      `[${s.map((d) => (d === null || (typeof d === 'number' && d < 0) ? '?' : d)).join(', ')}]`;
    const bad =
      shape.length !== want.shape.length ||
      want.shape.some(
        (d, i) => d !== null && typeof shape[i] === 'number' && shape[i] >= 0 && shape[i] !== d,
      );
    if (bad)
      return `"${want.name}" has shape ${show(shape)} but manifest.json says ${show(want.shape)} (${want.from})`;
  }
  return null;
}

/** The shapes the manifest promises for the text encoder and the UNet (batch free). */
export function expectedShapes(m: ModelManifest): {
  textEncoder: ExpectedTensor[];
  unet: ExpectedTensor[];
} {
  const T = m.tokenizer.maxTokens;
  const D = m.embeddingDim;
  const { channels: C, height: H, width: W } = m.image;
  const emb = {
    name: 'text_embeddings',
    shape: [null, T, D],
    from: 'tokenizer.maxTokens, embeddingDim',
  };
  const image = (name: string): ExpectedTensor => ({ name, shape: [null, C, H, W], from: 'image' });
  return {
    textEncoder: [{ name: 'input_ids', shape: [null, T], from: 'tokenizer.maxTokens' }, emb],
    unet: [
      image('sample'),
      emb,
      image(UNET_OUTPUT),
      ...m.attention.map((a) => ({
        name: a.output,
        shape: [null, a.heads, a.resolution[0] * a.resolution[1], T],
        from: 'attention[].heads, resolution; tokenizer.maxTokens',
      })),
    ],
  };
}

async function createSession(
  ort: Ort,
  source: PackageSource,
  file: string,
  ep: ExecutionProviderChoice,
  inputs: readonly string[],
  outputs: readonly string[],
  shapes: ExpectedTensor[] = [],
  options = sessionOptions(ep),
): Promise<OrtSession> {
  const where = source.describe(file);
  const bytes = await source.readBytes(file);
  if (bytes.length === 0)
    throw new ModelLoadError(where, 'file is empty (0 bytes); re-download or re-export it');
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (e) {
    const error = new ModelLoadError(where, explainOrtFailure(bytes, e));
    error.detail = fullText(e);
    throw error;
  }
  for (const name of inputs) {
    if (!session.inputNames.includes(name)) {
      await session.release();
      throw new ModelLoadError(
        where,
        `graph has no input "${name}" (has ${session.inputNames.join(', ')}); re-export it`,
      );
    }
  }
  const extra = session.inputNames.filter((n) => !inputs.includes(n));
  if (extra.length > 0) {
    await session.release();
    throw new ModelLoadError(
      where,
      `graph has inputs ${extra.map((n) => `"${n}"`).join(', ')} that manifest.json does not declare (a contract v2 graph needs the manifest's "control" block); re-export the package`,
    );
  }
  for (const name of outputs) {
    if (!session.outputNames.includes(name)) {
      await session.release();
      throw new ModelLoadError(
        where,
        `graph has no output "${name}" that manifest.json lists; re-export the package`,
      );
    }
  }
  const meta = session as unknown as { inputMetadata?: Metadata[]; outputMetadata?: Metadata[] };
  const mismatch = shapeMismatch(
    meta.inputMetadata && meta.outputMetadata
      ? [...meta.inputMetadata, ...meta.outputMetadata]
      : undefined,
    shapes,
  );
  if (mismatch) {
    await session.release();
    throw new ModelLoadError(where, `${mismatch}; re-export the package`);
  }
  return session;
}

/** Which UNet file to load: the provider table's choice, or always the fp32 `unet` (tests that
 * compare against PyTorch or across providers), or the int8 one on any provider (evaluating it on
 * native onnxruntime, ~6x faster than WASM here). */
export type UnetChoice = 'table' | 'fp32' | 'int8';

/** The UNet file a provider runs: its table entry's choice, if the package has that file. */
export function unetFileFor(
  manifest: ModelManifest,
  ep: ExecutionProviderChoice,
  choice: UnetChoice = 'table',
): string {
  if (choice === 'int8' && !manifest.unetInt8)
    throw new ModelLoadError('manifest.json', 'the package has no int8 UNet (unetInt8)');
  const int8 = choice === 'int8' || (choice === 'table' && providerEntry(ep.name).unet === 'int8');
  return int8 && manifest.unetInt8 ? manifest.unetInt8 : manifest.unet;
}

/** Loads manifest and sessions with an already imported ORT module and a resolved provider. */
export async function loadModel(
  source: PackageSource,
  ort: Ort,
  ep: ExecutionProviderChoice,
  unetChoice: UnetChoice = 'table',
  ortLogLevel: 'error' | 'verbose' = 'error',
): Promise<LoadedModel> {
  const start = performance.now();
  const manifest = await loadManifest(source);
  configureOrt(ort, ep, ortLogLevel);
  const shapes = expectedShapes(manifest);
  const textEncoder = await createSession(
    ort,
    source,
    manifest.textEncoder,
    ep,
    TEXT_ENCODER_IO.inputs,
    TEXT_ENCODER_IO.outputs,
    shapes.textEncoder,
  );
  let unet: OrtSession | undefined;
  let gpuUnet: GpuUnet | null = null;
  let graphCapture: string | null = null;
  const unetFile = unetFileFor(manifest, ep, unetChoice);
  try {
    const attention = manifest.attention.map((a) => a.output);
    const control = manifest.control
      ? [
          manifest.control.tokenScale,
          manifest.control.injectWeight,
          ...attention.map((a) => manifest.control?.inject[a] ?? a),
        ]
      : [];
    const guidance = manifest.guidance ? [manifest.guidance.input] : [];
    const io = [
      [...UNET_INPUTS, ...control, ...guidance],
      [UNET_OUTPUT, ...attention],
    ] as const;
    if (ep.name === 'webgpu') {
      // Graph capture where ORT accepts it; a plain session (CPU tensors per call) where it refuses.
      const batch = manifest.guidance ? 1 : 2;
      let captured: OrtSession | undefined;
      try {
        const options = sessionOptions(ep, { batch });
        captured = await createSession(ort, source, unetFile, ep, ...io, shapes.unet, options);
        gpuUnet = await GpuUnet.create(ort, captured, manifest, batch);
        unet = captured;
        graphCapture = `UNet with graph capture, inputs and outputs on the GPU (batch ${batch})`;
      } catch (e) {
        await captured?.release();
        // ORT's own words (a ModelLoadError's detail), not the load error's advice to re-export.
        const why = e instanceof ModelLoadError && e.detail ? oneLine(e.detail) : oneLine(e);
        graphCapture = `UNet without graph capture (${why})`;
      }
    }
    unet ??= await createSession(ort, source, unetFile, ep, ...io, shapes.unet);
  } catch (e) {
    await textEncoder.release();
    throw e;
  }
  return {
    manifest,
    source,
    ep: graphCapture ? { ...ep, reason: `${ep.reason}; ${graphCapture}` } : ep,
    ort,
    textEncoder,
    unet,
    unetFile,
    gpuUnet,
    graphCapture,
    loadMs: performance.now() - start,
  };
}

export async function releaseModel(model: LoadedModel): Promise<void> {
  await model.gpuUnet?.destroy();
  await Promise.allSettled([model.textEncoder.release(), model.unet.release()]);
}
