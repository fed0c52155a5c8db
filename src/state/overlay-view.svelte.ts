/**
 * One overlay canvas on the page (the main viewer, each comparison pane): its renderer once the
 * canvas is in the page, or why there is none. A component attaches it to its canvas with
 * `{@attach view.attach}`; the renderer stops when the canvas leaves the page.
 */
import { mountOverlayRenderer } from '../render/overlay-mount.ts';
import type { OverlayRenderer } from '../render/overlay-renderer.ts';

export class OverlayView {
  renderer = $state.raw<OverlayRenderer | null>(null);
  /** Why WebGL2 could not draw here (shown instead of the canvas), or null. */
  failure = $state<string | null>(null);

  /** onRenderer: told of the renderer when it starts and (null) when it stops. */
  constructor(private readonly onRenderer?: (r: OverlayRenderer | null) => void) {}

  attach = (canvas: HTMLCanvasElement): (() => void) | undefined => {
    const m = mountOverlayRenderer(canvas);
    if (m.failure !== undefined) {
      this.failure = m.failure;
      return undefined;
    }
    this.renderer = m.renderer;
    this.onRenderer?.(m.renderer);
    return () => {
      this.onRenderer?.(null);
      this.renderer = null;
      m.stop();
    };
  };
}
