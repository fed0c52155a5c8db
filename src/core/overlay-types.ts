/**
 * Types shared by the overlay renderer, the state classes and the components. Kept free of three.js
 * so state/ and tests can import them cheaply.
 */

/** How the map is drawn over the image (the "Overlay mode" control). */
export type OverlayMode = 'heatmap' | 'mask' | 'compare';
export const OVERLAY_MODES: readonly OverlayMode[] = ['heatmap', 'mask', 'compare'];

/** 'minmax': per-map (v − min)/(max − min); 'absolute': the raw attention probability. */
export type MapNormalization = 'minmax' | 'absolute';
export const MAP_NORMALIZATIONS: readonly MapNormalization[] = ['minmax', 'absolute'];

/**
 * Which range a min–max map is stretched over: 'word', its own min and max (every map fills the
 * colour scale, however little attention it holds); 'shared', the lowest min and highest max of
 * all the prompt's words at the same selection, so a word with little attention looks dim.
 */
export type MapScale = 'word' | 'shared';
export const MAP_SCALES: readonly MapScale[] = ['word', 'shared'];

/** The colormaps every renderer has (render/colormaps.ts holds their tables). */
export type ColormapName = 'viridis' | 'inferno' | 'turbo' | 'jet';
export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'inferno', 'turbo', 'jet'];

export function isColormapName(name: string): name is ColormapName {
  return (COLORMAP_NAMES as readonly string[]).includes(name);
}

/** Which image sits under the overlay: predicted x̂0, the noisy x_t, or the final image. */
export type ImageKind = 'x0' | 'xt' | 'final';

/** A low-resolution map ready to draw: row-major h×w raw values plus their min and max. */
export interface MapInput {
  data: Float32Array;
  width: number;
  height: number;
  min: number;
  max: number;
}

/** The generated image as the record stores it: planar [C, H, W] in the model's value range. */
export interface ImageInput {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
  range: readonly [number, number];
}

export interface OverlayParams {
  mode: OverlayMode;
  normalize: MapNormalization;
  colormap: ColormapName;
  opacity: number;
  tau: number;
  /** Bilinear image upsampling (true) or nearest, "pixelated" (false). The map is always bicubic. */
  smooth: boolean;
  /** Compare's two colours (RGB in [0, 1]); absent: COMPARE_COLORS. The explorer picks a pair
   * against the image's own colours (render/compare-colours.ts). */
  compareColors?: CompareColors;
}

export const DEFAULT_OVERLAY_PARAMS: OverlayParams = {
  mode: 'heatmap',
  normalize: 'minmax',
  colormap: 'inferno',
  opacity: 0.6,
  tau: 0.4,
  smooth: false,
};

export type CompareColors = readonly [
  readonly [number, number, number],
  readonly [number, number, number],
];

/** Default colours of the two-word compare composite (shaders/overlay.frag.glsl, uCompareA / B):
 * orange for the first pinned word, azure for the second. */
export const COMPARE_COLORS: CompareColors = [
  [1.0, 0.4, 0.05],
  [0.05, 0.55, 1.0],
];
