/**
 * The Compare key in exports, as the view shows it (components' `Compare key`): a swatch and the
 * word for each of the two pinned words, what their blend means, and the overlap of their maps as
 * τ-masks (attention/masks.ts pairOverlap, the one implementation; render/compare-colours.ts
 * compareKey, the one wording). Posters draw it in their legend; frames (PNG, GIF, WebM, MP4) get
 * it as a strip below the image, drawn from a small SVG with the same rasterisers as the posters
 * (the browser in the app, resvg in the CLI), so the key has real text and exact swatch colours.
 */
import { pairOverlap } from '../attention/masks.ts';
import { COMPARE_COLORS, type MapInput, type OverlayParams } from '../core/overlay-types.ts';
import { compareKey, type CompareKey, type Rgb } from '../render/compare-colours.ts';
import { figureSvg, textWidth, wrapText, type Figure } from './figure.ts';

/** SVG text → RGBA pixels (width × height, top row first). */
export type SvgPixels = (svg: string, width: number, height: number) => Promise<Uint8ClampedArray>;

/** The key of two maps drawn in Compare with `params` (their colours, τ and normalisation). */
export function exportCompareKey(
  params: OverlayParams,
  words: readonly [string, string],
  a: MapInput | null,
  b: MapInput | null,
): CompareKey {
  const [ca, cb] = params.compareColors ?? COMPARE_COLORS;
  return compareKey({ a: { rgb: ca }, b: { rgb: cb } }, words, exportOverlap(params, a, b));
}

/** The IoU of two maps' τ-masks as Compare draws them with `params` (null: no mask to compare). */
export function exportOverlap(
  params: OverlayParams,
  a: MapInput | null,
  b: MapInput | null,
): { iou: number | null; tau: number } {
  // No map (nothing captured there): no mask either, so nothing reaches τ.
  return a && b ? pairOverlap(a, b, params.tau, params.normalize) : { iou: null, tau: params.tau };
}

/** `#rrggbb` of an RGB in [0, 1], rounded as the view's cssRgb (SVG 1.1 readers all take hex). */
export function hexRgb(rgb: Rgb): string {
  return `#${rgb
    .map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255))
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}

/** Draws the key into `fig` at (x, y) within `width`, text at `fs` px; returns the y below it. */
export function addCompareKey(
  fig: Figure,
  key: CompareKey,
  x: number,
  y: number,
  width: number,
  fs: number,
  extra: string[] = [],
): number {
  const lineH = Math.round(fs * 1.4);
  const sw = Math.round(fs * 1.05);
  const gap = Math.round(fs * 0.45);
  let cx = x;
  let top = y;
  for (const entry of key.entries) {
    const w = sw + gap + textWidth(entry.label, fs);
    if (cx > x && cx + w > x + width) {
      cx = x;
      top += lineH;
    }
    const swY = top + Math.round((lineH - sw) / 2);
    (fig.rects ??= []).push({ x: cx, y: swY, width: sw, height: sw, fill: hexRgb(entry.rgb) });
    fig.texts.push({
      x: cx + sw + gap,
      y: swY + sw - Math.round(fs * 0.15),
      text: entry.label,
      size: fs,
    });
    cx += w + 2 * gap;
  }
  top += lineH;
  for (const text of [key.blend, key.overlap, ...extra]) {
    for (const line of wrapText(text, fs, width)) {
      fig.texts.push({ x, y: top + fs, text: line, size: fs, fill: '#222222' });
      top += lineH;
    }
  }
  return top;
}

/** The key strip under a frame of side `size`: its height (even, for video) and text size. */
export function keyStripLayout(
  size: number,
  words: readonly [string, string],
): { height: number; fs: number; margin: number } {
  const fs = Math.max(10, Math.round(size / 26));
  const margin = Math.round(fs * 0.6);
  // Lay out the two wordings the overlap line can have and keep the taller, so every frame of an
  // animation has the same height whatever its step's overlap.
  const probe = (iou: number | null): number => {
    const fig = emptyFigure(size);
    const key = compareKey({ a: { rgb: [0, 0, 0] }, b: { rgb: [0, 0, 0] } }, words, {
      iou,
      tau: 0.5,
    });
    return addCompareKey(fig, key, margin, margin, size - 2 * margin, fs);
  };
  const bottom = Math.max(probe(0.5), probe(null)) + margin;
  return { height: bottom + (bottom % 2), fs, margin };
}

function emptyFigure(width: number): Figure {
  return {
    width,
    height: 0,
    title: '',
    description: '',
    texts: [],
    images: [],
    bars: [],
    lines: [],
  };
}

/** The key strip as an SVG, `size` wide, laid out by keyStripLayout. */
export function keyStripSvg(
  key: CompareKey,
  size: number,
  layout: { height: number; fs: number; margin: number },
): string {
  const fig = emptyFigure(size);
  fig.height = layout.height;
  fig.title = 'Compare key';
  fig.description = `${key.entries.map((e) => `${e.label} ${hexRgb(e.rgb)}`).join(', ')}. ${key.blend}. ${key.overlap}`;
  addCompareKey(fig, key, layout.margin, layout.margin, size - 2 * layout.margin, layout.fs);
  return figureSvg(fig);
}

/**
 * A frame of side `size` with the key strip below it: size × (size + strip height) RGBA. Strips
 * are cached by their text (an animation's steps share most of them).
 */
export function keyStripper(
  size: number,
  words: readonly [string, string],
  pixels: SvgPixels,
): {
  height: number;
  addKey(frame: Uint8ClampedArray, key: CompareKey): Promise<Uint8ClampedArray>;
} {
  const layout = keyStripLayout(size, words);
  const { height } = layout;
  const strips = new Map<string, Uint8ClampedArray>();
  const out = new Uint8ClampedArray(size * (size + height) * 4);
  return {
    height: size + height,
    async addKey(frame, key) {
      const id = `${key.entries.map((e) => `${e.label}${hexRgb(e.rgb)}`).join('|')}|${key.overlap}`;
      let strip = strips.get(id);
      if (!strip) {
        strip = await pixels(keyStripSvg(key, size, layout), size, height);
        strips.set(id, strip);
      }
      out.set(frame.subarray(0, size * size * 4), 0);
      out.set(strip.subarray(0, size * height * 4), size * size * 4);
      return out;
    },
  };
}

/** The app's rasteriser (browser only, loaded on demand), unless the caller brings one (the CLI). */
export async function defaultSvgPixels(): Promise<SvgPixels> {
  return (await import('./svg-raster.ts')).svgPixelsInBrowser;
}
