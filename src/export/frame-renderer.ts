/**
 * The one interface through which exporters get frames, and its implementation: the CPU reference
 * renderer (src/render/cpu-renderer.ts), used by the app's exports and the CLI alike. Its math is
 * that of shaders/*.glsl, so exports look like the screen (test/browser/gpu-vs-cpu.test.ts holds
 * the two within 1/255 per channel).
 */
import { renderOverlay } from '../render/cpu-renderer.ts';
import type { ImageInput, MapInput, OverlayParams } from '../core/overlay-types.ts';

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
