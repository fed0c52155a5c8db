/**
 * The UNet on WebGPU with graph capture (issue 14). onnxruntime-web replays a recorded step only
 * when the session was created with `enableGraphCapture`, every input and output is a `gpu-buffer`
 * tensor and the shapes never change; the binding is made on the first run and kept. So every
 * input and output of the UNet gets one GPU buffer for the model's life, and a step only writes what
 * changed: the latent and the timestep each step, the text embeddings and the guidance scale once
 * per generation, the control inputs while they change (an edit's injected maps). One mapped copy
 * per step brings back what the record keeps: model_output (both rows: the guided Euler step runs
 * on the CPU, because the record stores x_t and x̂0 of every step for scrubbing anyway) and the
 * conditional row of each attention map (the unconditional row is never downloaded).
 */
import type { ModelManifest } from '../core/manifest-types.ts';
import type { Ort, OrtSession, OrtTensor } from './ort.ts';

/** WebGPU constants (GPUBufferUsage, GPUMapMode), by value: Node and WASM-only pages lack them. */
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const MAP_MODE_READ = 0x1;

/** The few WebGPU calls used here, structurally (the project does not depend on @webgpu/types). */
interface GpuBufferLike {
  readonly size: number;
  destroy(): void;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}
interface GpuDeviceLike {
  createBuffer(desc: { size: number; usage: number; label?: string }): GpuBufferLike;
  createCommandEncoder(): {
    copyBufferToBuffer(
      src: GpuBufferLike,
      srcOffset: number,
      dst: GpuBufferLike,
      dstOffset: number,
      size: number,
    ): void;
    finish(): unknown;
  };
  queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: Float32Array): void;
    submit(commands: unknown[]): void;
  };
}

export interface TensorSpec {
  name: string;
  dims: number[];
}

/** Every input and output of the UNet at batch B, with the shapes the engine feeds and expects. */
export function unetTensorSpecs(
  manifest: ModelManifest,
  batch: number,
): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const T = manifest.tokenizer.maxTokens;
  const { channels: C, height: H, width: W } = manifest.image;
  const attention = (heads: number, res: readonly number[]) => [
    batch,
    heads,
    (res[0] as number) * (res[1] as number),
    T,
  ];
  const inputs: TensorSpec[] = [
    { name: 'sample', dims: [batch, C, H, W] },
    { name: 'timestep', dims: [batch] },
    { name: 'text_embeddings', dims: [batch, T, manifest.embeddingDim] },
  ];
  const control = manifest.control;
  if (control) {
    inputs.push({ name: control.tokenScale, dims: [batch, T] });
    inputs.push({ name: control.injectWeight, dims: [batch, T] });
    for (const a of manifest.attention)
      inputs.push({
        name: control.inject[a.output] ?? a.output,
        dims: attention(a.heads, a.resolution),
      });
  }
  if (manifest.guidance) inputs.push({ name: manifest.guidance.input, dims: [1] });
  const outputs: TensorSpec[] = [
    { name: 'model_output', dims: [batch, C, H, W] },
    ...manifest.attention.map((a) => ({ name: a.output, dims: attention(a.heads, a.resolution) })),
  ];
  return { inputs, outputs };
}

const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
/** WebGPU wants buffer sizes (and copy sizes) in multiples of 4; 16 keeps every binding happy. */
const padded = (bytes: number): number => Math.ceil(bytes / 16) * 16;

interface Bound {
  spec: TensorSpec;
  buffer: GpuBufferLike;
  tensor: OrtTensor;
  bytes: number;
}

/** A read-back request: `floats` leading values of an output (row 0 of a batch-2 output is its first half). */
export interface ReadRequest {
  name: string;
  floats: number;
}

