/**
 * The browser's FrameRenderer (src/export/frame-renderer.ts) on the GPU: an offscreen canvas with
 * its own OverlayRenderer (same shaders as the screen), read back top row first, labelled with the
 * same bitmap font as the CPU renderer. Falls back to nothing: when WebGL2 is missing, exporters
 * keep the CPU renderer (createCpuFrameRenderer), which computes the same pixels.
 */
import type { FrameRenderer, FrameSpec } from '../export/frame-renderer.ts';
import { drawLabel } from './bitmap-font.ts';
import { OverlayRenderer } from './overlay-renderer.ts';
import type { ImageInput } from './overlay-types.ts';

/** A black 1×1 image, for specs without one (the CPU renderer draws on black too). */
const BLACK: ImageInput = {
  data: new Float32Array(3),
  channels: 3,
  height: 1,
  width: 1,
  range: [0, 1],
};

export function createGpuFrameRenderer(): FrameRenderer {
  const canvas = document.createElement('canvas');
  // Progressive previews are for interaction; every exported frame is full resolution.
  const renderer = new OverlayRenderer(canvas, { progressive: false });
  let bytes: Uint8Array | null = null;
  let frame: Uint8ClampedArray | null = null;
  return {
    render(spec: FrameSpec): Uint8ClampedArray {
      const n = spec.size * spec.size * 4;
      if (!bytes || bytes.length !== n) {
        bytes = new Uint8Array(n);
        frame = new Uint8ClampedArray(bytes.buffer);
      }
      renderer.setSize(spec.size, spec.size);
      renderer.setImage(spec.image ?? BLACK);
      renderer.setMaps(spec.mapA, spec.mapB ?? null);
      renderer.setParams(spec.params);
      renderer.readPixels(bytes);
      if (spec.label) drawLabel(frame!, spec.size, spec.size, spec.label);
      return frame!;
    },
    dispose() {
      renderer.dispose();
    },
  };
}
