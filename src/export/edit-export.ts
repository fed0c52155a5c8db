/**
 * Exports of a comparison (a prompt-to-prompt edit and its source, or two seeds of one prompt):
 * a poster (source | edited | difference: the two images and their difference on top, then a row
 * per word with the source word's map, the aligned edited word's map and their difference on a
 * diverging colormap), as SVG or PNG like the word poster; and an animation over the steps whose
 * frames show the three panels side by side (GIF, WebM, MP4).
 */
import type { GenerationRecord } from '../core/record.ts';
import type { MapScale, OverlayParams } from '../core/overlay-types.ts';
import { diverging } from '../render/diverging.ts';
import { imageDifferenceTile, mapChange, mapDifferenceTile } from './difference-tiles.ts';
import { stepLabel, tokenText, type FrameSequence } from './animation.ts';
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
import { encodePng } from './png.ts';
import { checkpoint, type ExportControl } from './progress.ts';

export interface EditExportSpec {
  source: GenerationRecord;
  edited: GenerationRecord;
  /** Maps as drawn (under `scale`), one source per run. */
  sourceMaps: MapSource;
  editedMaps: MapSource;
  /** Source token positions, one row each (their aligned edited words come from the edit). */
  positions: number[];
  params: OverlayParams;
  scale: MapScale;
  choice?: MapChoice;
}

/** The edited run's position for a source position: the edit's alignment, or the same position
 * when two seeds of one prompt are compared; null when the edit has no word there. */
export function alignedPosition(edited: GenerationRecord, sourcePosition: number): number | null {
  const map = edited.edit?.sourceOf;
  if (!map) return sourcePosition;
  const q = map.indexOf(sourcePosition);
  return q >= 0 ? q : null;
}

/** What the comparison is, in one line (the poster's subtitle). */
export function comparisonText(source: GenerationRecord, edited: GenerationRecord): string {
  const e = edited.edit;
  if (!e)
    return `“${source.settings.prompt}”: seed ${source.settings.seed} vs seed ${edited.settings.seed}`;
  const how = e.mode === 'refine' ? 'refinement' : 'word swap';
  return `“${source.settings.prompt}” → “${edited.settings.prompt}” · ${how} · source maps injected in ${e.injectedSteps}/${edited.settings.steps} steps`;
}

const DIVERGING_STOPS = [-1, -0.5, 0, 0.5, 1].map((t) => {
  const [r, g, b] = diverging(t);
  return `rgb(${r},${g},${b})`;
});

