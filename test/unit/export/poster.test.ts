import { describe, expect, it } from 'vitest';
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { figureSvg } from '../../../src/export/figure.ts';
import { scaledMapSource } from '../../../src/export/map-source.ts';
import { spreadSteps } from '../../../src/export/options.ts';
import { posterFigure } from '../../../src/export/poster.ts';
import { runExport } from '../../../src/export/run.ts';
import { rasterizeSvgInNode } from '../../../src/cli/svg-raster.ts';
import { DEFAULT_OVERLAY_PARAMS } from '../../../src/core/overlay-types.ts';
import { fakeRecord } from './fake-record.ts';
import { decodePng, pixel, savePng } from './helpers.ts';

const record = fakeRecord(10);
const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);

describe('poster', () => {
  it('spreads a handful of steps over the run, first and last included', () => {
    expect(spreadSteps(10)).toEqual([0, 2, 5, 7, 9]);
    expect(spreadSteps(3)).toEqual([0, 1, 2]);
    expect(spreadSteps(1)).toEqual([0]);
  });

  it('is content words × (image once + steps + cumulative), with prompt, settings, colour bar and note', async () => {
    const cell = 128;
    const maps = scaledMapSource(wordMapSeries(record), record, 'shared');
    const spec = { record, maps, cell, params: DEFAULT_OVERLAY_PARAMS, scale: 'shared' as const };
    const { figure, grid } = await posterFigure(spec, createCpuFrameRenderer());
    expect(grid.rows).toEqual(['red', 'circle', 'blue', 'square']);
    expect(grid.columns).toEqual([
      'image',
      'step 1/10',
      'step 3/10',
      'step 6/10',
      'step 8/10',
      'step 10/10',
      'all steps',
    ]);
    // The image once, then 4 rows × 6 map cells.
    expect(figure.images).toHaveLength(1 + 4 * 6);
    expect(figure.bars).toHaveLength(1);
    const texts = figure.texts.map((t) => t.text).join('\n');
    expect(texts).toContain('“a red circle and a blue square”');
    expect(texts).toMatch(/seed \d+ · 10 steps · guidance [\d.]+ · layers: all · heads: all/);
    expect(texts).toMatch(/Scale: Shared/);

    const svg = figureSvg(figure);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')).toBe(true);
    const result = await runExport(
      { format: 'poster', poster: spec, file: 'png', rasterize: rasterizeSvgInNode },
      createCpuFrameRenderer(),
    );
    expect(result.mime).toBe('image/png');
    const png = decodePng(result.bytes);
    savePng('export-poster.png', png.rgba, png.width, png.height);
    expect([png.width, png.height]).toEqual([figure.width, figure.height]);

    // The image cell shows the red disk plainly; row "red" (0), cumulative column: hot on the
    // left object, cool on the right one; the gutter is white.
    const img = grid.cellAt(0, 0);
    const disk = pixel(png.rgba, png.width, img.x + cell / 4, img.y + cell / 2);
    expect(disk[0]).toBeGreaterThan(200);
    expect(disk[1]).toBeLessThan(60);
    const cum = grid.cellAt(0, 6);
    const hot = pixel(png.rgba, png.width, cum.x + cell / 4, cum.y + cell / 2);
    const cold = pixel(png.rgba, png.width, cum.x + (3 * cell) / 4, cum.y + cell / 2);
    expect(sum(hot)).toBeGreaterThan(sum(cold) + 150);
    expect(pixel(png.rgba, png.width, img.x + cell + 1, img.y + 5)).toEqual([255, 255, 255]);
    // Row "circle" has no image cell (one image column, not repeated): white there.
    const below = grid.cellAt(1, 0);
    expect(pixel(png.rgba, png.width, below.x + cell / 2, below.y + cell / 2)).toEqual([
      255, 255, 255,
    ]);
  });

  it('takes chosen rows and columns, escapes the prompt and prints per-cell ranges under Per word', async () => {
    const r = fakeRecord(10);
    r.settings = { ...r.settings, prompt: 'a <red> & "blue"' };
    const { figure, grid } = await posterFigure(
      {
        record: r,
        maps: wordMapSeries(r),
        positions: [2, 6],
        steps: [4],
        cell: 64,
        params: DEFAULT_OVERLAY_PARAMS,
        scale: 'word',
      },
      createCpuFrameRenderer(),
    );
    expect(grid.rows).toEqual(['red', 'blue']);
    expect(grid.columns).toEqual(['image', 'step 5/10', 'all steps']);
    // Two ranges per row (one per map cell).
    expect(figure.texts.filter((t) => /^\d\.\d{3}–\d\.\d{3}$/.test(t.text))).toHaveLength(4);
    const svg = figureSvg(figure);
    expect(svg).toContain('“a &lt;red&gt; &amp; &quot;blue&quot;”');
    expect(svg).not.toContain('<red>');
  });
});
