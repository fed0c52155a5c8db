/**
 * WorkerGenerator's side of the protocol with a scripted fake worker (the real worker runs in
 * test/browser/worker-generator.test.ts): record reassembly, named errors across the boundary,
 * and the WebGPU-failure → WASM retry.
 */
import { describe, expect, it, vi } from 'vitest';
import type { GenerationRecord } from '../../../src/core/record.ts';
import {
  ExecutionError,
  GenerationCancelledError,
  ManifestError,
  ModelLoadError,
} from '../../../src/core/errors.ts';
import type { LoadedModelInfo } from '../../../src/model/generator.ts';
import { WorkerGenerator } from '../../../src/model/worker-generator.ts';
import type { FromWorker, ToWorker } from '../../../src/model/worker-protocol.ts';
import { validManifest } from './fixtures.ts';

type Script = (msg: ToWorker, reply: (m: FromWorker) => void, state: { ep: string }) => void;

class FakeWorker {
  onmessage: ((ev: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  readonly posted: ToWorker[] = [];
  readonly state = { ep: 'none' };
  constructor(private readonly script: Script) {}
  postMessage(msg: ToWorker): void {
    this.posted.push(msg);
    setTimeout(
      () =>
        this.script(
          msg,
          (m) => this.onmessage?.({ data: m } as MessageEvent<FromWorker>),
          this.state,
        ),
      0,
    );
  }
  terminate(): void {}
}

function info(ep: 'wasm' | 'webgpu'): LoadedModelInfo {
  return {
    manifest: validManifest(),
    source: 'http://x/models/scenes/',
    ep: { name: ep, reason: 'test' },
    loadMs: 1,
  };
}

function header(): GenerationRecord {
  return {
    settings: { prompt: 'a red circle', seed: 1, steps: 1, guidance: 4 },
    model: { name: 'scenes', version: '1' },
    image: { width: 1, height: 1, channels: 3, range: [-1, 1] },
    tokens: [],
    words: [],
    truncated: [],
    layers: [],
    steps: [],
    final: null,
    complete: false,
    ep: { name: 'wasm', reason: 'test' },
    timings: { encodeMs: 0, totalMs: 0 },
  };
}

const tokenized = { ids: [], tokens: [], words: [], unknown: [], truncated: [] };
const step = {
  step: 0,
  t: 1,
  xt: new Float32Array(3),
  x0: new Float32Array(3),
  attention: [],
  ms: 1,
};

/** A worker that loads fine and completes one-step generations; on WebGPU every generation fails. */
const happyScript: Script = (msg, reply, state) => {
  if (msg.type === 'load') {
    state.ep = msg.ep === 'wasm' ? 'wasm' : 'webgpu';
    reply({ type: 'loaded', id: msg.id, info: info(state.ep as 'wasm') });
  } else if (msg.type === 'generate') {
    reply({ type: 'begin', id: msg.id, header: header(), tokenized });
    if (state.ep === 'webgpu') {
      reply({
        type: 'error',
        id: msg.id,
        error: { name: 'ExecutionError', message: 'UNet step 1/1 failed on webgpu: device lost' },
        gpuLost: true,
      });
      return;
    }
    reply({ type: 'step', id: msg.id, step, progress: { done: 1, total: 1, msPerStep: 1 } });
    reply({
      type: 'done',
      id: msg.id,
      final: new Float32Array(3),
      timings: { encodeMs: 1, totalMs: 2 },
    });
  } else if (msg.type === 'dispose') {
    reply({ type: 'disposed', id: msg.id });
  }
};

function generator(
  script: Script,
  ep: 'auto' | 'wasm' = 'auto',
  onFallback?: (e: ExecutionError) => void,
) {
  const worker = new FakeWorker(script);
  const gen = new WorkerGenerator({
    modelUrl: 'http://x/models/scenes/',
    ep,
    createWorker: () => worker as unknown as Worker,
    ...(onFallback ? { onFallback } : {}),
  });
  return { gen, worker };
}

describe('WorkerGenerator (fake worker)', () => {
  it('reassembles a complete record from begin, step and done', async () => {
    const { gen } = generator(happyScript, 'wasm');
    const onStep = vi.fn();
    const rec = await gen.generate(
      { prompt: 'a red circle', seed: 1, steps: 1, guidance: 4 },
      { onStep },
    );
    expect(rec.complete).toBe(true);
    expect(rec.steps).toHaveLength(1);
    expect(rec.final).toHaveLength(3);
    expect(rec.timings.totalMs).toBe(2);
    expect(onStep).toHaveBeenCalledOnce();
    await gen.dispose();
  });

  it('delivers steps that arrive within the live interval together, in order, before done', async () => {
    // Five steps posted back to back (each its own task), then done: the first is delivered at
    // once, the other four arrive within 100 ms of it and are held, then delivered in one task
    // before the run resolves.
    const fiveSteps: Script = (msg, reply) => {
      const later = (m: FromWorker, i: number) => setTimeout(() => reply(m), i);
      if (msg.type === 'load') reply({ type: 'loaded', id: msg.id, info: info('wasm') });
      else if (msg.type === 'generate') {
        reply({ type: 'begin', id: msg.id, header: header(), tokenized });
        for (let i = 0; i < 5; i++) {
          const progress = { done: i + 1, total: 5, msPerStep: 1 };
          later({ type: 'step', id: msg.id, step: { ...step, step: i }, progress }, i);
        }
        const timings = { encodeMs: 1, totalMs: 2 };
        later({ type: 'done', id: msg.id, final: new Float32Array(3), timings }, 6);
      } else if (msg.type === 'dispose') reply({ type: 'disposed', id: msg.id });
    };
    const worker = new FakeWorker(fiveSteps);
    const gen = new WorkerGenerator({
      modelUrl: 'http://x/models/scenes/',
      ep: 'wasm',
      createWorker: () => worker as unknown as Worker,
      liveIntervalMs: 100,
    });
    const seen: number[] = [];
    let tasksWithSteps = 0;
    let lastTaskStamp = -1;
    let task = 0;
    const rec = await gen.generate(
      { prompt: 'a red circle', seed: 1, steps: 5, guidance: 4 },
      {
        onStep: (s) => {
          seen.push(s.step);
          queueMicrotask(() => task++); // a later delivery in the same task sees the same value
          if (task !== lastTaskStamp) tasksWithSteps++;
          lastTaskStamp = task;
        },
      },
    );
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(rec.steps).toHaveLength(5);
    expect(tasksWithSteps).toBe(2);
    await gen.dispose();
  });

  it('turns a WebGPU failure into an ExecutionError notice and retries on WASM', async () => {
    const fallback = vi.fn();
    const { gen, worker } = generator(happyScript, 'auto', fallback);
    const rec = await gen.generate({ prompt: 'a red circle', seed: 1, steps: 1, guidance: 4 });
    expect(rec.complete).toBe(true);
    expect(fallback).toHaveBeenCalledOnce();
    expect(fallback.mock.calls[0]![0]).toBeInstanceOf(ExecutionError);
    expect((fallback.mock.calls[0]![0] as Error).message).toContain('device lost');
    const loads = worker.posted.filter((m) => m.type === 'load');
    expect(loads.map((m) => m.type === 'load' && m.ep)).toEqual(['auto', 'wasm']);
    expect(gen.info?.ep.name).toBe('wasm');
  });

  it('rebuilds named load errors with their fields', async () => {
    const { gen } = generator((msg, reply) => {
      if (msg.type === 'load') {
        reply({
          type: 'error',
          id: msg.id,
          gpuLost: false,
          error: {
            name: 'ManifestError',
            message: 'Could not load m.json: field "unet" is missing',
            file: 'm.json',
            reason: 'field "unet" is missing',
            field: 'unet',
          },
        });
      }
    });
    const err = await gen.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ file: 'm.json', field: 'unet', name: 'ManifestError' });
    expect((err as Error).message).toBe('Could not load m.json: field "unet" is missing');
  });

  it('rejects with GenerationCancelledError carrying the partial record', async () => {
    const { gen } = generator((msg, reply) => {
      if (msg.type === 'load') reply({ type: 'loaded', id: msg.id, info: info('wasm') });
      if (msg.type === 'generate') {
        reply({ type: 'begin', id: msg.id, header: header(), tokenized });
        reply({ type: 'step', id: msg.id, step, progress: { done: 1, total: 5, msPerStep: 1 } });
      }
      if (msg.type === 'cancel')
        reply({ type: 'cancelled', id: msg.id, timings: { encodeMs: 1, totalMs: 3 } });
    });
    const running = gen.generate(
      { prompt: 'a red circle', seed: 1, steps: 5, guidance: 4 },
      { onStep: () => gen.cancel() },
    );
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationCancelledError);
    const partial = (err as GenerationCancelledError).partial!;
    expect(partial.complete).toBe(false);
    expect(partial.steps).toHaveLength(1);
  });
});

