/**
 * Small multiples, drawn cheaply: a native-resolution map (e.g. 16×16) colormapped on the CPU into
 * a reused ImageData and put on a tiny 2D canvas; CSS scales it up (pixelated). No WebGL context
 * per tile, and a repaint allocates nothing once the ImageData exists.
 */
import { colormapLut } from './colormaps.ts';
import type { ColormapName, MapInput, MapNormalization } from '../core/overlay-types.ts';

const imageDataCache = new WeakMap<HTMLCanvasElement, ImageData>();

interface PendingPaint {
  map: MapInput;
  colormap: ColormapName;
  normalize: MapNormalization;
}
const pending = new Map<HTMLCanvasElement, PendingPaint>();
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  for (const [canvas, p] of pending) paintMap(canvas, p.map, p.colormap, p.normalize);
  pending.clear();
}

/**
 * Paints on the next animation frame, all queued tiles in one go, the latest request per canvas
 * winning. Keeps a grid of small multiples off the hover → overlay path: the big view draws first,
 * the tiles follow before the same frame is shown.
 */
export function schedulePaint(
  canvas: HTMLCanvasElement,
  map: MapInput,
  colormap: ColormapName,
  normalize: MapNormalization,
): void {
  const entry = pending.get(canvas);
  if (entry) {
    entry.map = map;
    entry.colormap = colormap;
    entry.normalize = normalize;
  } else {
    pending.set(canvas, { map, colormap, normalize });
  }
  if (!flushQueued) {
    flushQueued = true;
    requestAnimationFrame(flush);
  }
}

export function paintMap(
  canvas: HTMLCanvasElement,
  map: MapInput,
  colormap: ColormapName,
  normalize: MapNormalization,
): void {
  if (canvas.width !== map.width || canvas.height !== map.height) {
    canvas.width = map.width;
    canvas.height = map.height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  let img = imageDataCache.get(canvas);
  if (!img || img.width !== map.width || img.height !== map.height) {
    img = ctx.createImageData(map.width, map.height);
    imageDataCache.set(canvas, img);
  }
  const lut = colormapLut(colormap);
  const span = map.max - map.min;
  const px = img.data;
  for (let i = 0; i < map.width * map.height; i++) {
    const raw = map.data[i] ?? 0;
    const v = normalize === 'absolute' ? raw : span > 0 ? (raw - map.min) / span : 0;
    const k = Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5) * 3;
    px[i * 4] = lut[k] ?? 0;
    px[i * 4 + 1] = lut[k + 1] ?? 0;
    px[i * 4 + 2] = lut[k + 2] ?? 0;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** A CSS linear-gradient of a colormap (legends), sampled at 16 stops. */
export function colormapGradient(colormap: ColormapName): string {
  const lut = colormapLut(colormap);
  const stops: string[] = [];
  for (let s = 0; s <= 15; s++) {
    const k = Math.round((s / 15) * 255) * 3;
    stops.push(`rgb(${lut[k]} ${lut[k + 1]} ${lut[k + 2]}) ${((s / 15) * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
