/**
 * The engine in a Web Worker, so hover and scrub stay smooth while it paints. Speaks the
 * worker-protocol.ts union; chooses the execution provider here (navigator.gpu exists in workers).
 */
import type { ExecutionProviderChoice } from '../core/record.ts';
import { EngineGenerator } from './engine-generator.ts';
import { ExecutionError, GenerationCancelledError } from '../core/errors.ts';
import { chooseExecutionProvider } from './execution-providers.ts';
import { loadModel } from './load.ts';
import { importWebOrt } from './ort.ts';
import { urlSource } from './package-source.ts';
import {
  serializeError,
  stepTransferables,
  type FromWorker,
  type ToWorker,
} from './worker-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let generator: EngineGenerator | null = null;
/** Per request id: aborts that load or generation (a `cancel` message names the id). */
const controllers = new Map<number, AbortController>();
let ep: ExecutionProviderChoice | null = null;
/** Set when the WebGPU device reports loss; the next failure is then reported as gpuLost. */
let deviceLost: string | null = null;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

async function watchDevice(ort: Awaited<ReturnType<typeof importWebOrt>>): Promise<void> {
  try {
    const device = (await ort.env.webgpu.device) as unknown as
      { lost?: Promise<{ message: string }> } | undefined;
    void device?.lost?.then((info) => (deviceLost = info.message || 'device lost'));
  } catch {
    // No device to watch (WASM): nothing to do.
  }
}

async function load(msg: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  await generator?.dispose();
  deviceLost = null;
  const choice = await chooseExecutionProvider(msg.ep);
  if (msg.note) choice.reason = `${msg.note}; ${choice.reason}`;
  ep = choice;
  const controller = new AbortController();
  controllers.set(msg.id, controller);
  const source = urlSource(msg.modelUrl, {
    signal: controller.signal,
    ...(msg.stallMs ? { stallMs: msg.stallMs } : {}),
    onProgress: (progress) => post({ type: 'loadProgress', id: msg.id, progress }),
  });
  const next = new EngineGenerator(async () => {
    const ort = await importWebOrt(choice);
    const model = await loadModel(source, ort, choice);
    if (choice.name === 'webgpu') await watchDevice(ort);
    return model;
  });
  generator = next;
  try {
    const info = await next.load();
    post({ type: 'loaded', id: msg.id, info });
  } finally {
    controllers.delete(msg.id);
  }
}

async function generate(msg: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  if (!generator)
    throw new ExecutionError('The model is not loaded: call load() before generate().');
  const { id } = msg;
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const record = await generator.generate(msg.settings, {
      signal: controller.signal,
      ...(msg.source ? { source: msg.source } : {}),
      onBegin: (header, tokenized) => post({ type: 'begin', id, header, tokenized }),
      onStep: (step, progress) =>
        post(
          { type: 'step', id, step, progress, sentAt: performance.timeOrigin + performance.now() },
          stepTransferables(step),
        ),
    });
    const final = record.final ?? new Float32Array(0);
    post({ type: 'done', id, final, timings: record.timings }, [final.buffer]);
  } catch (e) {
    if (e instanceof GenerationCancelledError) {
      post({ type: 'cancelled', id, timings: e.partial?.timings ?? { encodeMs: 0, totalMs: 0 } });
      return;
    }
    const onGpu = ep?.name === 'webgpu' && (e instanceof ExecutionError || deviceLost !== null);
    const error = serializeError(e);
    if (deviceLost) error.message = `WebGPU device lost (${deviceLost}): ${error.message}`;
    post({ type: 'error', id, error, gpuLost: onGpu });
  } finally {
    controllers.delete(id);
  }
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  const fail = (e: unknown): void =>
    post({ type: 'error', id: msg.id, error: serializeError(e), gpuLost: false });
  switch (msg.type) {
    case 'load':
      load(msg).catch(fail);
      break;
    case 'generate':
      generate(msg).catch(fail);
      break;
    case 'cancel':
      controllers.get(msg.id)?.abort();
      break;
    case 'ping':
      post({ type: 'pong', id: msg.id });
      break;
    case 'dispose':
      (generator?.dispose() ?? Promise.resolve())
        .then(() => {
          generator = null;
          post({ type: 'disposed', id: msg.id });
        })
        .catch(fail);
      break;
  }
};
