/**
 * In real headless Chromium: the execution-provider resolver picks WASM over the (fallback)
 * SwiftShader WebGPU adapter and says why; forced WebGPU (onnxruntime-web/webgpu, the UNet with
 * graph capture and its inputs and outputs in GPU buffers) and WASM (onnxruntime-web) agree on
 * every step of a 5-step guided generation within 1e-3 on the predicted image and every attention
 * map, and onnxruntime's own log shows the WebGPU steps replayed a captured graph; the browser's
 * WASM steps match Node's, and the noise is bit-identical.
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
  // ORT runs the first call plainly, captures the second and replays from then on: 5 steps
  // compare replayed calls (fed new latents through the same bound buffers) with WASM.
  steps: 5,
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
    const ms = (r: PageResult['wasm']) => r.steps.map((s) => s.ms.toFixed(0)).join(', ');
    console.log(
      `guided steps (batch 2), ms: wasm ${ms(result.wasm)}; webgpu (fallback adapter) ${ms(result.webgpu)}`,
    );
  });

  it('runs the WebGPU UNet with graph capture: ORT records once and replays every step', () => {
    console.log(
      `webgpu: ${result.webgpu.graphCapture}; ORT log: ${result.webgpu.ortLog.lines} lines, ` +
        `${result.webgpu.ortLog.captureBegin} capture, ${result.webgpu.ortLog.replays} replays ` +
        `in ${result.webgpu.gpuRuns} UNet runs`,
    );
    expect(result.webgpu.graphCapture).toMatch(/^UNet with graph capture/);
    expect(result.webgpu.ep.reason).toContain('graph capture');
    expect(result.webgpu.gpuRuns).toBe(SETTINGS.steps);
    expect(result.webgpu.ortLog.errors).toEqual([]);
    // ORT records the first run's GPU commands and replays them at its end; every later run
    // replays without recording again.
    expect(result.webgpu.ortLog.captureBegin).toBe(1);
    expect(result.webgpu.ortLog.replays).toBe(SETTINGS.steps);
    // WASM has no GPU path.
    expect(result.wasm.graphCapture).toBeNull();
    expect(result.wasm.gpuRuns).toBe(0);
  });

  it('WebGPU and WASM agree on every step within 1e-3 (x̂0 and every attention map)', async () => {
    const layers = (await sharedModel()).manifest.attention.length;
    expect(result.webgpu.steps).toHaveLength(SETTINGS.steps);
    result.wasm.steps.forEach((w, i) => {
      const g = result.webgpu.steps[i]!;
      const dx = maxAbsDiff(g.x0, w.x0);
      const da = w.attention.map((a, l) => maxAbsDiff(g.attention[l]!, a));
      console.log(
        `step ${i + 1}: webgpu vs wasm max abs diff x0 ${dx.toExponential(2)}, attention ${da.map((d) => d.toExponential(2)).join(', ')}`,
      );
      expect(dx, `step ${i + 1} x0`).toBeLessThanOrEqual(1e-3);
      expect(w.attention).toHaveLength(layers);
      for (const d of da) expect(d, `step ${i + 1} attention`).toBeLessThanOrEqual(1e-3);
    });
  });

  it('draws bit-identical noise in the browser and in Node', () => {
    expect(result.noise).toEqual(Array.from(gaussianNoise(SETTINGS.seed, 64)));
  });

  it('matches the same steps computed in Node (onnxruntime-web WASM)', async () => {
    const node = await new Engine(await sharedModel()).generate(SETTINGS);
    const d = Math.max(...node.steps.map((s, i) => maxAbsDiff(s.x0, result.wasm.steps[i]!.x0)));
    console.log(`browser wasm vs node wasm x0 max abs diff ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(1e-4);
  }, 120_000);

  it('made no request outside the dev server and threw no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
