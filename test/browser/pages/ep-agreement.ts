/**
 * Page side of test/browser/ep-agreement.test.ts: runs a few guided steps (text encoder + one UNet
 * call at batch 2 per step) on a requested provider with the real engine, served by the Vite dev
 * server. On WebGPU it also collects onnxruntime's own verbose log lines about graph capture and
 * replay (the log is swallowed here, not echoed: it is thousands of lines).
 */
import type { GenerationSettings } from '../../../src/core/record.ts';
import { Engine } from '../../../src/model/engine.ts';
import { chooseExecutionProvider } from '../../../src/model/execution-providers.ts';
import { loadModel, releaseModel } from '../../../src/model/load.ts';
import { importWebOrt } from '../../../src/model/ort.ts';
import { urlSource } from '../../../src/model/package-source.ts';
import { gaussianNoise } from '../../../src/model/prng.ts';

/** Everything the page prints while `fn` runs, kept and not printed: at ORT's verbose level that
 * is its log (thousands of lines, shader sources among them, one console call per line). Uncaught
 * errors still reach the test through the page's error event. */
async function withOrtLog<T>(fn: () => Promise<T>): Promise<{ value: T; log: string[] }> {
  const log: string[] = [];
  const original = { log: console.log, error: console.error, warn: console.warn };
  const keep = (...args: unknown[]) => void log.push(args.map(String).join(' '));
  Object.assign(console, { log: keep, error: keep, warn: keep });
  try {
    return { value: await fn(), log };
  } finally {
    Object.assign(console, original);
  }
}

async function step(request: 'wasm' | 'webgpu', settings: GenerationSettings) {
  // Two WASM threads asked for explicitly: the app leaves one of two cores to the page (1 thread on
  // this 2-core machine), and this test is also where multi-threaded WASM under COOP/COEP is checked.
  const choice = await chooseExecutionProvider(request, request === 'wasm' ? 2 : undefined);
  const ort = await importWebOrt(choice);
  // The fp32 UNet on both: this compares providers on one graph (the int8 WASM file is checked
  // against fp32 in test/unit/model/int8.test.ts). WebGPU: ORT's verbose log, for its graph
  // capture and replay lines (this page is the WebGPU module's first use, so the level holds).
  const verbose = request === 'webgpu' ? 'verbose' : 'error';
  const { value, log } = await withOrtLog(async () => {
    const model = await loadModel(
      urlSource(new URL('/models/scenes/', location.href).href),
      ort,
      choice,
      'fp32',
      verbose,
    );
    try {
      const record = await new Engine(model).generate(settings);
      return {
        ep: model.ep,
        graphCapture: model.graphCapture,
        gpuRuns: model.gpuUnet?.runs ?? 0,
        steps: record.steps.map((s) => ({
          x0: Array.from(s.x0),
          attention: s.attention.map((a) => Array.from(a)),
          ms: s.ms,
        })),
      };
    } finally {
      await releaseModel(model);
    }
  });
  const count = (what: RegExp) => log.filter((l) => what.test(l)).length;
  return {
    ...value,
    ortLog: {
      lines: log.length,
      errors: log.filter((l) => /\[E:onnxruntime:/.test(l)),
      captureBegin: count(/CaptureBegin with external storage/),
      replays: count(/Replay with external storage/),
    },
  };
}

async function epAgreement(settings: GenerationSettings) {
  const auto = await chooseExecutionProvider('auto');
  const wasm = await step('wasm', settings);
  const webgpu = await step('webgpu', settings);
  return {
    auto,
    crossOriginIsolated,
    noise: Array.from(gaussianNoise(settings.seed, 64)),
    wasm,
    webgpu,
  };
}

export type EpAgreementResult = Awaited<ReturnType<typeof epAgreement>>;

(window as unknown as { epAgreement: typeof epAgreement }).epAgreement = epAgreement;
