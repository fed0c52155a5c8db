import { describe, expect, it } from 'vitest';
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { spreadSteps } from '../../../src/export/options.ts';
import { posterLayout, renderPoster } from '../../../src/export/poster.ts';
import { runExport } from '../../../src/export/run.ts';
import { DEFAULT_OVERLAY_PARAMS } from '../../../src/core/overlay-types.ts';
import { fakeRecord } from './fake-record.ts';
import { decodePng, pixel, savePng } from './helpers.ts';

const record = fakeRecord(10);

describe('poster', () => {
  it('spreads a handful of steps over the run, first and last included', () => {
    expect(spreadSteps(10)).toEqual([0, 2, 5, 7, 9]);
    expect(spreadSteps(3)).toEqual([0, 1, 2]);
    expect(spreadSteps(1)).toEqual([0]);
  });

  it('is a words × (image + steps + cumulative) grid of the expected pixel size', async () => {
    const cell = 128;
    const result = await runExport(
      {
        format: 'poster',
        poster: { record, maps: wordMapSeries(record), cell, params: DEFAULT_OVERLAY_PARAMS },
      },
      createCpuFrameRenderer(),
    );
    const png = decodePng(result.bytes);
    savePng('export-poster.png', png.rgba, png.width, png.height);
    const layout = posterLayout(
      record.words.map((w) => w.word),
      ['image', 'step 1/10', 'step 3/10', 'step 6/10', 'step 8/10', 'step 10/10', 'all steps'],
      cell,
    );
    // 7 rows (words) × 7 columns (image, 5 steps, all steps), gaps of 4 px, labels around.
    expect(layout.columns).toHaveLength(7);
    expect(layout.rows).toHaveLength(7);
    expect(layout.gap).toBe(4);
    expect(png.width).toBe(layout.labelWidth + 7 * (cell + 4) + 4);
    expect(png.height).toBe(layout.titleHeight + 7 * (cell + 4) + 4);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);

    // Row "red" (index 1): the image column shows the red disk plainly; the cumulative column is
    // hot on the left object and cool on the right one.
    const red = 1;
    const img = layout.cellAt(red, 0);
    const disk = pixel(png.rgba, png.width, img.x + cell / 4, img.y + cell / 2);
    expect(disk[0]).toBeGreaterThan(200);
    expect(disk[1]).toBeLessThan(60);
    const cum = layout.cellAt(red, 6);
    const hot = pixel(png.rgba, png.width, cum.x + cell / 4, cum.y + cell / 2);
    const cold = pixel(png.rgba, png.width, cum.x + (3 * cell) / 4, cum.y + cell / 2);
    const sum = (c: number[]) => c.reduce((a, b) => a + b, 0);
    expect(sum(hot)).toBeGreaterThan(sum(cold) + 150);
    // The gutter between cells is white.
    expect(pixel(png.rgba, png.width, img.x + cell + 1, img.y + 5)).toEqual([255, 255, 255]);
  });

  it('takes chosen rows and columns', async () => {
    const { layout } = await renderPoster(
      {
        record,
        maps: wordMapSeries(record),
        positions: [2, 6],
        steps: [4],
        cell: 64,
        params: DEFAULT_OVERLAY_PARAMS,
      },
      createCpuFrameRenderer(),
    );
    expect(layout.rows).toEqual(['red', 'blue']);
    expect(layout.columns).toEqual(['image', 'step 5/10', 'all steps']);
  });
});
