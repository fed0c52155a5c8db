import { describe, expect, it } from 'vitest';
import { animationFrames, gridLayout, type AnimationSpec } from '../../../src/export/animation.ts';
import { ExportCancelledError } from '../../../src/export/errors.ts';
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { encodeGif } from '../../../src/export/gif.ts';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { svgPixelsInNode } from '../../../src/cli/svg-raster.ts';
import { DEFAULT_OVERLAY_PARAMS } from '../../../src/core/overlay-types.ts';
import { fakeRecord } from './fake-record.ts';
import { decodeGif, pixel, savePng } from './helpers.ts';

const record = fakeRecord(6);
const RED = 2; // token position of "red"
const BLUE = 6;

function spec(over: Partial<AnimationSpec> = {}): AnimationSpec {
  return {
    record,
    maps: wordMapSeries(record),
    size: 256,
    fps: 10,
    layout: 'overlay',
    positions: [RED],
    params: { ...DEFAULT_OVERLAY_PARAMS, colormap: 'inferno', opacity: 0.6 },
    label: true,
    image: 'x0',
    cumulative: false,
    ...over,
  };
}

describe('GIF export', () => {
  it('has one frame per denoising step at the size asked for, looping, at the chosen fps', async () => {
    const gif = decodeGif(
      await encodeGif(animationFrames(spec(), createCpuFrameRenderer()), { fps: 10 }),
    );
    expect(gif.frames).toHaveLength(record.steps.length);
    expect([gif.width, gif.height]).toEqual([256, 256]);
    expect(gif.delays.every((d) => d === 10)).toBe(true); // 10 fps = 10 cs
    expect(gif.loopCount).toBe(0); // forever
  });

  it('shows the word where it attends: "red" lights up the left object, not the right one', async () => {
    const frames = animationFrames(spec(), createCpuFrameRenderer());
    const gif = decodeGif(await encodeGif(frames, { fps: 10 }));
    const last = gif.frames[gif.frames.length - 1] ?? new Uint8ClampedArray();
    savePng('export-gif-last-frame.png', last, 256, 256);
    // Hot inferno (yellow-white) over the left disk at (64, 128); the right square stays dark-ish.
    const left = pixel(last, 256, 64, 128);
    const right = pixel(last, 256, 192, 128);
    const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
    expect(sum(left)).toBeGreaterThan(sum(right) + 150);
    // The decoded frame matches the CPU render up to palette quantisation.
    const reference = (await frames.frame(record.steps.length - 1)).slice();
    let err = 0;
    for (let i = 0; i < reference.length; i += 4) {
      for (let c = 0; c < 3; c++) err += Math.abs((reference[i + c] ?? 0) - (last[i + c] ?? 0));
    }
    expect(err / ((reference.length / 4) * 3)).toBeLessThan(4);
  });

  it('burns the label into the bottom-left corner', async () => {
    const gif = decodeGif(
      await encodeGif(animationFrames(spec(), createCpuFrameRenderer()), { fps: 10 }),
    );
    const frame = gif.frames[0] ?? new Uint8ClampedArray();
    let white = 0;
    for (let y = 200; y < 256; y++) {
      for (let x = 0; x < 128; x++) if (pixel(frame, 256, x, y).every((v) => v > 240)) white++;
    }
    expect(white).toBeGreaterThan(30);
  });

  it('renders a grid of every word, one cell each', async () => {
    const positions = record.words.map((w) => w.tokenPosition);
    const frames = animationFrames(
      spec({ layout: 'grid', positions, size: 512 }),
      createCpuFrameRenderer(),
    );
    const gif = decodeGif(await encodeGif(frames, { fps: 5 }));
    expect(gif.frames).toHaveLength(6);
    expect([gif.width, gif.height]).toEqual([512, 512]);
    const { cols, rows, cell } = gridLayout(positions.length, 512);
    expect([cols, rows, cell]).toEqual([3, 3, 170]);
    savePng('export-gif-grid-last-frame.png', gif.frames[5] ?? new Uint8ClampedArray(), 512, 512);
  });

  it('renders the two-word comparison in compare mode, with its key below', async () => {
    const s = spec({
      positions: [RED, BLUE],
      params: { ...DEFAULT_OVERLAY_PARAMS, mode: 'compare', opacity: 0.9 },
      // The key strip is drawn from SVG: resvg here, the browser in the app.
      keyPixels: svgPixelsInNode,
    });
    const frames = animationFrames(s, createCpuFrameRenderer());
    expect(frames.height).toBeGreaterThan(256);
    const frame = await frames.frame(5);
    const left = pixel(frame, 256, 64, 128); // orange-ish: red channel dominates
    const right = pixel(frame, 256, 192, 128); // azure: blue dominates
    expect(left[0]).toBeGreaterThan(left[2] ?? 255);
    expect(right[2]).toBeGreaterThan(right[0] ?? 255);
  });

  it('stops when cancelled halfway, with ExportCancelledError and no output', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = encodeGif(animationFrames(spec(), createCpuFrameRenderer()), {
      fps: 10,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ExportCancelledError);
    expect(Math.max(...seen)).toBe(3);
  });
});
