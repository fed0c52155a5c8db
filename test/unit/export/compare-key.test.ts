/**
 * The Compare key in exports: the poster's Compare row and key, and the key strip under PNG/GIF
 * frames, drawn through the CLI's real rasteriser (resvg) — swatch pixels read back and compared
 * with the pair the frames are drawn in, key text compared with the view's wording.
 */
import { describe, expect, it } from 'vitest';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { pairOverlap } from '../../../src/attention/masks.ts';
import { svgPixelsInNode, rasterizeSvgInNode } from '../../../src/cli/svg-raster.ts';
import { DEFAULT_OVERLAY_PARAMS, type OverlayParams } from '../../../src/core/overlay-types.ts';
import { keyStripLayout, keyStripSvg, exportCompareKey } from '../../../src/export/compare-key.ts';
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { scaledMapSource } from '../../../src/export/map-source.ts';
import { posterFigure } from '../../../src/export/poster.ts';
import { runExport } from '../../../src/export/run.ts';
import { COMPARE_CANDIDATES, compareKey } from '../../../src/render/compare-colours.ts';
import { fakeRecord } from './fake-record.ts';
import { decodeGif, decodePng, pixel, savePng } from './helpers.ts';

const record = fakeRecord(6);
const at = (word: string): number => record.tokens.findIndex((t) => t.text === word);
const RED = at('red');
const BLUE = at('blue');
const maps = scaledMapSource(wordMapSeries(record), record, 'shared');
// Magenta and green: not the default pair, so a key that ignored the chosen colours would fail.
const [MAGENTA, GREEN] = [COMPARE_CANDIDATES[2]!.rgb, COMPARE_CANDIDATES[3]!.rgb];
const params: OverlayParams = {
  ...DEFAULT_OVERLAY_PARAMS,
  mode: 'compare',
  compareColors: [MAGENTA, GREEN],
};
const byte = (v: number): number => Math.round(v * 255);
const rgbBytes = (rgb: readonly number[]): number[] => rgb.map(byte);

/** The swatch rectangles of an SVG, in order. */
function swatches(svg: string): { x: number; y: number; w: number; h: number; fill: string }[] {
  return [
    ...svg.matchAll(
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]{6})"\/>/g,
    ),
  ].map((m) => ({ x: +m[1]!, y: +m[2]!, w: +m[3]!, h: +m[4]!, fill: m[5]! }));
}

