/**
 * What can be exported and with which options, and the checks that turn a bad choice into one
 * readable line naming the accepted values (CLI and app show it as is).
 */
import { InvalidInputError } from '../core/errors.ts';

export type ExportFormat = 'gif' | 'webm' | 'mp4' | 'png' | 'poster' | 'zip';
export const EXPORT_FORMATS: readonly ExportFormat[] = [
  'gif',
  'webm',
  'mp4',
  'png',
  'poster',
  'zip',
];
/** The CLI has no video encoder (WebM and MP4 are browser only). */
export const CLI_FORMATS: readonly ExportFormat[] = ['gif', 'png', 'poster', 'zip'];

export type ExportSize = 256 | 512 | 1024;
export const EXPORT_SIZES: readonly ExportSize[] = [256, 512, 1024];
export const DEFAULT_SIZE: ExportSize = 512;

/** GIF delays are centiseconds and browsers slow anything under 2 cs down to 10 cs: cap at 50. */
export const FPS_RANGE = { min: 1, max: 50 } as const;
export const DEFAULT_FPS = 8;

/** Poster cell side when none is chosen, the same in the app ("Cells") and the CLI (--size). */
export const DEFAULT_POSTER_CELL: ExportSize = 256;

/** A poster is written as a PNG or as an SVG (vector text, cells embedded as PNG). */
export type PosterFile = 'png' | 'svg';

/** Poster columns when none are chosen: this many steps spread over the run, then the cumulative map. */
export const DEFAULT_POSTER_STEPS = 5;

export const FILE_EXTENSIONS: Record<ExportFormat, string> = {
  gif: 'gif',
  webm: 'webm',
  mp4: 'mp4',
  png: 'png',
  poster: 'png',
  zip: 'zip',
};

export function parseFormat(
  value: string,
  accepted: readonly ExportFormat[] = EXPORT_FORMATS,
): ExportFormat {
  const v = value.trim().toLowerCase();
  if (!(accepted as readonly string[]).includes(v)) {
    throw new InvalidInputError(
      'format',
      `Unsupported format "${value}": use one of ${accepted.join(', ')}.`,
    );
  }
  return v as ExportFormat;
}

export function parseSize(value: number | string): ExportSize {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!(EXPORT_SIZES as readonly number[]).includes(n)) {
    throw new InvalidInputError(
      'size',
      `Unsupported size "${value}": use one of ${EXPORT_SIZES.join(', ')}.`,
    );
  }
  return n as ExportSize;
}

export function parseFps(value: number | string): number {
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < FPS_RANGE.min || n > FPS_RANGE.max) {
    throw new InvalidInputError(
      'fps',
      `Unsupported frame rate "${value}": use a whole number from ${FPS_RANGE.min} to ${FPS_RANGE.max}.`,
    );
  }
  return n;
}

/** `count` step indices spread evenly over 0..steps−1, first and last included, no repeats. */
export function spreadSteps(steps: number, count: number = DEFAULT_POSTER_STEPS): number[] {
  if (steps <= 0) return [];
  const n = Math.min(count, steps);
  if (n === 1) return [steps - 1];
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(Math.round((i * (steps - 1)) / (n - 1)));
  return [...out];
}
