/**
 * A FrameRenderer (src/export/frame-renderer.ts) over the screen's OverlayRenderer: an offscreen
 * canvas, read back top row first, labelled with the same bitmap font as the CPU renderer. Only the
 * GPU-vs-CPU pixel test uses it, to hold the screen's shaders and the exports' CPU renderer to the
 * same pixels; the app exports through the CPU renderer.
 */
import type { FrameRenderer, FrameSpec } from '../../../src/export/frame-renderer.ts';
import { drawLabel } from '../../../src/render/bitmap-font.ts';
import { OverlayRenderer } from '../../../src/render/overlay-renderer.ts';
import type { ImageInput } from '../../../src/core/overlay-types.ts';

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
