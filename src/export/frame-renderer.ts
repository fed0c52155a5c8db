/**
 * The one interface through which exporters get frames.
 *
 * NOTE for src/render/ (three.js renderer): implement `FrameRenderer` in the browser — render the
 * spec offscreen at spec.size × spec.size, read the pixels back top row first (flip gl.readPixels'
 * bottom-up rows), burn the label with `drawLabel` from src/render/bitmap-font.ts so both renderers
 * label identically, and return RGBA bytes. The CPU reference renderer below is the Node
 * implementation (and the browser fallback); the math is the same as shaders/*.glsl, so exports
 * look like the screen.
 */
import { renderOverlay } from '../render/cpu-renderer.ts';
import type { ImageInput, MapInput, OverlayParams } from '../render/overlay-types.ts';

export interface FrameSpec {
  /** Output is size × size pixels. */
  size: number;
  image: ImageInput | null;
  /** Primary map; null draws the plain image. */
  mapA: MapInput | null;
  /** Second map for 'compare' mode. */
  mapB?: MapInput | null;
  params: OverlayParams;
  /** Burned-in label, or null for none. */
  label?: string | null;
}

export interface FrameRenderer {
  /** RGBA, size·size·4 bytes, top row first. The returned buffer may be reused by the next call. */
  render(spec: FrameSpec): Uint8ClampedArray | Promise<Uint8ClampedArray>;
  dispose?(): void;
}

/** The CPU reference renderer as a FrameRenderer (Node, tests, and the browser fallback). */
export function createCpuFrameRenderer(): FrameRenderer {
  let buffer: Uint8ClampedArray | undefined;
  return {
    render(spec) {
      buffer = renderOverlay(
        {
          width: spec.size,
          height: spec.size,
          image: spec.image,
          mapA: spec.mapA,
          mapB: spec.mapB ?? null,
          params: spec.params,
          label: spec.label ?? null,
        },
        buffer,
      );
      return buffer;
    },
  };
}
