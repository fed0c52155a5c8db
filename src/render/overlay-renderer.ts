/**
 * The three.js overlay renderer: one full-screen quad drawn with the overlay ShaderMaterial.
 *
 * Speed rule: after the first frame nothing here allocates. Textures are pooled by size and their
 * typed-array buffers are reused: a hover copies a few hundred floats into an existing map buffer
 * and flags it for upload (texSubImage2D); a scrub does the same for the image. Draws are
 * coalesced into one microtask, so many state changes in one task draw once. The drawing buffer
 * keeps the view's size: previews on slow rasterisers draw into a smaller viewport (preview.ts).
 */
import {
  Mesh,
  OrthographicCamera,
  PlaneGeometry,
  Scene,
  WebGLRenderer,
  type ShaderMaterial,
} from 'three';
import { createOverlayMaterial, MODE_INDEX } from './overlay-material.ts';
import {
  COMPARE_COLORS,
  DEFAULT_OVERLAY_PARAMS,
  type ImageInput,
  type MapInput,
  type OverlayParams,
} from '../core/overlay-types.ts';
import { cornerStretch, FrameCosts } from './preview.ts';
import { TexturePool } from './textures.ts';

export interface OverlayRendererOptions {
  /** Keep the drawing buffer after compositing so tests can read the canvas back. */
  preserveDrawingBuffer?: boolean;
  /** Draw a reduced-resolution preview first when full frames are slow (default true). */
  progressive?: boolean;
}

/** The full-resolution redraw follows once changes have stopped for this long. */
const REFINE_DELAY_MS = 150;

export class OverlayRenderer {
  readonly renderer: WebGLRenderer;
  readonly #canvas: HTMLCanvasElement;
  readonly #scene = new Scene();
  readonly #camera = new OrthographicCamera(-1, 1, 1, -1, 0, 1);
  readonly #material: ShaderMaterial;
  readonly #mesh: Mesh;
  readonly #textures = new TexturePool();
  #params: OverlayParams = { ...DEFAULT_OVERLAY_PARAMS };
  #hasA = false;
  #hasB = false;
  #frameRequested = false;
  #fullWidth = 1;
  #fullHeight = 1;
  readonly #costs = new FrameCosts(Object.keys(MODE_INDEX).length);
  /** Preview CSS per scale for the current view size (built once, not per frame). */
  readonly #stretch = new Map<number, { transform: string; clipPath: string }>();
  #refineTimer: ReturnType<typeof setTimeout> | null = null;
  /** holdRefinement(true): refinements wait; `#refineHeld` remembers one is owed. */
  #holdRefine = false;
  #refineHeld = false;
  readonly #progressive: boolean;
  readonly #pixel = new Uint8Array(4);
  /** Scale of the viewport used by the last draw (1 = full resolution; < 1 = a preview). */
  drawScale = 1;
  #disposed = false;
  /** Monotonic count of frames drawn; tests and the latency bench wait on it. */
  frames = 0;
  /** performance.now() at the end of the last draw. */
  lastFrameAt = 0;
  /** Called after every draw (no arguments, so calling it allocates nothing). */
  onFrame: (() => void) | null = null;

