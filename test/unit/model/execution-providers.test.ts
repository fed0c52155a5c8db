import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import {
  EXECUTION_PROVIDERS,
  parseEpParam,
  probeWebGpu,
  resolveExecutionProvider,
  type EpEnvironment,
} from '../../../src/model/execution-providers.ts';
import { unetFileFor } from '../../../src/model/load.ts';
import { validManifest } from './fixtures.ts';

const browser = (webgpu: EpEnvironment['webgpu'], isolated = true): EpEnvironment => ({
  runtime: 'browser',
  webgpu,
  crossOriginIsolated: isolated,
  hardwareConcurrency: 8,
});
const realGpu = { kind: 'ok', description: 'nvidia ampere' } as const;
const fallbackGpu = { kind: 'fallback', description: 'google swiftshader' } as const;

describe('execution-provider table', () => {
  it('lists WebGPU before WASM, and onnxruntime-node only in Node and never automatically', () => {
    expect(EXECUTION_PROVIDERS.map((e) => e.name)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(EXECUTION_PROVIDERS.find((e) => e.name === 'cpu')).toMatchObject({
      auto: false,
      runtimes: ['node'],
    });
    expect(EXECUTION_PROVIDERS.find((e) => e.name === 'webgpu')?.module).toBe(
      'onnxruntime-web/webgpu',
    );
  });

  it('runs the lean WASM build and the int8 UNet on WASM; WebGPU and native keep fp32', () => {
    const byName = Object.fromEntries(EXECUTION_PROVIDERS.map((e) => [e.name, e]));
    expect(byName.wasm).toMatchObject({ module: 'onnxruntime-web/wasm', unet: 'int8' });
    expect(byName.webgpu?.unet).toBe('fp32');
    expect(byName.cpu?.unet).toBe('fp32');
    const m = { ...validManifest(), unetInt8: 'unet.int8.onnx' };
    const wasm = { name: 'wasm' as const, reason: 'test' };
    expect(unetFileFor(m, wasm)).toBe('unet.int8.onnx');
    expect(unetFileFor(m, wasm, 'fp32')).toBe(m.unet);
    expect(unetFileFor(m, { name: 'webgpu', reason: 'test' })).toBe(m.unet);
    expect(unetFileFor(validManifest(), wasm)).toBe(m.unet);
  });
});

describe('resolveExecutionProvider', () => {
  it('picks WebGPU for a real adapter', () => {
    expect(resolveExecutionProvider('auto', browser(realGpu))).toEqual({
      name: 'webgpu',
      reason: 'WebGPU adapter available (nvidia ampere)',
    });
  });

  it.each([
    [fallbackGpu, /fallback \(software\) adapter/],
    [{ kind: 'no-adapter' } as const, /no adapter/],
    [{ kind: 'unsupported' } as const, /no WebGPU/],
  ])('picks WASM when WebGPU is %o, and says why', (gpu, why) => {
    const c = resolveExecutionProvider('auto', browser(gpu));
    expect(c.name).toBe('wasm');
    expect(c.reason).toMatch(why);
    expect(c.threads).toBe(2);
  });

  it('uses one WASM thread without cross-origin isolation', () => {
    const c = resolveExecutionProvider('auto', browser(fallbackGpu, false));
    expect(c.threads).toBe(1);
    expect(c.reason).toContain('not cross-origin isolated');
  });

  it('caps threads at min(2, cores), and leaves one of two cores to the page', () => {
    const threads = (cores: number, runtime: EpEnvironment['runtime'] = 'browser') =>
      resolveExecutionProvider('wasm', { ...browser(realGpu), runtime, hardwareConcurrency: cores })
        .threads;
    expect([1, 2, 3, 4, 16].map((c) => threads(c))).toEqual([1, 1, 2, 2, 2]);
    expect(
      resolveExecutionProvider('wasm', { ...browser(realGpu), hardwareConcurrency: 2 }).reason,
    ).toContain('one is left to the page');
    // Node has no page to leave a core to.
    expect(threads(2, 'node')).toBe(2);
  });

  it('honours ?ep=webgpu even on a fallback adapter, and ?ep=wasm over a real GPU', () => {
    expect(resolveExecutionProvider('webgpu', browser(fallbackGpu))).toMatchObject({
      name: 'webgpu',
      reason: expect.stringContaining('forced'),
    });
    expect(resolveExecutionProvider('wasm', browser(realGpu))).toMatchObject({
      name: 'wasm',
      reason: expect.stringContaining('forced by ep=wasm'),
    });
  });

  it('falls back to WASM when WebGPU is forced but missing', () => {
    expect(resolveExecutionProvider('webgpu', browser({ kind: 'unsupported' }))).toMatchObject({
      name: 'wasm',
      reason: expect.stringContaining('using WASM'),
    });
  });

  it('refuses a provider the runtime does not have', () => {
    expect(() => resolveExecutionProvider('cpu', browser(realGpu))).toThrow(InvalidInputError);
    expect(() =>
      resolveExecutionProvider('webgpu', { ...browser(realGpu), runtime: 'node' }),
    ).toThrow(/not available in node/);
  });
});

describe('parseEpParam', () => {
  it('reads ep=wasm|webgpu and ignores anything else', () => {
    expect(parseEpParam('?ep=wasm')).toBe('wasm');
    expect(parseEpParam('?x=1&ep=webgpu')).toBe('webgpu');
    expect(parseEpParam('?ep=cuda')).toBe('auto');
    expect(parseEpParam('')).toBe('auto');
  });
});

describe('probeWebGpu', () => {
  const nav = (adapter: unknown) => ({ gpu: { requestAdapter: () => Promise.resolve(adapter) } });
  it('reads info.isFallbackAdapter and the older adapter.isFallbackAdapter', async () => {
    expect(
      await probeWebGpu(
        nav({ info: { isFallbackAdapter: true, vendor: 'google', architecture: 'swiftshader' } }),
      ),
    ).toEqual(fallbackGpu);
    expect((await probeWebGpu(nav({ isFallbackAdapter: true, info: {} }))).kind).toBe('fallback');
    expect(
      (await probeWebGpu(nav({ info: { vendor: 'nvidia', architecture: 'ampere' } }))).kind,
    ).toBe('ok');
  });
  it('handles no navigator.gpu, a null adapter and a throwing requestAdapter', async () => {
    expect(await probeWebGpu({})).toEqual({ kind: 'unsupported' });
    expect(await probeWebGpu(nav(null))).toEqual({ kind: 'no-adapter' });
    expect(
      await probeWebGpu({ gpu: { requestAdapter: () => Promise.reject(new Error('x')) } }),
    ).toEqual({ kind: 'no-adapter' });
  });
});
