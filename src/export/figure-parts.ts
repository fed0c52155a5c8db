/**
 * Parts every poster shares: the type scale, the title and settings block, and the legend (colour
 * bar with its ends labelled, plus the scaling note that says how the colours were stretched).
 */
import type { GenerationRecord } from '../core/record.ts';
import type { MapScale, OverlayParams } from '../core/overlay-types.ts';
import { colormapLut } from '../render/colormaps.ts';
import { wrapText, type Figure } from './figure.ts';

/** Sizes derived from the cell side, so a 128 px and a 1024 px poster have the same proportions. */
export function typeScale(cell: number): { fs: number; margin: number; gap: number } {
  return {
    fs: Math.min(26, Math.max(12, Math.round(cell * 0.07))),
    margin: Math.max(12, Math.round(cell / 12)),
    gap: Math.max(4, Math.round(cell / 32)),
  };
}

/** Which layers and heads the maps come from, as shown in the settings line. */
export interface MapChoice {
  layers: string;
  heads: string;
}

export function settingsText(record: GenerationRecord, choice?: MapChoice): string {
  const s = record.settings;
  const parts = [
    `model ${record.model.name}${record.model.version ? ` v${record.model.version}` : ''}`,
    `seed ${s.seed}`,
    `${s.steps} steps`,
    `guidance ${s.guidance}`,
    `layers: ${choice?.layers ?? 'all'}`,
    `heads: ${choice?.heads ?? 'all'}`,
  ];
  if (s.weights && Object.keys(s.weights).length)
    parts.push(
      `weights ${Object.entries(s.weights)
        .map(([w, k]) => `${w}×${k}`)
        .join(', ')}`,
    );
  return parts.join(' · ');
}

/** Adds wrapped lines at (x, y) (y = top of the block); returns the y below the block. */
export function addLines(
  fig: Figure,
  text: string,
  x: number,
  y: number,
  width: number,
  size: number,
  style: { bold?: boolean; italic?: boolean; fill?: string } = {},
): number {
  let top = y;
  for (const line of wrapText(text, size, width)) {
    fig.texts.push({ x, y: top + size, text: line, size, ...style });
    top += Math.round(size * 1.35);
  }
  return top;
}

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** CSS colours sampling a colormap at `count` evenly spaced points from 0 to 1. */
export function colormapStops(params: OverlayParams, count = 17): string[] {
  const lut = colormapLut(params.colormap);
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = Math.round((i / (count - 1)) * 255);
    stops.push(hex(lut[3 * k] ?? 0, lut[3 * k + 1] ?? 0, lut[3 * k + 2] ?? 0));
  }
  return stops;
}

/** Where each map's colour range comes from, in words, for the poster's scaling note. */
export function scalingNote(params: OverlayParams, scale: MapScale, ranges = true): string {
  if (params.normalize === 'absolute') {
    return 'Scale: Absolute. Colour = the raw attention probability from 0 to 1 (sums over steps are clipped at 1); no map is stretched.';
  }
  return scale === 'shared'
    ? `Scale: Shared. In each column every word's map is stretched over one range, the lowest minimum and highest maximum of the prompt's words at that step${ranges ? ' (printed under the column title)' : ''}, so a word that takes little attention looks dim.`
    : `Scale: Per word. Every map is stretched over its own minimum–maximum${ranges ? ' (printed under each cell)' : ''}, so a word that takes little attention looks as bright as a strong one; compare cells by their ranges.`;
}

export function modeNote(params: OverlayParams): string {
  return params.mode === 'mask'
    ? `Mask: pixels whose scaled value is at least τ = ${params.tau.toFixed(2)} show the image; the rest is dimmed.`
    : `Heatmap: ${params.colormap} at opacity ${params.opacity.toFixed(2)} over the image.`;
}

/**
 * The legend at (x, y): a colour bar labelled at both ends (and τ in mask mode), then the notes.
 * Returns the y below it.
 */
export function addLegend(
  fig: Figure,
  x: number,
  y: number,
  width: number,
  fs: number,
  params: OverlayParams,
  notes: string[],
): number {
  const barW = Math.min(width, Math.max(240, fs * 22));
  const barH = Math.round(fs * 0.9);
  const small = Math.round(fs * 0.72);
  fig.bars.push({ x, y, width: barW, height: barH, stops: colormapStops(params) });
  const absolute = params.normalize === 'absolute';
  const labelY = y + barH + small + 4;
  fig.texts.push({ x, y: labelY, text: absolute ? '0' : 'min', size: small, fill: '#333333' });
  fig.texts.push({
    x: x + barW,
    y: labelY,
    text: absolute ? '1' : 'max',
    size: small,
    anchor: 'end',
    fill: '#333333',
  });
  fig.texts.push({
    x: x + barW / 2,
    y: labelY,
    text: absolute ? 'attention probability' : 'scaled attention',
    size: small,
    anchor: 'middle',
    fill: '#333333',
  });
  if (params.mode === 'mask') {
    const tx = x + params.tau * barW;
    fig.lines.push([tx, y - 3, tx, y + barH + 3]);
    fig.texts.push({
      x: tx,
      y: y - 5,
      text: `τ ${params.tau.toFixed(2)}`,
      size: small,
      anchor: 'middle',
    });
  }
  let top = labelY + Math.round(small * 0.8);
  for (const note of notes) top = addLines(fig, note, x, top, width, small, { fill: '#333333' });
  return top;
}
