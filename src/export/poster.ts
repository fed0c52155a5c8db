/**
 * The poster: a paper-ready word × step figure, like those of DAAM and prompt-to-prompt. The title
 * is the prompt, then the settings (model, seed, steps, guidance, layers and heads); the image
 * column holds the generated image once; each word row has one cell per chosen step (that step's
 * map over the final image) and the cumulative map (DAAM's word map). Under the grid: a colour bar
 * and a note on how the colours were scaled (Per word, Shared or Absolute, as on screen). Written
 * as SVG (figure.ts) and as PNG from that SVG.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { MapInput, MapScale, OverlayParams } from '../core/overlay-types.ts';
import { contentPositions } from '../attention/scale.ts';
import { stepLabel, tokenText } from './animation.ts';
import { addCompareKey, exportCompareKey, exportOverlap } from './compare-key.ts';
import type { Figure } from './figure.ts';
import {
  addLegend,
  addLines,
  modeNote,
  scalingNote,
  settingsText,
  typeScale,
  type MapChoice,
} from './figure-parts.ts';
import type { FrameRenderer } from './frame-renderer.ts';
import { recordImage, type MapSource } from './map-source.ts';
import { spreadSteps } from './options.ts';
import { encodePng } from './png.ts';
import { checkpoint, type ExportControl } from './progress.ts';

export interface PosterSpec {
  record: GenerationRecord;
  /** Maps as drawn: already under `scale` (map-source.ts scaledMapSource). */
  maps: MapSource;
  /** Token positions, one row each; default the prompt's content words. */
  positions?: number[];
  /** Step indices, one column each; default a handful spread over the run. */
  steps?: number[];
  /** Side of one cell in pixels (the UI's "Cells" and the CLI's --size). */
  cell: number;
  params: OverlayParams;
  /** The scale the maps were stretched with, for the note (default 'word'). */
  scale?: MapScale;
  /** Layers and heads the maps come from (default all). */
  choice?: MapChoice;
  /** An extra line for the notes (e.g. why these words were chosen). */
  note?: string | null;
  /**
   * In Compare mode: the pair on screen. The poster then opens with a row of the two words in
   * Compare (their colours, each cell's IoU of τ-masks under it) and carries the Compare key with
   * the overlap at `step` (summed over steps 0..step when `cumulative`), as the view shows it.
   */
  compare?: { positions: readonly [number, number]; step: number; cumulative: boolean } | null;
}

/** The default poster rows: the content words (every word if the prompt has none). */
export function posterPositions(record: GenerationRecord): number[] {
  const content = contentPositions(record);
  return content.length ? content : record.words.map((w) => w.tokenPosition);
}

const fmt = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));
const range = (m: MapInput | null): string => (m ? `${fmt(m.min)}–${fmt(m.max)}` : '');

export interface PosterGrid {
  rows: string[];
  columns: string[];
  /** Top-left of cell (row, column); column 0 is the image column. */
  cellAt(row: number, column: number): { x: number; y: number };
}