describe('WorkerGenerator supervision (fake workers)', () => {
  const settings = { prompt: 'a red circle', seed: 1, steps: 1, guidance: 4 };

  /** The first worker hangs on generate (a killed or stuck worker: no reply, no pong). */
  function hangingThenHappy() {
    const workers: FakeWorker[] = [];
    const gen = new WorkerGenerator({
      modelUrl: 'http://x/models/scenes/',
      ep: 'wasm',
      stallMs: 1500,
      createWorker: () => {
        const first = workers.length === 0;
        const w = new FakeWorker((msg, reply, state) => {
          if (first && (msg.type === 'generate' || msg.type === 'ping')) return;
          happyScript(msg, reply, state);
        });
        workers.push(w);
        return w as unknown as Worker;
      },
    });
    return { gen, workers };
  }

  it('restarts a silent worker, fails the run with the reason, then works again', async () => {
    const { gen, workers } = hangingThenHappy();
    const err = await gen.generate(settings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect((err as Error).message).toMatch(/stopped responding .* restarted/);
    expect(workers).toHaveLength(2);
    expect(gen.restarts).toBe(1);
    const rec = await gen.generate(settings);
    expect(rec.complete).toBe(true);
    // The model was loaded again on the new worker.
    expect(workers[1]!.posted.map((m) => m.type)).toContain('load');
    await gen.dispose();
  }, 20_000);

  it('restarts at once when the worker crashes (onerror)', async () => {
    const workers: FakeWorker[] = [];
    const gen = new WorkerGenerator({
      modelUrl: 'http://x/models/scenes/',
      ep: 'wasm',
      createWorker: () => {
        const w = new FakeWorker((msg, reply, state) => {
          if (workers.length === 1 && msg.type === 'generate') {
            setTimeout(
              () => w.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent),
              0,
            );
            return;
          }
          happyScript(msg, reply, state);
        });
        workers.push(w);
        return w as unknown as Worker;
      },
    });
    const t0 = Date.now();
    const err = await gen.generate(settings).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((err as Error).message).toMatch(/crashed \(out of memory\) and was restarted/);
    expect((await gen.generate(settings)).complete).toBe(true);
    await gen.dispose();
  });
});
