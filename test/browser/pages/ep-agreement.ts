/**
 * Page side of test/browser/ep-agreement.test.ts: runs one guided step (text encoder + one UNet call
 * at batch 2) on a requested provider with the real engine, served by the Vite dev server.
 */
import type { GenerationSettings } from '../../../src/core/record.ts';
import { Engine } from '../../../src/model/engine.ts';
import { chooseExecutionProvider } from '../../../src/model/execution-providers.ts';
import { loadModel, releaseModel } from '../../../src/model/load.ts';
import { importWebOrt } from '../../../src/model/ort.ts';
import { urlSource } from '../../../src/model/package-source.ts';
import { gaussianNoise } from '../../../src/model/prng.ts';

async function step(request: 'wasm' | 'webgpu', settings: GenerationSettings) {
  const choice = await chooseExecutionProvider(request);
  const ort = await importWebOrt(choice);
  // The fp32 UNet on both: this compares providers on one graph (the int8 WASM file is checked
  // against fp32 in test/unit/model/int8.test.ts).
  const model = await loadModel(
    urlSource(new URL('/models/scenes/', location.href).href),
    ort,
    choice,
    'fp32',
  );
  try {
    const record = await new Engine(model).generate(settings);
    const s = record.steps[0]!;
    return {
      ep: choice,
      x0: Array.from(s.x0),
      attention: s.attention.map((a) => Array.from(a)),
      ms: s.ms,
    };
  } finally {
    await releaseModel(model);
  }
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