export class GpuUnet {
  readonly #device: GpuDeviceLike;
  readonly #inputs = new Map<string, Bound>();
  readonly #outputs = new Map<string, Bound>();
  readonly #feeds: Record<string, OrtTensor> = {};
  readonly #fetches: Record<string, OrtTensor> = {};
  readonly #staging: GpuBufferLike;
  /** Runs of the session so far: ORT captures on an early run and replays from then on. */
  runs = 0;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    ort: Ort,
    readonly session: OrtSession,
    device: GpuDeviceLike,
    specs: { inputs: TensorSpec[]; outputs: TensorSpec[] },
  ) {
    this.#device = device;
    const bind = (spec: TensorSpec, usage: number): Bound => {
      const bytes = count(spec.dims) * 4;
      // Zero-filled at creation (WebGPU guarantees it), so an input never written reads as zeros.
      const buffer = device.createBuffer({ size: padded(bytes), usage, label: spec.name });
      const tensor = ort.Tensor.fromGpuBuffer(buffer as never, {
        dataType: 'float32',
        dims: spec.dims,
      }) as OrtTensor;
      return { spec, buffer, tensor, bytes };
    };
    for (const s of specs.inputs) {
      const b = bind(s, USAGE.STORAGE | USAGE.COPY_DST);
      this.#inputs.set(s.name, b);
      this.#feeds[s.name] = b.tensor;
    }
    let staging = 0;
    for (const s of specs.outputs) {
      const b = bind(s, USAGE.STORAGE | USAGE.COPY_SRC);
      this.#outputs.set(s.name, b);
      this.#fetches[s.name] = b.tensor;
      staging += padded(b.bytes);
    }
    this.#staging = device.createBuffer({
      size: staging,
      usage: USAGE.MAP_READ | USAGE.COPY_DST,
      label: 'unet read-back',
    });
  }

  /** Binds buffers for `session` on the device onnxruntime-web created for it. */
  static async create(
    ort: Ort,
    session: OrtSession,
    manifest: ModelManifest,
    batch: number,
  ): Promise<GpuUnet> {
    // Native WebGPU EP: env.webgpu.device is the device itself; the older JSEP build: a promise.
    const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike | undefined;
    if (!device?.createBuffer) throw new Error('onnxruntime-web exposed no WebGPU device');
    return new GpuUnet(ort, session, device, unetTensorSpecs(manifest, batch));
  }

  /** Runs `fn` after every earlier call has finished: one generation owns the buffers at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Copies `data` into the input's GPU buffer (queued before the next run's commands). */
  write(name: string, data: Float32Array): void {
    const b = this.#inputs.get(name);
    if (!b) throw new Error(`the UNet has no input "${name}"`);
    if (data.length * 4 !== b.bytes)
      throw new Error(`input "${name}" takes ${b.bytes / 4} values, got ${data.length}`);
    this.#device.queue.writeBuffer(b.buffer, 0, data);
  }

  /** One UNet call on the bound buffers, then the requested leading parts of outputs, as CPU arrays
   * that own their buffers (the worker transfers them). */
  async run(read: readonly ReadRequest[]): Promise<Float32Array[]> {
    await this.session.run(this.#feeds, this.#fetches);
    this.runs++;
    const encoder = this.#device.createCommandEncoder();
    let offset = 0;
    const places = read.map((r) => {
      const b = this.#outputs.get(r.name);
      if (!b) throw new Error(`the UNet has no output "${r.name}"`);
      const bytes = r.floats * 4;
      if (bytes > b.bytes) throw new Error(`output "${r.name}" has ${b.bytes / 4} values`);
      encoder.copyBufferToBuffer(b.buffer, 0, this.#staging, offset, padded(bytes));
      const at = offset;
      offset += padded(bytes);
      return { at, bytes };
    });
    this.#device.queue.submit([encoder.finish()]);
    await this.#staging.mapAsync(MAP_MODE_READ);
    try {
      const all = this.#staging.getMappedRange();
      return places.map(({ at, bytes }) => new Float32Array(all.slice(at, at + bytes)));
    } finally {
      this.#staging.unmap();
    }
  }

  /** Frees the buffers once the running generation is done (the session is released with the model). */
  async destroy(): Promise<void> {
    await this.#tail;
    for (const b of [...this.#inputs.values(), ...this.#outputs.values()]) b.buffer.destroy();
    this.#staging.destroy();
  }
}
