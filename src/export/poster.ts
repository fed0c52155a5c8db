/**
 * The poster: a paper-ready word × step grid, like the figures of DAAM and prompt-to-prompt.
 * Rows are words; the first column is the generated image, then one column per chosen step (that
 * step's map over the final image), then the cumulative map over all steps (DAAM's word map). Row
 * labels on the left, column titles on top, dark text on white.
 */
import type { GenerationRecord } from '../core/record.ts';
import { drawText, measureLabel } from '../render/bitmap-font.ts';
import type { OverlayParams } from '../core/overlay-types.ts';
import { stepLabel, tokenText } from './animation.ts';
import type { FrameRenderer } from './frame-renderer.ts';
import { recordImage, type MapSource } from './map-source.ts';
import { spreadSteps } from './options.ts';
import { checkpoint, type ExportControl } from './progress.ts';

export interface PosterSpec {
  record: GenerationRecord;
  maps: MapSource;
  /** Token positions, one row each; default every prompt word. */
  positions?: number[];
  /** Step indices, one column each; default a handful spread over the run. */
  steps?: number[];
  /** Side of one cell in pixels. */
  cell: number;
  params: OverlayParams;
}

export interface PosterLayout {
  width: number;
  height: number;
  cell: number;
  gap: number;
  /** Width of the row-label column and height of the title row. */
  labelWidth: number;
  titleHeight: number;
  textScale: number;
  columns: string[];
  rows: string[];
  /** Top-left pixel of cell (row, column). */
  cellAt(row: number, column: number): { x: number; y: number };
}

const TEXT_COLOR = [20, 20, 20] as const;

/** Geometry of a poster: `rows` labelled rows × `columns` titled columns of `cell`-pixel cells. */
export function posterLayout(rows: string[], columns: string[], cell: number): PosterLayout {
  const textScale = Math.max(1, Math.round(cell / 128));
  const gap = Math.max(4, Math.round(cell / 32));
  const pad = 2 * gap;
  const widest = Math.max(0, ...rows.map((r) => measureLabel(r, textScale).width));
  const labelWidth = widest + 2 * pad;
  const titleHeight = measureLabel('X', textScale).height + 2 * pad;
  const width = labelWidth + columns.length * (cell + gap) + gap;
  const height = titleHeight + rows.length * (cell + gap) + gap;
  return {
    width,
    height,
    cell,
    gap,
    labelWidth,
    titleHeight,
    textScale,
    columns,
    rows,
    cellAt: (row, column) => ({
      x: labelWidth + gap + column * (cell + gap),
      y: titleHeight + row * (cell + gap),
    }),
  };
}

/** The default poster rows: every prompt word (unknown words included: they are shown as such). */
export function posterPositions(record: GenerationRecord): number[] {
  return record.words.map((w) => w.tokenPosition);
}

export interface Poster {
  rgba: Uint8ClampedArray;
  layout: PosterLayout;
}

export async function renderPoster(
  spec: PosterSpec,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<Poster> {
  const { record, cell } = spec;
  const total = record.steps.length;
  const positions = spec.positions ?? posterPositions(record);
  const steps = spec.steps ?? spreadSteps(total);
  const last = total - 1;
  const columns = ['image', ...steps.map((s) => stepLabel(s, total)), 'all steps'];
  const rows = positions.map((p) => tokenText(record, p));
  const layout = posterLayout(rows, columns, cell);
  const { width, height, textScale } = layout;

  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  const textH = measureLabel('X', textScale).height;
  columns.forEach((title, c) => {
    const { x } = layout.cellAt(0, c);
    const w = measureLabel(title, textScale).width;
    const ty = Math.floor((layout.titleHeight - textH) / 2);
    drawText(rgba, width, height, title, x + Math.floor((cell - w) / 2), ty, textScale, TEXT_COLOR);
  });

  const image = recordImage(record, last, 'final');
  const params: OverlayParams = {
    ...spec.params,
    mode: spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
  };
  const cellsTotal = rows.length * columns.length;
  let done = 0;
  const put = (tile: Uint8ClampedArray, row: number, column: number): void => {
    const { x, y } = layout.cellAt(row, column);
    for (let j = 0; j < cell; j++) {
      rgba.set(tile.subarray(j * cell * 4, (j + 1) * cell * 4), ((y + j) * width + x) * 4);
    }
  };

  for (let r = 0; r < positions.length; r++) {
    const p = positions[r] ?? 0;
    const { y } = layout.cellAt(r, 0);
    drawText(
      rgba,
      width,
      height,
      rows[r] ?? '',
      2 * layout.gap,
      y + Math.floor((cell - textH) / 2),
      textScale,
      TEXT_COLOR,
    );
    put(await renderer.render({ size: cell, image, mapA: null, params }), r, 0);
    await checkpoint(control, ++done, cellsTotal, `row ${r + 1}/${rows.length}`);
    const mapsInRow = [
      ...steps.map((s) => spec.maps.map(p, s, false)),
      spec.maps.map(p, last, true),
    ];
    for (let c = 0; c < mapsInRow.length; c++) {
      put(
        await renderer.render({ size: cell, image, mapA: mapsInRow[c] ?? null, params }),
        r,
        c + 1,
      );
      await checkpoint(control, ++done, cellsTotal, `row ${r + 1}/${rows.length}`);
    }
  }
  return { rgba, layout };
}