export async function posterFigure(
  spec: PosterSpec,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<{ figure: Figure; grid: PosterGrid }> {
  const { record, cell } = spec;
  const total = record.steps.length;
  const last = total - 1;
  const positions = spec.positions ?? posterPositions(record);
  const steps = spec.steps ?? spreadSteps(total);
  const scale = spec.scale ?? 'word';
  const perCell = spec.params.normalize === 'minmax' && scale === 'word';
  const perColumn = spec.params.normalize === 'minmax' && scale === 'shared';
  const params: OverlayParams = {
    ...spec.params,
    mode: spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
  };
  const { fs, margin, gap } = typeScale(cell);
  const small = Math.round(fs * 0.72);

  const pair = spec.params.mode === 'compare' ? (spec.compare ?? null) : null;
  const pairWords = pair
    ? ([tokenText(record, pair.positions[0]), tokenText(record, pair.positions[1])] as const)
    : null;
  const first = pair ? 1 : 0; // the row of the first word

  const columns = ['image', ...steps.map((s) => stepLabel(s, total)), 'all steps'];
  const mapColumns = [...steps.map((s) => ({ step: s, cum: false })), { step: last, cum: true }];
  const rows = [
    ...(pairWords ? [`${pairWords[0]} + ${pairWords[1]}`] : []),
    ...positions.map((p) => tokenText(record, p)),
  ];
  const labelW = Math.max(fs * 3, ...rows.map((r) => Math.ceil(r.length * fs * 0.62))) + 2 * margin;
  const gridW = columns.length * (cell + gap) - gap;
  const width = labelW + gridW + margin;

  const figure: Figure = {
    width,
    height: 0,
    title: `Wordlight poster: “${record.settings.prompt}”`,
    description: `${settingsText(record, spec.choice)}. Rows: ${rows.join(', ') || 'none'}. Columns: ${columns.join(', ')}. ${scalingNote(params, scale)}`,
    texts: [],
    images: [],
    bars: [],
    lines: [],
  };
  const textW = width - 2 * margin;
  let y = margin;
  y = addLines(figure, `“${record.settings.prompt}”`, margin, y, textW, Math.round(fs * 1.25), {
    bold: true,
  });
  y = addLines(figure, settingsText(record, spec.choice), margin, y + 2, textW, small, {
    fill: '#333333',
  });
  y += Math.round(fs * 0.6);

  // Column titles, and under them the shared range of each map column.
  const colX = (c: number): number => labelW + c * (cell + gap);
  const headerH = Math.round(fs * 1.4) + (perColumn ? Math.round(small * 1.4) : 0);
  columns.forEach((title, c) => {
    figure.texts.push({
      x: colX(c) + cell / 2,
      y: y + fs,
      text: title,
      size: fs,
      anchor: 'middle',
    });
  });
  if (perColumn) {
    mapColumns.forEach(({ step, cum }, c) => {
      const p = positions[0];
      const m = p === undefined ? null : spec.maps.map(p, step, cum);
      figure.texts.push({
        x: colX(c + 1) + cell / 2,
        y: y + Math.round(fs * 1.4) + small,
        text: range(m),
        size: small,
        anchor: 'middle',
        fill: '#555555',
      });
    });
  }
  const gridTop = y + headerH;
  const captionH = perCell || pair ? Math.round(small * 1.5) : 0;
  const rowY = (r: number): number => gridTop + r * (cell + gap + captionH);

  const image = recordImage(record, last, 'final');
  const cellsTotal = 1 + rows.length * mapColumns.length;
  let done = 0;
  const put = async (
    c: number,
    r: number,
    mapA: MapInput | null,
    title: string,
    mapB?: MapInput | null,
  ): Promise<void> => {
    const rgba = await renderer.render(
      mapB === undefined
        ? { size: cell, image, mapA, params }
        : { size: cell, image, mapA, mapB, params: spec.params },
    );
    const x = colX(c);
    figure.images.push({
      x,
      y: rowY(r),
      width: cell,
      height: cell,
      png: encodePng(rgba, cell, cell),
      title,
    });
    await checkpoint(control, ++done, cellsTotal, `cell ${done}/${cellsTotal}`);
  };

  const rowLabel = (r: number, text: string): void => {
    figure.texts.push({ x: margin, y: rowY(r) + cell / 2 + fs * 0.35, text, size: fs, bold: true });
  };
  await put(0, 0, null, 'the generated image');
  if (pair && pairWords) {
    rowLabel(0, rows[0] ?? '');
    for (let c = 0; c < mapColumns.length; c++) {
      const { step, cum } = mapColumns[c]!;
      const a = spec.maps.map(pair.positions[0], step, cum);
      const b = spec.maps.map(pair.positions[1], step, cum);
      const { iou } = exportOverlap(spec.params, a, b);
      const what = iou === null ? 'neither reaches τ' : `IoU ${iou.toFixed(2)}`;
      await put(c + 1, 0, a, `${rows[0]} in Compare, ${columns[c + 1]}: ${what}`, b);
      figure.texts.push({
        x: colX(c + 1) + cell / 2,
        y: rowY(0) + cell + small + 1,
        text: what,
        size: small,
        anchor: 'middle',
        fill: '#555555',
      });
    }
  }
  for (let i = 0; i < positions.length; i++) {
    const r = i + first;
    const p = positions[i] ?? 0;
    const word = rows[r] ?? '';
    rowLabel(r, word);
    for (let c = 0; c < mapColumns.length; c++) {
      const { step, cum } = mapColumns[c]!;
      const m = spec.maps.map(p, step, cum);
      await put(c + 1, r, m, `“${word}”, ${columns[c + 1]}`);
      if (perCell) {
        figure.texts.push({
          x: colX(c + 1) + cell / 2,
          y: rowY(r) + cell + small + 1,
          text: range(m),
          size: small,
          anchor: 'middle',
          fill: '#555555',
        });
      }
    }
  }
  const gridBottom = rowY(Math.max(1, rows.length)) - gap;
  const compareNote = pairWords
    ? [
        `Top row: “${pairWords[0]}” and “${pairWords[1]}” in Compare, one colour each (key below), the IoU of their τ-masks under each cell; the other rows: one heatmap per word.`,
      ]
    : spec.params.mode === 'compare'
      ? ['Compare mode is drawn as one heatmap per word.']
      : [];
  const notes = [
    scalingNote(params, scale),
    modeNote(params),
    '“all steps”: attention summed over every step (DAAM’s word map); step columns: that step alone.',
    ...compareNote,
    ...(spec.note ? [spec.note] : []),
  ];
  let bottom = addLegend(figure, labelW, gridBottom + margin, gridW, fs, params, notes);
  if (pair && pairWords) {
    bottom += Math.round(fs * 0.6);
    figure.texts.push({ x: labelW, y: bottom + fs, text: 'Compare key', size: fs, bold: true });
    const key = exportCompareKey(
      spec.params,
      pairWords,
      spec.maps.map(pair.positions[0], pair.step, pair.cumulative),
      spec.maps.map(pair.positions[1], pair.step, pair.cumulative),
    );
    const at = pair.cumulative ? `steps 1–${pair.step + 1} summed` : stepLabel(pair.step, total);
    bottom = addCompareKey(figure, key, labelW, bottom + Math.round(fs * 1.4), gridW, small, [
      `The overlap above is at ${at}; under each Compare cell, that column's.`,
    ]);
  }
  figure.height = bottom + margin;
  return {
    figure,
    grid: { rows, columns, cellAt: (r, c) => ({ x: colX(c), y: rowY(r) }) },
  };
}
