/**
 * Page side of test/browser/worker-generator.test.ts: drives WorkerGenerator (the engine in a Web
 * Worker) the way the UI does and reports what it saw.
 */
import { wordMaps } from '../../../src/attention/word-maps.ts';
import { GenerationCancelledError, ModelLoadError } from '../../../src/core/errors.ts';
import { WorkerGenerator } from '../../../src/model/worker-generator.ts';

const settings = {
  prompt: 'a red circle on the left and a blue square on the right',
  seed: 2,
  steps: 3,
  guidance: 4,
};

async function workerTest() {
  const gen = new WorkerGenerator({ modelUrl: '/models/scenes/', ep: 'wasm' });
  const info = await gen.load();

  const events: string[] = [];
  const record = await gen.generate(settings, {
    onBegin: (h) => events.push(`begin:${h.words.length}`),
    onStep: (s, p) =>
      events.push(
        `step:${s.step}:${p.done}/${p.total}:${s.attention.length}:${s.attention[0]?.length}`,
      ),
  });

  // Cancel from onStep, as the UI's Stop button would between steps.
  const cancelled = await gen
    .generate({ ...settings, steps: 20 }, { onStep: (s) => s.step === 1 && gen.cancel() })
    .catch((e: unknown) => e);

  // A new generation cancels the running one.
  let firstStep!: () => void;
  const stepped = new Promise<void>((r) => (firstStep = r));
  const first = gen
    .generate({ ...settings, steps: 20 }, { onStep: () => firstStep() })
    .catch((e: unknown) => e);
  await stepped;
  const second = await gen.generate({ ...settings, steps: 2 });
  const firstResult = await first;

  // Word maps from the worker's record, in the page (the word-map engine).
  const t0 = performance.now();
  const maps = wordMaps(record, {
    tokenPositions: [2],
    steps: { kind: 'one', step: 1 },
    normalize: 'minmax',
  });
  const aggregateMs = performance.now() - t0;

  await gen.dispose();

  const missing = new WorkerGenerator({ modelUrl: '/models/does-not-exist/' });
  const loadError = await missing.load().catch((e: unknown) => e);
  await missing.dispose();

  return {
    ep: info.ep,
    events,
    complete: record.complete,
    steps: record.steps.length,
    finalLength: record.final?.length ?? 0,
    attentionIsFloat32: record.steps.every((s) =>
      s.attention.every((a) => a instanceof Float32Array && a.length > 0),
    ),
    cancelled: {
      isCancelled: cancelled instanceof GenerationCancelledError,
      complete: (cancelled as GenerationCancelledError).partial?.complete ?? null,
      steps: (cancelled as GenerationCancelledError).partial?.steps.length ?? -1,
    },
    replaced: {
      firstCancelled: firstResult instanceof GenerationCancelledError,
      secondComplete: second.complete,
    },
    aggregate: {
      resolution: maps.resolution,
      length: maps.maps[0]?.data.length ?? 0,
      ms: aggregateMs,
    },
    loadError: {
      isModelLoadError: loadError instanceof ModelLoadError,
      file: (loadError as ModelLoadError).file,
      message: (loadError as Error).message,
    },
  };
}

export type WorkerTestResult = Awaited<ReturnType<typeof workerTest>>;

(window as unknown as { workerTest: typeof workerTest }).workerTest = workerTest;