/** The comparison poster as a Figure (SVG and PNG through figure.ts / run.ts posterFile). */
export async function editPosterFigure(
  spec: EditExportSpec,
  cell: number,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<Figure> {
  const { source, edited } = spec;
  const { fs, margin, gap } = typeScale(cell);
  const small = Math.round(fs * 0.72);
  const params: OverlayParams = {
    ...spec.params,
    mode: spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
  };
  const lastA = source.steps.length - 1;
  const lastB = edited.steps.length - 1;
  const rows = spec.positions.map((p) => {
    const q = alignedPosition(edited, p);
    const a = tokenText(source, p);
    const b = q === null ? null : tokenText(edited, q);
    return { p, q, label: b === null ? `${a} → –` : a === b ? a : `${a} → ${b}` };
  });
  const labelW =
    Math.max(fs * 4, ...rows.map((r) => Math.ceil(r.label.length * fs * 0.62))) + 2 * margin;
  const columns = ['source', 'edited', 'difference'];
  const gridW = 3 * cell + 2 * gap;
  const width = Math.max(labelW + gridW + margin, 2 * margin + fs * 30);
  const figure: Figure = {
    width,
    height: 0,
    title: `Wordlight comparison: ${comparisonText(source, edited)}`,
    description: `${settingsText(edited, spec.choice)}. Columns: source, edited, difference. Rows: the images, then ${rows.map((r) => r.label).join(', ') || 'no words'}.`,
    texts: [],
    images: [],
    bars: [],
    lines: [],
  };
  const textW = width - 2 * margin;
  let y = addLines(
    figure,
    comparisonText(source, edited),
    margin,
    margin,
    textW,
    Math.round(fs * 1.1),
    {
      bold: true,
    },
  );
  y = addLines(figure, settingsText(edited, spec.choice), margin, y + 2, textW, small, {
    fill: '#333333',
  });
  y += Math.round(fs * 0.6);
  const colX = (c: number): number => labelW + c * (cell + gap);
  columns.forEach((t, c) =>
    figure.texts.push({ x: colX(c) + cell / 2, y: y + fs, text: t, size: fs, anchor: 'middle' }),
  );
  const gridTop = y + Math.round(fs * 1.4);
  const rowY = (r: number): number => gridTop + r * (cell + gap);
  const total = 3 * (rows.length + 1);
  let done = 0;
  const put = async (
    c: number,
    r: number,
    rgba: Uint8ClampedArray,
    title: string,
  ): Promise<void> => {
    figure.images.push({
      x: colX(c),
      y: rowY(r),
      width: cell,
      height: cell,
      png: encodePng(rgba, cell, cell),
      title,
    });
    await checkpoint(control, ++done, total, `cell ${done}/${total}`);
  };
  const imgA = recordImage(source, lastA, 'final');
  const imgB = recordImage(edited, lastB, 'final');
  figure.texts.push({
    x: margin,
    y: rowY(0) + cell / 2 + fs * 0.35,
    text: 'image',
    size: fs,
    bold: true,
  });
  await put(
    0,
    0,
    await renderer.render({ size: cell, image: imgA, mapA: null, params }),
    'source image',
  );
  await put(
    1,
    0,
    await renderer.render({ size: cell, image: imgB, mapA: null, params }),
    'edited image',
  );
  await put(
    2,
    0,
    imageDifferenceTile(source, edited, Math.max(lastA, lastB), cell),
    'image difference',
  );
  for (let i = 0; i < rows.length; i++) {
    const { p, q, label } = rows[i]!;
    const r = i + 1;
    figure.texts.push({
      x: margin,
      y: rowY(r) + cell / 2 + fs * 0.35,
      text: label,
      size: fs,
      bold: true,
    });
    const a = spec.sourceMaps.map(p, lastA, true);
    const b = q === null ? null : spec.editedMaps.map(q, lastB, true);
    await put(
      0,
      r,
      await renderer.render({ size: cell, image: imgA, mapA: a, params }),
      `source “${label}”`,
    );
    await put(
      1,
      r,
      await renderer.render({ size: cell, image: imgB, mapA: b, params }),
      `edited “${label}”`,
    );
    await put(2, r, mapDifferenceTile(a, b, cell), `map difference “${label}”`);
    figure.texts.push({
      x: colX(2) + cell / 2,
      y: rowY(r) + cell - small * 0.5,
      text: `±${mapChange(a, b).toFixed(3)}`,
      size: small,
      anchor: 'middle',
      fill: '#333333',
    });
  }
  const bottom = rowY(rows.length + 1) - gap + margin;
  const notes = [
    scalingNote(params, spec.scale, false),
    modeNote(params),
    'Maps: attention summed over all steps (DAAM’s word map); a row pairs a source word with the edited word the edit aligned it with.',
    'Difference: image |edited − source| in grey (white = half the value range or more); map edited − source of raw attention, red more, blue less, scaled to the largest change (printed in the cell).',
  ];
  let next = addLegend(figure, labelW, bottom, gridW, fs, params, notes);
  const barW = Math.min(gridW, Math.max(240, fs * 22));
  figure.bars.push({
    x: labelW,
    y: next + 4,
    width: barW,
    height: Math.round(fs * 0.9),
    stops: DIVERGING_STOPS,
  });
  const ly = next + 4 + Math.round(fs * 0.9) + small + 4;
  figure.texts.push({ x: labelW, y: ly, text: 'less in the edit', size: small, fill: '#333333' });
  figure.texts.push({
    x: labelW + barW,
    y: ly,
    text: 'more in the edit',
    size: small,
    anchor: 'end',
    fill: '#333333',
  });
  next = ly + margin;
  figure.height = next;
  return figure;
}

/**
 * Frames over the steps: [source overlay | edited overlay | difference] at step k for one word
 * (its aligned edited word), or the images and their difference without a word. Each panel is
 * `size` px; a frame is 3·size wide.
 */
export function editFrames(
  spec: EditExportSpec,
  size: number,
  renderer: FrameRenderer,
  label: boolean,
): FrameSequence {
  const { source, edited } = spec;
  const count = Math.min(source.steps.length, edited.steps.length);
  const width = 3 * size;
  const frame = new Uint8ClampedArray(width * size * 4);
  const blit = (tile: Uint8ClampedArray, column: number): void => {
    for (let y = 0; y < size; y++)
      frame.set(tile.subarray(y * size * 4, (y + 1) * size * 4), (y * width + column * size) * 4);
  };
  const p = spec.positions[0];
  const q = p === undefined ? null : alignedPosition(edited, p);
  const params: OverlayParams = {
    ...spec.params,
    mode: spec.params.mode === 'compare' ? 'heatmap' : spec.params.mode,
  };
  return {
    count,
    width,
    height: size,
    async frame(k) {
      const word = p === undefined ? '' : tokenText(source, p);
      const aligned = q === null ? '' : tokenText(edited, q);
      const a = p === undefined ? null : spec.sourceMaps.map(p, k, false);
      const b = q === null ? null : spec.editedMaps.map(q, k, false);
      const when = stepLabel(k, count);
      blit(
        await renderer.render({
          size,
          image: recordImage(source, k, 'x0'),
          mapA: a,
          params,
          label: label ? `source ${word} ${when}`.replace(/\s+/g, ' ') : null,
        }),
        0,
      );
      blit(
        await renderer.render({
          size,
          image: recordImage(edited, k, 'x0'),
          mapA: b,
          params,
          label: label ? `edited ${aligned} ${when}`.replace(/\s+/g, ' ') : null,
        }),
        1,
      );
      blit(
        p === undefined
          ? imageDifferenceTile(source, edited, k, size)
          : mapDifferenceTile(a, b, size),
        2,
      );
      return frame;
    },
  };
}
