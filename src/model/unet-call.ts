/**
 * One UNet call per denoising step, two ways: CPU tensors in and out (WASM, onnxruntime-node, and
 * WebGPU when graph capture is unavailable), or the GPU-resident buffers of gpu-unet.ts (WebGPU with
 * graph capture). Either way the engine gets model_output for all rows and the conditional row of
 * each attention map, as arrays it may keep and transfer.
 */
import { ExecutionError } from '../core/errors.ts';
import type { ModelManifest } from '../core/manifest-types.ts';
import type { GpuUnet } from './gpu-unet.ts';
import { UNET_OUTPUT } from './load.ts';
import type { Ort, OrtSession, OrtTensor } from './ort.ts';

export interface StepInputs {
  sample: Float32Array; // [B, C, H, W]
  timestep: Float32Array; // [B]
  /** The control feeds of this step (CPU tensors), or {} for a package without control inputs. */
  control: Record<string, OrtTensor>;
  /** Whether the control feeds differ from the previous step's (always true at step 0). */
  controlChanged: boolean;
}

export interface StepOutputs {
  /** model_output, [B, C, H, W]. */
  v: Float32Array;
  /** Row 0 of each manifest attention output, in manifest order; empty without capture. */
  attention: Float32Array[];
}

export interface UnetCall {
  step(inputs: StepInputs): Promise<StepOutputs>;
}

export function expectDims(
  t: OrtTensor | undefined,
  name: string,
  dims: number[],
  file: string,
): OrtTensor {
  if (!t) throw new ExecutionError(`${file} returned no "${name}": re-export the model package.`);
  const same = t.dims.length === dims.length && t.dims.every((d, i) => d === dims[i]);
  if (!same || t.type !== 'float32') {
    throw new ExecutionError(
      `${file} output "${name}" is ${t.type} [${t.dims.join(', ')}], expected float32 [${dims.join(', ')}]: the graph does not match manifest.json.`,
    );
  }
  return t;
}

export function releaseAll(tensors: Record<string, OrtTensor>): void {
  // CPU tensors are garbage collected anyway; dispose() frees GPU-side data immediately.
  for (const t of Object.values(tensors)) t.dispose();
}

/**
 * Row 0 (the conditional row) of an attention output as an array that owns its whole buffer, so the
 * worker can transfer it. At batch 1 ORT's output already is that (no copy); at batch 2 it is copied.
 */
function ownRow0(data: Float32Array, n: number): Float32Array {
  const whole = data.byteOffset === 0 && data.length === n && data.buffer.byteLength === n * 4;
  return whole ? data : data.slice(0, n);
}

interface CallContext {
  ort: Ort;
  manifest: ModelManifest;
  /** The UNet file, for messages. */
  file: string;
  batch: number;
  embeddings: Float32Array; // [B, T, D]
  guidance: number;
  capture: boolean;
}

const rowFloats = (a: ModelManifest['attention'][number], T: number): number =>
  a.heads * a.resolution[0] * a.resolution[1] * T;

/** CPU tensors in, CPU tensors out: a new feed per call. */
export function cpuUnetCall(unet: OrtSession, c: CallContext): UnetCall {
  const { ort, manifest, batch: B } = c;
  const { channels: C, height: H, width: W } = manifest.image;
  const T = manifest.tokenizer.maxTokens;
  const D = manifest.embeddingDim;
  const guidanceFeed = manifest.guidance
    ? { [manifest.guidance.input]: new ort.Tensor('float32', Float32Array.of(c.guidance), [1]) }
    : {};
  const fetches = c.capture
    ? [UNET_OUTPUT, ...manifest.attention.map((a) => a.output)]
    : [UNET_OUTPUT];
  return {
    async step({ sample, timestep, control }) {
      const out = await unet.run(
        {
          sample: new ort.Tensor('float32', sample, [B, C, H, W]),
          timestep: new ort.Tensor('float32', timestep, [B]),
          text_embeddings: new ort.Tensor('float32', c.embeddings, [B, T, D]),
          ...guidanceFeed,
          ...control,
        },
        fetches,
      );
      const v = expectDims(out[UNET_OUTPUT], UNET_OUTPUT, [B, C, H, W], c.file)
        .data as Float32Array;
      const attention: Float32Array[] = [];
      if (c.capture) {
        for (const spec of manifest.attention) {
          const hw = spec.resolution[0] * spec.resolution[1];
          const a = expectDims(out[spec.output], spec.output, [B, spec.heads, hw, T], c.file);
          attention.push(ownRow0(a.data as Float32Array, rowFloats(spec, T)));
        }
      }
      // model_output's data stays valid after dispose (a CPU tensor's array is plain memory).
      releaseAll(out);
      return { v, attention };
    },
  };
}

/** The bound GPU buffers: constants written once here, per-step inputs written each call. */
export function gpuUnetCall(gpu: GpuUnet, c: CallContext): UnetCall {
  const { manifest, batch: B } = c;
  const { channels: C, height: H, width: W } = manifest.image;
  const T = manifest.tokenizer.maxTokens;
  gpu.write('text_embeddings', c.embeddings);
  if (manifest.guidance) gpu.write(manifest.guidance.input, Float32Array.of(c.guidance));
  const read = [
    { name: UNET_OUTPUT, floats: B * C * H * W },
    ...(c.capture
      ? manifest.attention.map((a) => ({ name: a.output, floats: rowFloats(a, T) }))
      : []),
  ];
  return {
    async step({ sample, timestep, control, controlChanged }) {
      gpu.write('sample', sample);
      gpu.write('timestep', timestep);
      if (controlChanged)
        for (const [name, t] of Object.entries(control)) gpu.write(name, t.data as Float32Array);
      const [v, ...attention] = await gpu.run(read);
      return { v: v as Float32Array, attention };
    },
  };
}