  constructor(canvas: HTMLCanvasElement, options: OverlayRendererOptions = {}) {
    this.#canvas = canvas;
    this.#progressive = options.progressive ?? true;
    this.renderer = new WebGLRenderer({
      canvas,
      antialias: false,
      alpha: false,
      depth: false,
      stencil: false,
      preserveDrawingBuffer: options.preserveDrawingBuffer ?? false,
      powerPreference: 'high-performance',
    });
    this.renderer.autoClear = false;
    const blank = this.#textures.texture('image', 1, 1, false);
    const blankMap = this.#textures.texture('a', 1, 1, true);
    const blankMapB = this.#textures.texture('b', 1, 1, true);
    this.#material = createOverlayMaterial({
      image: blank,
      mapA: blankMap,
      mapB: blankMapB,
      colormap: this.#textures.lut(this.#params.colormap),
    });
    this.#mesh = new Mesh(new PlaneGeometry(2, 2), this.#material);
    this.#mesh.frustumCulled = false;
    this.#scene.add(this.#mesh);
    this.#applyParams();
  }

  #uniform<T>(name: string): { value: T } {
    const uniform = this.#material.uniforms[name];
    if (!uniform) throw new Error(`overlay material has no uniform ${name}`);
    return uniform as { value: T };
  }

  /** The image shown under the overlay, planar [C, H, W] in model range. */
  setImage(image: ImageInput | null): void {
    if (!image) return;
    const { data, channels, height, width, range } = image;
    const texture = this.#textures.texture('image', width, height, false);
    const out = texture.image.data as Float32Array;
    const plane = width * height;
    for (let i = 0; i < plane; i++) {
      // Grey images (C = 1) are replicated; missing channels read as the first.
      out[i * 4] = data[i] ?? 0;
      out[i * 4 + 1] = data[(channels > 1 ? plane : 0) + i] ?? 0;
      out[i * 4 + 2] = data[(channels > 2 ? 2 * plane : 0) + i] ?? 0;
      out[i * 4 + 3] = 1;
    }
    texture.needsUpdate = true;
    this.#uniform('uImage').value = texture;
    const size = this.#uniform<number[]>('uImageSize').value;
    size[0] = width;
    size[1] = height;
    const r = this.#uniform<number[]>('uImageRange').value;
    r[0] = range[0];
    r[1] = range[1];
    this.requestRender();
  }

  /** Maps for the overlay: `a` alone (heatmap / mask), or `a` and `b` (compare). null clears. */
  setMaps(a: MapInput | null, b: MapInput | null = null): void {
    this.#hasA = this.#setMap('a', a);
    this.#hasB = this.#setMap('b', b);
    this.#applyMode();
    this.requestRender();
  }

  #setMap(slot: 'a' | 'b', map: MapInput | null): boolean {
    if (!map) return false;
    const texture = this.#textures.texture(slot, map.width, map.height, true);
    const n = map.width * map.height;
    // Exact-length maps (the usual case) are copied without even a subarray view.
    (texture.image.data as Float32Array).set(
      map.data.length === n ? map.data : map.data.subarray(0, n),
    );
    texture.needsUpdate = true;
    const prefix = slot === 'a' ? 'uMapA' : 'uMapB';
    this.#uniform(prefix).value = texture;
    const size = this.#uniform<number[]>(`${prefix}Size`).value;
    size[0] = map.width;
    size[1] = map.height;
    const minMax = this.#uniform<number[]>(`${prefix}MinMax`).value;
    minMax[0] = map.min;
    minMax[1] = map.max;
    return true;
  }

  setParams(params: Partial<OverlayParams>): void {
    Object.assign(this.#params, params);
    this.#applyParams();
    this.requestRender();
  }

  get params(): Readonly<OverlayParams> {
    return this.#params;
  }

  #applyParams(): void {
    const p = this.#params;
    this.#uniform('uSmooth').value = p.smooth;
    this.#uniform('uAbsolute').value = p.normalize === 'absolute';
    this.#uniform('uOpacity').value = p.opacity;
    this.#uniform('uTau').value = p.tau;
    this.#uniform('uColormap').value = this.#textures.lut(p.colormap);
    const [ca, cb] = p.compareColors ?? COMPARE_COLORS;
    this.#uniform<number[]>('uCompareA').value.splice(0, 3, ...ca);
    this.#uniform<number[]>('uCompareB').value.splice(0, 3, ...cb);
    this.#applyMode();
  }

  /** Plain image without a map; compare needs both maps, else it degrades to a heatmap of `a`. */
  #applyMode(): void {
    let mode = this.#params.mode;
    if (mode === 'compare' && !this.#hasB) mode = 'heatmap';
    this.#uniform('uMode').value = this.#hasA ? MODE_INDEX[mode] : MODE_INDEX.plain;
  }

  /** The view's size in device pixels: the full-resolution drawing buffer. */
  setSize(width: number, height: number): void {
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    if (w !== this.#fullWidth || h !== this.#fullHeight) this.#stretch.clear();
    this.#fullWidth = w;
    this.#fullHeight = h;
    this.requestRender();
  }

  /**
   * Sizes the drawing buffer to the full view (only when the view changes), then draws into its
   * bottom-left `scale` corner: a preview is a smaller viewport, stretched over the canvas by CSS
   * (see cornerStretch for why the buffer itself is not shrunk).
   */
  #useBuffer(scale: number): void {
    const fw = this.#fullWidth;
    const fh = this.#fullHeight;
    if (this.#canvas.width !== fw || this.#canvas.height !== fh) {
      this.renderer.setPixelRatio(1);
      this.renderer.setSize(fw, fh, false);
    }
    const w = Math.max(1, Math.round(fw * scale));
    const h = Math.max(1, Math.round(fh * scale));
    this.renderer.setViewport(0, 0, w, h);
    const view = this.#uniform<number[]>('uViewSize').value;
    view[0] = w;
    view[1] = h;
    if (scale !== this.drawScale) {
      let css = this.#stretch.get(scale);
      if (!css) {
        css = cornerStretch(w / fw, h / fh);
        this.#stretch.set(scale, css);
      }
      const style = this.#canvas.style;
      style.transformOrigin = scale < 1 ? '0 100%' : '';
      style.transform = css.transform;
      style.clipPath = css.clipPath;
      // Keep the pixelated image crisp while a preview is stretched.
      style.imageRendering = scale < 1 && !this.#params.smooth ? 'pixelated' : '';
    }
    this.drawScale = scale;
  }

  /**
   * Draw once the current task's state changes are all in: a microtask, queued after the Svelte
   * effects that called setImage / setMaps / setParams, so they draw once. Not requestAnimationFrame:
   * that would add up to a whole frame of waiting to every hover; the browser shows the drawn
   * buffer at its next composite either way.
   */
  requestRender(): void {
    if (this.#frameRequested || this.#disposed) return;
    this.#frameRequested = true;
    queueMicrotask(this.#onRenderTask);
  }

  /** The shader mode the next draw uses (MODE_INDEX), the key of its cost estimate. */
  get #mode(): number {
    return this.#uniform<number>('uMode').value;
  }

  /**
   * Progressive drawing (src/render/preview.ts): when this mode's full frame is over the preview
   * budget, draw a reduced preview now and the full frame REFINE_DELAY_MS after changes stop.
   * Tests and export read full-resolution frames (readPixels).
   */
  readonly #onRenderTask = (): void => {
    this.#frameRequested = false;
    if (this.#disposed) return;
    if (!this.#progressive) {
      this.#draw(1, false);
      return;
    }
    const mode = this.#mode;
    const scale = this.#costs.scaleFor(mode);
    // A full frame of a mode not measured yet is timed once, so its later draws know their cost.
    this.#draw(scale, scale === 1 && this.#costs.ms(mode) === null);
    if (scale < 1) this.#scheduleRefine();
  };

  #scheduleRefine(): void {
    if (this.#refineTimer !== null) clearTimeout(this.#refineTimer);
    this.#refineTimer = null;
    if (this.#holdRefine) this.#refineHeld = true;
    else this.#refineTimer = setTimeout(this.#refine, REFINE_DELAY_MS);
  }

  /**
   * While a generation delivers live steps, no full-resolution refinement: the next step replaces
   * the picture within ~100 ms anyway, and on a slow rasteriser a full frame (55–80 ms of
   * SwiftShader, plus the main thread waiting on it) takes the CPU the two WASM threads need. A
   * refinement owed when the hold ends is scheduled then.
   */
  holdRefinement(hold: boolean): void {
    this.#holdRefine = hold;
    if (hold || !this.#refineHeld) return;
    this.#refineHeld = false;
    this.#scheduleRefine();
  }

  readonly #refine = (): void => {
    this.#refineTimer = null;
    if (!this.#disposed) this.#draw(1, true);
  };

  /** Draws at `scale`; with `measure`, waits for the GPU and updates the full-frame cost. */
  #draw(scale: number, measure: boolean): void {
    this.#useBuffer(scale);
    const t0 = performance.now();
    this.render();
    if (!measure) return;
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.#pixel);
    this.#costs.record(this.#mode, performance.now() - t0);
  }

  /** Milliseconds a full-resolution frame of the current mode takes here (moving average). */
  get fullFrameMs(): number | null {
    return this.#costs.ms(this.#mode);
  }

  /** Draw now, synchronously, into the current viewport. */
  render(): void {
    this.renderer.render(this.#scene, this.#camera);
    this.frames++;
    this.lastFrameAt = performance.now();
    this.onFrame?.();
  }

  /** Draws, then reads the drawing buffer back as top-down RGBA8 (for tests and export). */
  readPixels(out?: Uint8Array): Uint8Array {
    if (this.#refineTimer !== null) clearTimeout(this.#refineTimer);
    this.#refineTimer = null;
    this.#useBuffer(1);
    this.render();
    const gl = this.renderer.getContext();
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    const bottomUp = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, bottomUp);
    const result = out ?? new Uint8Array(w * h * 4);
    const row = w * 4;
    for (let y = 0; y < h; y++) {
      result.set(bottomUp.subarray((h - 1 - y) * row, (h - y) * row), y * row);
    }
    return result;
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#refineTimer !== null) clearTimeout(this.#refineTimer);
    this.#textures.dispose();
    this.#mesh.geometry.dispose();
    this.#material.dispose();
    this.renderer.dispose();
  }
}
