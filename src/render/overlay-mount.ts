/**
 * Starts the overlay renderer on a canvas in the page (the main viewer and the comparison's panes):
 * WebGL2 checked first, the drawing buffer kept at the canvas's layout size in device pixels, so the
 * bicubic upsampling happens once, in the shader. The layout size, not getBoundingClientRect():
 * preview frames stretch the canvas with a CSS transform, which the bounding rect would include.
 */
import { OverlayRenderer } from './overlay-renderer.ts';
import { detectWebGl2 } from './webgl-support.ts';

export type MountedOverlay =
  { renderer: OverlayRenderer; stop: () => void; failure?: undefined } | { failure: string };

/** The renderer and a stop() that disposes it, or why there is no WebGL2 overlay. */
export function mountOverlayRenderer(canvas: HTMLCanvasElement): MountedOverlay {
  const support = detectWebGl2();
  if (!support.ok) return { failure: support.reason };
  let r: OverlayRenderer;
  try {
    r = new OverlayRenderer(canvas);
  } catch (e) {
    return { failure: `WebGL2 failed to start: ${e instanceof Error ? e.message : String(e)}` };
  }
  const resize = (): void => {
    const dpr = window.devicePixelRatio || 1;
    r.setSize(canvas.clientWidth * dpr, canvas.clientHeight * dpr);
  };
  const observer = new ResizeObserver(resize);
  observer.observe(canvas);
  resize();
  return {
    renderer: r,
    stop: () => {
      observer.disconnect();
      r.dispose();
    },
  };
}
