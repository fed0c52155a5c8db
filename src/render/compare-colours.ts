/**
 * The two colours of Compare mode, chosen against the colours in the image, and the key (legend)
 * that names them, for the view and for exports.
 *
 * Why chosen per image: Compare tints the image with one colour per word. The scenes' objects
 * are red, green, blue, yellow, purple and orange (v2 adds pink, cyan, brown, white and black),
 * so every fixed pair is some scene's own colour: orange and azure over a blue square and an
 * orange circle cannot be told from the objects. An image holds two or three of those colours,
 * so a pair far in hue from all of them always exists. White, black and grey (the background)
 * have no hue and clash with nothing.
 *
 * Why not outlines: a τ-mask outline drops the graded map (Compare shows how strongly each word
 * attends, not only where it passes τ) and needs neighbouring samples in the shader, several
 * times a frame's cost on the software rasterisers this app must run on.
 */
import type { ImageInput } from '../core/overlay-types.ts';

export type Rgb = readonly [number, number, number];

/** A candidate compare colour: bright, saturated, readable over the light background. */
export interface CompareColour {
  name: string;
  rgb: Rgb;
}

/**
 * Candidates in order of preference (ties keep the earlier). Orange and azure come first: the
 * app's long-standing pair, kept wherever the image allows it. Yellow is left out: it vanishes
 * over the near-white background.
 */
export const COMPARE_CANDIDATES: readonly CompareColour[] = [
  { name: 'orange', rgb: [1.0, 0.4, 0.05] },
  { name: 'azure', rgb: [0.05, 0.55, 1.0] },
  { name: 'magenta', rgb: [0.9, 0.1, 0.8] },
  { name: 'green', rgb: [0.2, 0.75, 0.1] },
  { name: 'violet', rgb: [0.5, 0.2, 1.0] },
  { name: 'teal', rgb: [0.0, 0.6, 0.6] },
];

/** The two colours of the composite, A for the first pinned word, B for the second. */
export interface ComparePair {
  a: CompareColour;
  b: CompareColour;
  /** Hues (degrees) the image holds, which the pair keeps away from. */
  sceneHues: number[];
  /** Smallest hue distance (degrees) of either colour to a scene hue; 180 for a hueless image. */
  clearance: number;
}

/** Hue in degrees [0, 360) of an RGB colour in [0, 1], with its saturation and value (HSV). */
export function hsv(r: number, g: number, b: number): { h: number; s: number; v: number } {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = 60 * (((g - b) / d + 6) % 6);
    else if (max === g) h = 60 * ((b - r) / d + 2);
    else h = 60 * ((r - g) / d + 4);
  }
  return { h, s: max > 0 ? d / max : 0, v: max };
}

/** Circular hue distance in degrees (0…180). */
export function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

const HUE_BINS = 36;
/** A pixel has a hue worth avoiding when it is this saturated and this bright. */
const MIN_SATURATION = 0.35;
const MIN_VALUE = 0.2;
/** A hue counts as present when this share of the pixels has it (a 32² image: 10 pixels). */
const MIN_SHARE = 0.01;

/** The hues the image holds (bin centres, 10° bins), from its coloured pixels. */
export function sceneHues(image: ImageInput): number[] {
  const { data, channels: C, width, height, range } = image;
  const n = width * height;
  const span = range[1] - range[0] || 1;
  const unit = (v: number | undefined): number =>
    Math.min(1, Math.max(0, ((v ?? 0) - range[0]) / span));
  const bins = new Uint32Array(HUE_BINS);
  for (let i = 0; i < n; i++) {
    const r = unit(data[i]);
    const g = unit(data[(C > 1 ? n : 0) + i]);
    const b = unit(data[(C > 2 ? 2 * n : 0) + i]);
    const { h, s, v } = hsv(r, g, b);
    if (s >= MIN_SATURATION && v >= MIN_VALUE) bins[Math.floor(h / (360 / HUE_BINS)) % HUE_BINS]!++;
  }
  const hues: number[] = [];
  bins.forEach((count, k) => {
    if (count >= Math.max(3, MIN_SHARE * n)) hues.push((k + 0.5) * (360 / HUE_BINS));
  });
  return hues;
}

/** The two colours must differ by at least this much hue to be told apart. */
const MIN_PAIR_DISTANCE = 90;

/**
 * The candidate pair farthest in hue from every hue in the image (the larger of the two colours'
 * smallest distances), its two colours at least 90° apart; ties go to the earlier candidates.
 * Without an image, or an image without hues, orange and azure.
 */
export function chooseComparePair(image: ImageInput | null): ComparePair {
  const hues = image ? sceneHues(image) : [];
  const clear = (c: CompareColour): number => {
    const { h } = hsv(...c.rgb);
    return hues.reduce((m, x) => Math.min(m, hueDistance(h, x)), 180);
  };
  let best: ComparePair | null = null;
  for (const [i, a] of COMPARE_CANDIDATES.entries()) {
    for (const b of COMPARE_CANDIDATES.slice(i + 1)) {
      if (hueDistance(hsv(...a.rgb).h, hsv(...b.rgb).h) < MIN_PAIR_DISTANCE) continue;
      const clearance = Math.min(clear(a), clear(b));
      if (!best || clearance > best.clearance) best = { a, b, sceneHues: hues, clearance };
    }
  }
  // The first two candidates always qualify (191° apart), so best is set.
  return best as ComparePair;
}

/** CSS colour of an RGB in [0, 1]. */
export function cssRgb(rgb: Rgb): string {
  const c = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);
  return `rgb(${c(rgb[0])} ${c(rgb[1])} ${c(rgb[2])})`;
}

/** One line of the key: a swatch and what it stands for. */
export interface KeyEntry {
  label: string;
  rgb: Rgb;
}

/**
 * The Compare key, the same in the view and in exports: a swatch per word, what the overlap
 * means, and the pair's IoU of τ-masks (attention/masks.ts pairOverlap).
 */
export interface CompareKey {
  entries: [KeyEntry, KeyEntry];
  /** "where both attend the colours add towards white" */
  blend: string;
  /** "overlap (IoU of τ-masks, τ = 0.40): 0.27", or why there is none. */
  overlap: string;
}

export function compareKey(
  pair: { readonly a: { readonly rgb: Rgb }; readonly b: { readonly rgb: Rgb } },
  words: readonly [string, string],
  overlap: { iou: number | null; tau: number },
): CompareKey {
  const tau = overlap.tau.toFixed(2);
  return {
    entries: [
      { label: `“${words[0]}”`, rgb: pair.a.rgb },
      { label: `“${words[1]}”`, rgb: pair.b.rgb },
    ],
    blend: 'where both attend, the colours add towards white',
    overlap:
      overlap.iou === null
        ? `overlap: neither map reaches τ = ${tau}`
        : `overlap (IoU of τ-masks, τ = ${tau}): ${overlap.iou.toFixed(2)}`,
  };
}
