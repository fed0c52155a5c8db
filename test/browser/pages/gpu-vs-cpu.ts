/**
 * Test page for test/browser/gpu-vs-cpu.test.ts: renders the same image and maps with the three.js
 * overlay renderer (shaders/*.glsl) and with the CPU reference (src/render/cpu-renderer.ts), and
 * reports how far apart the pixels are. Also keeps the last pair as PNG data URLs for a human.
 */
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { renderOverlay } from '../../../src/render/cpu-renderer.ts';
import { createGpuFrameRenderer } from './gpu-frame-renderer.ts';
import { OverlayRenderer } from '../../../src/render/overlay-renderer.ts';
import type { ImageInput, MapInput, OverlayParams } from '../../../src/core/overlay-types.ts';

export interface CompareCase {
  width: number;
  height: number;
  mapSize: [number, number];
  params: OverlayParams;
  twoMaps: boolean;
  seed: number;
}

export interface CompareResult {
  maxDiff: number;
  /** Channel values more than 3/255 apart, as a fraction of all channel values. */
  outlierFraction: number;
  meanDiff: number;
  /** Distinct colours in the GPU output: guards against comparing two blank frames. */
  distinct: number;
  gpuPng: string;
  cpuPng: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A smooth blob plus noise, like an attention map; values ~0.01..0.3, one channel. */
function fakeMap(w: number, h: number, random: () => number): MapInput {
  const data = new Float32Array(w * h);
  const cx = random() * w;
  const cy = random() * h;
  let min = Infinity;
  let max = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / (w * h * 0.05);
      const v = 0.01 + 0.25 * Math.exp(-d2) + 0.04 * random();
      data[y * w + x] = v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return { data, width: w, height: h, min, max };
}

/** 32×32 RGB in [-1.2, 1.2] (a little outside the model range, to exercise the clamp). */
function fakeImage(random: () => number): ImageInput {
  const data = new Float32Array(3 * 32 * 32);
  for (let i = 0; i < data.length; i++) data[i] = random() * 2.4 - 1.2;
  return { data, channels: 3, height: 32, width: 32, range: [-1, 1] };
}

function toPng(rgba: Uint8Array | Uint8ClampedArray, w: number, h: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

const canvas = document.createElement('canvas');
document.body.append(canvas);
const renderer = new OverlayRenderer(canvas);

function compare(c: CompareCase): CompareResult {
  const random = rng(c.seed);
  const image = fakeImage(random);
  const a = fakeMap(c.mapSize[1], c.mapSize[0], random);
  const b = c.twoMaps ? fakeMap(c.mapSize[1], c.mapSize[0], random) : null;
  renderer.setSize(c.width, c.height);
  renderer.setImage(image);
  renderer.setMaps(a, b);
  renderer.setParams(c.params);
  const gpu = renderer.readPixels();
  const cpu = renderOverlay({
    width: c.width,
    height: c.height,
    image,
    mapA: a,
    mapB: b,
    params: c.params,
  });
  let maxDiff = 0;
  let outliers = 0;
  let sum = 0;
  const colours = new Set<number>();
  for (let i = 0; i < gpu.length; i += 4) {
    colours.add(((gpu[i] ?? 0) << 16) | ((gpu[i + 1] ?? 0) << 8) | (gpu[i + 2] ?? 0));
    for (let k = 0; k < 3; k++) {
      const d = Math.abs((gpu[i + k] ?? 0) - (cpu[i + k] ?? 0));
      maxDiff = Math.max(maxDiff, d);
      sum += d;
      if (d > 3) outliers++;
    }
  }
  const n = (gpu.length / 4) * 3;
  return {
    maxDiff,
    outlierFraction: outliers / n,
    meanDiff: sum / n,
    distinct: colours.size,
    gpuPng: toPng(gpu, c.width, c.height),
    cpuPng: toPng(cpu, c.width, c.height),
  };
}

/** The export FrameRenderers, GPU vs CPU, same spec with a burned-in label: max channel diff. */
async function compareFrameRenderers(
  seed: number,
): Promise<{ maxDiff: number; labelled: boolean }> {
  const random = rng(seed);
  const spec = {
    size: 128,
    image: fakeImage(random),
    mapA: fakeMap(16, 16, random),
    params: { ...DEFAULT_PARAMS, mode: 'heatmap' as const },
    label: 'red  step 3/25',
  };
  const gpu = createGpuFrameRenderer();
  const a = (await gpu.render(spec)).slice();
  gpu.dispose?.();
  const b = await createCpuFrameRenderer().render(spec);
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++)
    maxDiff = Math.max(maxDiff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  const unlabelled = renderOverlay({ ...spec, width: 128, height: 128, mapB: null, label: null });
  let labelled = false;
  for (let i = 0; i < a.length; i++)
    if (Math.abs((a[i] ?? 0) - (unlabelled[i] ?? 0)) > 40) labelled = true;
  return { maxDiff, labelled };
}

const DEFAULT_PARAMS: OverlayParams = {
  mode: 'heatmap',
  normalize: 'minmax',
  colormap: 'viridis',
  opacity: 0.6,
  tau: 0.4,
  smooth: true,
};

declare global {
  interface Window {
    __compareOverlay?: (c: CompareCase) => CompareResult;
    __compareFrameRenderers?: (seed: number) => Promise<{ maxDiff: number; labelled: boolean }>;
  }
}
window.__compareOverlay = compare;
window.__compareFrameRenderers = compareFrameRenderers;
