/**
 * In real headless Chromium: the execution-provider resolver picks WASM over the (fallback)
 * SwiftShader WebGPU adapter and says why; forced WebGPU (onnxruntime-web/webgpu) and WASM
 * (onnxruntime-web) agree on one guided UNet step within 1e-3 on the predicted image and every
 * attention map; the browser's WASM step matches Node's, and the noise is bit-identical.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/model/engine.ts';
import { gaussianNoise } from '../../src/model/prng.ts';
import { sharedModel } from '../unit/model/model-helpers.ts';
import type { EpAgreementResult } from './pages/ep-agreement.ts';
import { useBrowserSession } from './harness.ts';

const SETTINGS = {
  prompt: 'a big red circle on the left and a small blue square on the right',
  seed: 11,
  steps: 1,
  guidance: 4,
};

type PageResult = EpAgreementResult;
interface PageApi {
  epAgreement(settings: typeof SETTINGS): Promise<PageResult>;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('execution providers in Chromium', () => {
  const session = useBrowserSession();
  let result: PageResult;

  beforeAll(async () => {
    await session.browser.page.goto(`${session.server.url}test/browser/pages/ep-agreement.html`);
    await session.browser.page.waitForFunction(() => 'epAgreement' in window);
    result = await session.browser.page.evaluate(
      (settings) => (window as unknown as PageApi).epAgreement(settings),
      SETTINGS,
    );
  }, 300_000);

  it('chooses WASM automatically because the headless WebGPU adapter is a fallback, and says so', () => {
    expect(result.auto.name).toBe('wasm');
    expect(result.auto.reason).toMatch(/fallback|no adapter|no WebGPU/i);
    console.log(`auto EP: ${result.auto.name} — ${result.auto.reason}`);
  });

  it('runs WASM with 2 threads under cross-origin isolation and WebGPU when forced', () => {
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.wasm.ep).toMatchObject({ name: 'wasm', threads: 2 });
    expect(result.webgpu.ep.name).toBe('webgpu');
    expect(result.webgpu.ep.reason).toContain('forced');
    console.log(
      `one guided step (batch 2): wasm ${result.wasm.ms.toFixed(0)} ms, webgpu (fallback adapter) ${result.webgpu.ms.toFixed(0)} ms`,
    );
  });

  it('WebGPU and WASM agree on one UNet step within 1e-3 (x̂0 and every attention map)', async () => {
    const dx = maxAbsDiff(result.webgpu.x0, result.wasm.x0);
    const da = result.wasm.attention.map((a, l) => maxAbsDiff(result.webgpu.attention[l]!, a));
    console.log(
      `webgpu vs wasm max abs diff: x0 ${dx.toExponential(2)}, attention ${da.map((d) => d.toExponential(2)).join(', ')}`,
    );
    expect(dx).toBeLessThanOrEqual(1e-3);
    expect(result.wasm.attention).toHaveLength((await sharedModel()).manifest.attention.length);
    for (const d of da) expect(d).toBeLessThanOrEqual(1e-3);
  });

  it('draws bit-identical noise in the browser and in Node', () => {
    expect(result.noise).toEqual(Array.from(gaussianNoise(SETTINGS.seed, 64)));
  });

  it('matches the same step computed in Node (onnxruntime-web WASM)', async () => {
    const node = await new Engine(await sharedModel()).generate(SETTINGS);
    const d = maxAbsDiff(node.steps[0]!.x0, result.wasm.x0);
    console.log(`browser wasm vs node wasm x0 max abs diff ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('made no request outside the dev server and threw no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
