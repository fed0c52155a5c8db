/**
 * The parts of the WebGPU graph-capture path that do not need a GPU (the path itself runs in
 * test/browser/ep-agreement.test.ts): graph capture needs EVERY input and output bound to a GPU
 * buffer of the right size, so the buffer list must be exactly the graph's; the session options
 * must ask ORT for capture the way it reads them; and a control feed may skip its upload only when
 * it equals the previous step's.
 */
import { describe, expect, it } from 'vitest';
import type { GenerationSettings } from '../../../src/core/record.ts';
import { Engine } from '../../../src/model/engine.ts';
import { unetTensorSpecs } from '../../../src/model/gpu-unet.ts';
import { sessionOptions } from '../../../src/model/ort.ts';
import { sharedModel } from './model-helpers.ts';

type Meta = { name: string; isTensor: boolean; shape?: readonly (number | string)[] };

describe('graph capture on WebGPU, without a GPU', () => {
  it("binds exactly the UNet graph's inputs and outputs, with the graph's shapes at batch 2", async () => {
    const model = await sharedModel();
    const { inputs, outputs } = unetTensorSpecs(model.manifest, 2);
    expect(inputs.map((s) => s.name).sort()).toEqual([...model.unet.inputNames].sort());
    expect(outputs.map((s) => s.name).sort()).toEqual([...model.unet.outputNames].sort());
    const meta = model.unet as unknown as { inputMetadata: Meta[]; outputMetadata: Meta[] };
    for (const spec of [...inputs, ...outputs]) {
      const m = [...meta.inputMetadata, ...meta.outputMetadata].find((x) => x.name === spec.name);
      // The batch is the graph's free dimension "batch"; every other dimension is fixed.
      const graph = (m?.shape ?? []).map((d) => (d === 'batch' ? 2 : d));
      expect(spec.dims, spec.name).toEqual(graph);
    }
  });

  it('asks ORT for capture on WebGPU only, with the EP as an object and the batch fixed', () => {
    const webgpu = sessionOptions({ name: 'webgpu', reason: 'test' }, { batch: 1 });
    expect(webgpu).toMatchObject({
      executionProviders: [{ name: 'webgpu' }],
      enableGraphCapture: true,
      preferredOutputLocation: 'gpu-buffer',
      freeDimensionOverrides: { batch: 1 },
    });
    const wasm = sessionOptions({ name: 'wasm', reason: 'test', threads: 2 }, { batch: 2 });
    expect(wasm.enableGraphCapture).toBeUndefined();
    expect(wasm.executionProviders).toEqual(['wasm']);
  });

  it('an edit: control feeds that skip their upload equal the step before', async () => {
    const model = await sharedModel();
    const engine = new Engine(model);
    const base: GenerationSettings = {
      prompt: 'a big red triangle on the left and a small blue circle on the right',
      seed: 3,
      steps: 6,
      guidance: 4,
    };
    const source = await engine.generate(base);
    const settings = {
      ...base,
      prompt: 'a big red square on the left and a small blue circle on the right',
      edit: { source: { prompt: base.prompt, seed: base.seed }, inject: 0.5 },
    };
    const { feeds } = engine.prepareControl(settings, engine.prepare(settings), source);
    if (!feeds) throw new Error('the shipped package has control inputs');
    let previous: Record<string, number[]> | null = null;
    const skipped: number[] = [];
    for (let i = 0; i < settings.steps; i++) {
      const now = Object.fromEntries(
        Object.entries(feeds.feeds(i)).map(([k, t]) => [k, Array.from(t.data as Float32Array)]),
      );
      if (!feeds.changedAt(i)) {
        skipped.push(i);
        expect(now, `step ${i}`).toEqual(previous);
      }
      previous = now;
    }
    // Three injected steps (0.5 of 6), the first step after them uploads zeros: 4 and 5 skip.
    expect(skipped).toEqual([4, 5]);
  }, 120_000);
});
