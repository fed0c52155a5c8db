/**
 * Progressive drawing for slow (software) rasterisers: when the overlay renderer draws a
 * reduced-resolution preview first, and how that preview is shown without resizing the canvas.
 *
 * The shader's cost is per output pixel, and SwiftShader on a busy 2-core machine needs 55–80 ms
 * for a 512² heatmap frame. When the measured full-resolution frame of the mode about to be drawn
 * is over PREVIEW_BUDGET_MS, a change is first drawn at ½, ¼ or ⅛ of the size, then redrawn at
 * full resolution once changes stop. On a real GPU a full frame is far under the budget, so this
 * never kicks in.
 */

/**
 * What a preview's pixels may cost (full-frame cost × scale²). A hover's 16 ms (p95) also pays
 * ~1.3 ms per draw whatever its size (draw call + GPU sync, measured at 1×1) and ~1 ms of main
 * thread, and on the shared 2-core machine a frame's p95 is about twice its median. Measured per
 * draw + finish in SwiftShader: ¼ (128²) 5.0 ms median, 9.6 ms p95; ⅛ (64²) 2.2 ms, 5.6 ms. With
 * the earlier 6 ms budget the ¼ preview's tail alone took most of the 16 ms. The image is 32², so
 * ⅛ of a 512² view still shows it texel for texel; only the heatmap is coarser, for 150 ms.
 */
export const PREVIEW_BUDGET_MS = 3;

/** The smallest preview: 1/64 of the pixels. */
const MIN_SCALE = 1 / 8;

/**
 * Scale of the preview viewport for a full frame costing `fullMs` (1 = no preview needed): the
 * largest of ½, ¼, ⅛ whose pixels (cost ∝ scale²) fit the budget, else ⅛.
 */
export function previewScale(fullMs: number | null): number {
  if (fullMs === null || fullMs <= PREVIEW_BUDGET_MS) return 1;
  let scale = 0.5;
  while (scale > MIN_SCALE && fullMs * scale * scale > PREVIEW_BUDGET_MS) scale /= 2;
  return scale;
}

/**
 * Full-resolution frame cost, a moving average per shader mode (MODE_INDEX), and the preview scale
 * it calls for. Per mode because the modes cost very different amounts: a plain frame (no word)
 * samples only the image and costs about half a heatmap frame. With one shared average, the plain
 * refinements that follow every pointerleave set the estimate, so a hover from no word got a
 * heatmap preview sized for a plain frame (½ instead of ¼ once plain frames dipped under 24 ms:
 * four times the pixels, 15+ ms in SwiftShader).
 */
export class FrameCosts {
  /** Per mode index; NaN = not measured yet. */
  readonly #ms: Float64Array;

  constructor(modes: number) {
    this.#ms = new Float64Array(modes).fill(Number.NaN);
  }

  record(mode: number, ms: number): void {
    const old = this.#ms[mode];
    if (old === undefined) return;
    this.#ms[mode] = Number.isNaN(old) ? ms : 0.7 * old + 0.3 * ms;
  }

  /** The mode's full-frame cost, null before its first full frame. */
  ms(mode: number): number | null {
    const ms = this.#ms[mode] ?? Number.NaN;
    return Number.isNaN(ms) ? null : ms;
  }

  /**
   * Preview scale for the next frame of `mode`. A mode is first measured by its first full frame,
   * which on a slow rasteriser is its first refinement (and a refinement is skipped when the next
   * change comes within REFINE_DELAY_MS). Until then, if another mode is already too slow for full
   * frames, this one takes the smallest preview rather than a guess from the other's cost.
   */
  scaleFor(mode: number): number {
    const own = this.ms(mode);
    if (own !== null) return previewScale(own);
    for (let m = 0; m < this.#ms.length; m++) {
      const other = this.ms(m);
      if (other !== null && previewScale(other) < 1) return MIN_SCALE;
    }
    return 1;
  }
}

/**
 * CSS that shows the bottom-left `fx`·W × `fy`·H corner of the canvas (where a preview drawn with
 * a reduced viewport lands: GL's origin is bottom-left) stretched over the whole canvas box.
 *
 * Why not a smaller drawing buffer instead: resizing the canvas reallocates the WebGL drawing
 * buffer, and three.js sets width and height one after the other, so every preview and every
 * refinement paid two reallocations: 1–5 ms of main thread per hover (median–p95), and a GPU-side
 * share on top. A transform and a rectangular clip only touch the compositor.
 */
export function cornerStretch(fx: number, fy: number): { transform: string; clipPath: string } {
  if (fx >= 1 && fy >= 1) return { transform: '', clipPath: '' };
  return {
    transform: `scale(${1 / fx}, ${1 / fy})`,
    clipPath: `inset(${(1 - fy) * 100}% ${(1 - fx) * 100}% 0 0)`,
  };
}
