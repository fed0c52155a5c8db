/**
 * Helpers for the explorer's browser tests: a Vite server that never reloads the page, reading
 * the overlay back, and the measurements the tests make on it (object colour masks from the
 * generated image, the lit region of Mask mode, IoU), and playing an exported video.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { InlineConfig } from 'vite';
import type { GenerationRecord } from '../../src/core/record.ts';

/**
 * A server that does not reload the page mid-test: no HMR, no file watching (edits elsewhere in a
 * shared tree), and its own dependency-optimizer cache — Vite servers of other test runs sharing
 * node_modules/.vite re-optimise each other's dependencies and force full reloads.
 */
export const STABLE_SERVER: InlineConfig = {
  cacheDir: 'node_modules/.vite-explorer-tests',
  server: { hmr: false, watch: { ignored: ['**/*'] } },
};

export const SHOTS = 'test-results/explorer';
mkdirSync(SHOTS, { recursive: true });

/** Palette of training/scenes.py, RGB in [0, 1]. */
export const PALETTE: Record<string, [number, number, number]> = {
  red: [0.86, 0.14, 0.14],
  green: [0.13, 0.63, 0.22],
  blue: [0.15, 0.3, 0.88],
  yellow: [0.96, 0.84, 0.1],
  purple: [0.55, 0.2, 0.75],
  orange: [0.98, 0.52, 0.06],
};

export interface Readback {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Draws the overlay now and reads it back (top row first), through the page's test hook. */
export async function readOverlay(page: Page): Promise<Readback> {
  // Base64 across the protocol: a 600² frame as a JSON number array is slow to serialise.
  const { width, height, b64 } = await page.evaluate(() => {
    const r = window.__wordlight?.explorer.renderer;
    if (!r) throw new Error('no renderer');
    const rgba = r.readPixels();
    const gl = r.renderer.getContext();
    let binary = '';
    for (let i = 0; i < rgba.length; i += 0x8000) {
      binary += String.fromCharCode(...rgba.subarray(i, i + 0x8000));
    }
    return { width: gl.drawingBufferWidth, height: gl.drawingBufferHeight, b64: btoa(binary) };
  });
  return { width, height, rgba: new Uint8Array(Buffer.from(b64, 'base64')) };
}

/** The final image of the record on screen, as 32×32 (H×W) RGB in [0, 1]. */
export async function finalImage(page: Page): Promise<{ w: number; h: number; rgb: number[] }> {
  return page.evaluate(() => {
    const rec = window.__wordlight!.explorer.record!;
    const { width: w, height: h, range } = rec.image;
    const src = rec.final ?? rec.steps[rec.steps.length - 1]!.x0;
    const rgb: number[] = [];
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) {
        const v = ((src[c * w * h + i] ?? 0) - range[0]) / (range[1] - range[0]);
        rgb.push(Math.min(1, Math.max(0, v)));
      }
    }
    return { w, h, rgb };
  });
}

/** Pixels of the image whose colour is nearest to `colour` in the palette and close to it. */
export function colourMask(
  img: { w: number; h: number; rgb: number[] },
  colour: string,
): boolean[] {
  const target = PALETTE[colour];
  if (!target) throw new Error(`no palette colour ${colour}`);
  const out: boolean[] = [];
  for (let i = 0; i < img.w * img.h; i++) {
    const px = [img.rgb[i * 3]!, img.rgb[i * 3 + 1]!, img.rgb[i * 3 + 2]!];
    const dist = (c: [number, number, number]) =>
      Math.hypot(px[0]! - c[0], px[1]! - c[1], px[2]! - c[2]);
    const nearest = Object.entries(PALETTE).reduce((a, b) => (dist(b[1]) < dist(a[1]) ? b : a));
    out.push(nearest[0] === colour && dist(target) < 0.3);
  }
  return out;
}

/**
 * Mask mode shows the image unchanged where the map ≥ τ and at 25 % elsewhere. Comparing the mask
 * frame with the plain frame tells lit from dimmed; each image pixel (a cell of the view) counts as
 * lit when most of its view pixels are.
 */