describe('Compare key in exports', () => {
  it('uses the view’s wording and the IoU of the two τ-masks', () => {
    const a = maps.map(RED, 3, false)!;
    const b = maps.map(BLUE, 3, false)!;
    const key = exportCompareKey(params, ['red', 'blue'], a, b);
    const view = compareKey(
      { a: { rgb: MAGENTA }, b: { rgb: GREEN } },
      ['red', 'blue'],
      pairOverlap(a, b, params.tau, params.normalize),
    );
    expect(key).toEqual(view);
    expect(key.overlap).toMatch(/^overlap \(IoU of τ-masks, τ = 0\.40\): \d\.\d\d$/);
    expect(key.entries.map((e) => e.label)).toEqual(['“red”', '“blue”']);
  });

  it('a Compare poster opens with the pair in Compare and carries the key (SVG and PNG)', async () => {
    const spec = {
      record,
      maps,
      cell: 128,
      params,
      scale: 'shared' as const,
      compare: { positions: [RED, BLUE] as const, step: 4, cumulative: false },
    };
    const { figure, grid } = await posterFigure(spec, createCpuFrameRenderer());
    expect(grid.rows).toEqual(['red + blue', 'red', 'circle', 'blue', 'square']);
    expect(figure.images).toHaveLength(1 + 5 * 6);
    const texts = figure.texts.map((t) => t.text);
    const key = exportCompareKey(
      params,
      ['red', 'blue'],
      maps.map(RED, 4, false),
      maps.map(BLUE, 4, false),
    );
    expect(texts).toEqual(expect.arrayContaining(['Compare key', '“red”', '“blue”', key.overlap]));
    expect(texts.join('\n')).toMatch(/overlap above is at step 5\/6/);
    expect(texts.join('\n')).not.toMatch(/drawn as one heatmap per word/);
    // Under each Compare cell, that column's IoU.
    expect(texts.filter((t) => /^IoU \d\.\d\d$|^neither reaches τ$/.test(t))).toHaveLength(6);

    const result = await runExport(
      { format: 'poster', poster: spec, file: 'png', rasterize: rasterizeSvgInNode },
      createCpuFrameRenderer(),
    );
    const png = decodePng(result.bytes);
    savePng('export-compare-poster.png', png.rgba, png.width, png.height);
    const rects = figure.rects ?? [];
    expect(rects.map((r) => r.fill)).toEqual(['#e61acc', '#33bf1a']);
    rects.forEach((r, i) => {
      const c = pixel(png.rgba, png.width, r.x + (r.width >> 1), r.y + (r.height >> 1));
      expect(c.slice(0, 3)).toEqual(rgbBytes(i === 0 ? MAGENTA : GREEN));
    });
    // The Compare row's "all steps" cell is drawn in the pair's colours, not a colormap: where
    // "red" attends (its object, left) magenta dominates green.
    const cell = grid.cellAt(0, 6);
    const hot = pixel(png.rgba, png.width, cell.x + 32, cell.y + 64);
    expect(hot[0]! - hot[1]!).toBeGreaterThan(40);
  });

  it('PNG and GIF frames of a Compare get the key strip below the image', async () => {
    const size = 256;
    const strip = keyStripLayout(size, ['red', 'blue']);
    const animation = {
      record,
      maps,
      size,
      fps: 4,
      layout: 'overlay' as const,
      positions: [RED, BLUE],
      params,
      label: true,
      image: 'x0' as const,
      cumulative: false,
      keyPixels: svgPixelsInNode,
    };
    const renderer = createCpuFrameRenderer();
    const last = record.steps.length - 1;
    const png = decodePng(
      (await runExport({ format: 'png', animation, step: last }, renderer)).bytes,
    );
    expect([png.width, png.height]).toEqual([size, size + strip.height]);
    savePng('export-compare-frame.png', png.rgba, png.width, png.height);
    const key = exportCompareKey(
      params,
      ['red', 'blue'],
      maps.map(RED, last, false),
      maps.map(BLUE, last, false),
    );
    const rects = swatches(keyStripSvg(key, size, strip));
    expect(rects.map((r) => r.fill)).toEqual(['#e61acc', '#33bf1a']);
    for (const [i, r] of rects.entries()) {
      const c = pixel(png.rgba, size, r.x + (r.w >> 1), size + r.y + (r.h >> 1));
      expect(c.slice(0, 3)).toEqual(rgbBytes(i === 0 ? MAGENTA : GREEN));
    }

    const gif = decodeGif((await runExport({ format: 'gif', animation }, renderer)).bytes);
    expect([gif.width, gif.height]).toEqual([size, size + strip.height]);
    expect(gif.frames).toHaveLength(record.steps.length);
    for (const frame of gif.frames) {
      for (const [i, r] of rects.entries()) {
        const c = pixel(frame, size, r.x + (r.w >> 1), size + r.y + (r.h >> 1)).slice(0, 3);
        const want = rgbBytes(i === 0 ? MAGENTA : GREEN);
        // A GIF palette holds 256 colours: the swatch gets the nearest one.
        expect(Math.max(...c.map((v, k) => Math.abs(v - want[k]!)))).toBeLessThanOrEqual(12);
      }
    }

    // One word (not a Compare): no strip.
    const one = await runExport(
      { format: 'png', animation: { ...animation, positions: [RED] }, step: last },
      renderer,
    );
    expect(decodePng(one.bytes).height).toBe(size);
  });
});
