/**
 * Animation frames: one per denoising step, each the overlay of the chosen word(s) at that step —
 * or a grid of every word — rendered through a FrameRenderer. Shared by the GIF and WebM encoders.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { ImageKind, OverlayParams } from '../core/overlay-types.ts';
import {
  defaultSvgPixels,
  exportCompareKey,
  keyStripLayout,
  keyStripper,
  type SvgPixels,
} from './compare-key.ts';
import type { FrameRenderer } from './frame-renderer.ts';
import { recordImage, type MapSource } from './map-source.ts';
import type { ExportSize } from './options.ts';

export interface AnimationSpec {
  record: GenerationRecord;
  maps: MapSource;
  /** Frame side in pixels: one of EXPORT_SIZES for a file (smaller for palette probes). */
  size: ExportSize | number;
  fps: number;
  /**
   * 'overlay': the words in `positions` over the image — none: the plain image; one: its map; two
   * with params.mode 'compare': the two-word comparison. 'grid': one cell per position.
   */
  layout: 'overlay' | 'grid';
  /** Token positions (columns of the attention tensors), in the order to show. */
  positions: number[];
  params: OverlayParams;
  /** Burn "word  step k/N" into each frame (each cell in a grid). */
  label: boolean;
  /** Image under the maps: the step's predicted x0 (default), its x_t, or the final image. */
  image: ImageKind;
  /** Each step's map summed over steps 0..k (DAAM-style build-up) instead of that step alone. */
  cumulative: boolean;
  /** Draws the Compare key strip (SVG → pixels); default the browser's. The CLI passes resvg. */
  keyPixels?: SvgPixels;
}

/** Anything that yields numbered RGBA frames of one size (what the encoders consume). */
export interface FrameSequence {
  count: number;
  width: number;
  height: number;
  /** Frame k as RGBA; the buffer may be reused by the next call. */
  frame(k: number): Promise<Uint8ClampedArray>;
}

/** Display text of a token position: the prompt word, or the special token. */
export function tokenText(record: GenerationRecord, position: number): string {
  return record.tokens[position]?.text ?? `#${position}`;
}

export function stepLabel(step: number, total: number): string {
  return `step ${step + 1}/${total}`;
}

/** Columns, rows and cell size of a grid of `n` cells in an S×S frame. */
export function gridLayout(n: number, size: number): { cols: number; rows: number; cell: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.max(1, Math.ceil(n / cols));
  return { cols, rows, cell: Math.floor(size / cols) };
}

function blit(
  dst: Uint8ClampedArray,
  dstW: number,
  src: Uint8ClampedArray,
  srcW: number,
  srcH: number,
  x0: number,
  y0: number,
): void {
  for (let y = 0; y < srcH; y++) {
    dst.set(src.subarray(y * srcW * 4, (y + 1) * srcW * 4), ((y0 + y) * dstW + x0) * 4);
  }
}

/** The frames of an animation spec, rendered lazily one at a time. */
export function animationFrames(spec: AnimationSpec, renderer: FrameRenderer): FrameSequence {
  const { record, size } = spec;
  const total = record.steps.length;
  let gridFrame: Uint8ClampedArray | null = null;
  const [p0, p1] = spec.positions;
  const compare = spec.params.mode === 'compare' && p0 !== undefined && p1 !== undefined;
  // A Compare of two words carries its key (swatches, words, this step's overlap) in a strip
  // below the image, as the view shows it under the overlay.
  const pair: [string, string] | null =
    spec.layout === 'overlay' && compare ? [tokenText(record, p0), tokenText(record, p1)] : null;
  let stripper: ReturnType<typeof keyStripper> | null = null;
  const keyed = async (): Promise<ReturnType<typeof keyStripper>> =>
    (stripper ??= keyStripper(size, pair!, spec.keyPixels ?? (await defaultSvgPixels())));
  const height = pair ? size + keyStripLayout(size, pair).height : size;

  const overlayFrame = async (k: number): Promise<Uint8ClampedArray> => {
    const mapA = p0 === undefined ? null : spec.maps.map(p0, k, spec.cumulative);
    const mapB = compare ? spec.maps.map(p1, k, spec.cumulative) : null;
    const words = (compare ? [p0, p1] : p0 === undefined ? [] : [p0]).map((p) =>
      tokenText(record, p),
    );
    const params: OverlayParams = {
      ...spec.params,
      mode: compare ? 'compare' : spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
    };
    const rgba = await renderer.render({
      size,
      image: recordImage(record, k, spec.image),
      mapA,
      mapB,
      params,
      label: spec.label
        ? [words.join(' + '), stepLabel(k, total)].filter(Boolean).join('  ')
        : null,
    });
    if (!pair) return rgba;
    return (await keyed()).addKey(rgba, exportCompareKey(params, pair, mapA, mapB));
  };

  const gridFrameAt = async (k: number): Promise<Uint8ClampedArray> => {
    const { cols, rows, cell } = gridLayout(spec.positions.length, size);
    gridFrame ??= new Uint8ClampedArray(size * size * 4);
    gridFrame.fill(0);
    for (let i = 3; i < gridFrame.length; i += 4) gridFrame[i] = 255;
    const ox = Math.floor((size - cols * cell) / 2);
    const oy = Math.floor((size - rows * cell) / 2);
    const image = recordImage(record, k, spec.image);
    const params: OverlayParams = {
      ...spec.params,
      mode: spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
    };
    for (let i = 0; i < spec.positions.length; i++) {
      const p = spec.positions[i] ?? 0;
      const rgba = await renderer.render({
        size: cell,
        image,
        mapA: spec.maps.map(p, k, spec.cumulative),
        params,
        label: spec.label ? `${tokenText(record, p)} ${k + 1}/${total}` : null,
      });
      blit(
        gridFrame,
        size,
        rgba,
        cell,
        cell,
        ox + (i % cols) * cell,
        oy + Math.floor(i / cols) * cell,
      );
    }
    return gridFrame;
  };

  return {
    count: total,
    width: size,
    height,
    frame: (k) => (spec.layout === 'grid' ? gridFrameAt(k) : overlayFrame(k)),
  };
}