export function litCells(mask: Readback, plain: Readback, w: number, h: number): boolean[] {
  const lit = new Array<number>(w * h).fill(0);
  const total = new Array<number>(w * h).fill(0);
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      const i = (y * mask.width + x) * 4;
      const cell = Math.floor((y * h) / mask.height) * w + Math.floor((x * w) / mask.width);
      let d = 0;
      for (let c = 0; c < 3; c++) d += Math.abs(mask.rgba[i + c]! - plain.rgba[i + c]!);
      total[cell]!++;
      if (d <= 12) lit[cell]!++;
    }
  }
  return lit.map((n, i) => n / total[i]! >= 0.5);
}

export function iou(a: boolean[], b: boolean[]): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union === 0 ? 0 : inter / union;
}

export const count = (m: boolean[]): number => m.filter(Boolean).length;

/** Waits until the progressbar says done (aria-valuenow = aria-valuemax > 0) and the record is complete. */
export async function waitForGeneration(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const bar = document.querySelector('[role=progressbar][aria-label="Generation progress"]');
      const max = bar?.getAttribute('aria-valuemax');
      return (
        !!bar &&
        max !== '0' &&
        bar.getAttribute('aria-valuenow') === max &&
        window.__wordlight?.explorer.record?.complete === true
      );
    },
    null,
    // Interval polling: requestAnimationFrame polling stalls while software WebGL is busy.
    { timeout, polling: 200 },
  );
}

/**
 * Plays an exported video in `page`: loads the bytes in a <video>, seeks to `seekTo` seconds, and
 * returns its duration, where the seek landed and the frame size (the export tests' "it plays").
 */
export async function playVideo(
  page: Page,
  bytes: Uint8Array,
  type: 'video/webm' | 'video/mp4',
  seekTo: number,
): Promise<{ duration: number; at: number; w: number; h: number }> {
  const b64 = Buffer.from(bytes).toString('base64');
  return page.evaluate(
    async ({ b64, type, seekTo }) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(new Blob([bin], { type }));
      await new Promise((r, j) => {
        video.onloadeddata = r;
        video.onerror = () => j(new Error(`video error ${video.error?.code}`));
      });
      const duration = video.duration;
      video.currentTime = seekTo;
      await new Promise((r) => (video.onseeked = r));
      return { duration, at: video.currentTime, w: video.videoWidth, h: video.videoHeight };
    },
    { b64, type, seekTo },
  );
}

/** Bottom edge of an element in page coordinates (scrolled to the top first). */
export async function bottomOf(selector: ReturnType<Page['locator']>): Promise<number> {
  const box = await selector.boundingBox();
  if (!box) throw new Error('element not laid out');
  return box.y + box.height;
}

/** The record on screen, copied into Node (attention and final image; x_t / x̂₀ left out). */
export async function recordFromPage(p: Page): Promise<GenerationRecord> {
  const raw = await p.evaluate(() => {
    const r = window.__wordlight!.explorer.record!;
    const b64 = (a: Float32Array): string => {
      const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      let s = '';
      for (let i = 0; i < u.length; i += 0x8000)
        s += String.fromCharCode(...u.subarray(i, i + 0x8000));
      return btoa(s);
    };
    return {
      ...r,
      final: b64(r.final!),
      steps: r.steps.map((s) => ({ ...s, xt: '', x0: '', attention: s.attention.map(b64) })),
    };
  });
  const f32 = (b: string): Float32Array => {
    const bytes = Buffer.from(b, 'base64');
    return new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
  };
  return {
    ...raw,
    final: f32(raw.final),
    steps: raw.steps.map((s) => ({
      ...s,
      xt: new Float32Array(0),
      x0: new Float32Array(0),
      attention: s.attention.map(f32),
    })),
  };
}

/**
 * Mean brightness (0–255) of the overlay's top-left 24×24 corner as it is on screen: a screenshot
 * of the viewport, decoded in the page. Not the renderer's readPixels, which would draw a fresh
 * frame and so hide a frame that was never drawn.
 */
export async function cornerOnScreen(page: Page): Promise<number> {
  const png = (await page.screenshot()).toString('base64');
  return page.evaluate(async (b64) => {
    const rect = document
      .querySelector('canvas[aria-label="Attention overlay"]')!
      .getBoundingClientRect();
    if (rect.top < 0 || rect.left < 0) throw new Error(`overlay off screen (scrollY ${scrollY})`);
    // Bytes to a Blob in the page: no fetch of a data: URL (the app's CSP allows connect-src 'self').
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], {
      type: 'image/png',
    });
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(Math.ceil(rect.left) + 2, Math.ceil(rect.top) + 2, 24, 24);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
    return sum / (data.length / 4);
  }, png);
}
