/**
 * One entry point for every export, used by the app's export state and the CLI: a job in, the
 * finished file's bytes out (nothing is written or downloaded until it is complete, so a cancelled
 * export leaves nothing behind).
 */
import type { GenerationRecord } from '../core/record.ts';
import { animationFrames, type AnimationSpec } from './animation.ts';
import { buildDataZip, type DataZipSpec } from './data-zip.ts';
import type { FrameRenderer, FrameSpec } from './frame-renderer.ts';
import { editFrames, editPosterFigure, type EditExportSpec } from './edit-export.ts';
import { figureSvg, type SvgRasterizer } from './figure.ts';
import { encodeGif } from './gif.ts';
import { FILE_EXTENSIONS, type ExportFormat, type PosterFile } from './options.ts';
import { encodePng } from './png.ts';
import { posterFigure, type PosterSpec } from './poster.ts';
import { throwIfCancelled, type ExportControl } from './progress.ts';
import { renderStillPng, type StillKey } from './still.ts';

export type ExportJob =
  | { format: 'gif'; animation: AnimationSpec }
  | { format: 'webm' | 'mp4'; animation: AnimationSpec }
  /** `key`: a Compare frame's words, for the key strip under it. */
  | { format: 'png'; frame: FrameSpec; key?: StillKey }
  /** PNG of one frame of an animation (e.g. the grid of every word at one step). */
  | { format: 'png'; animation: AnimationSpec; step: number }
  /** A poster as PNG (default) or SVG; the PNG is the SVG rasterised (the browser's canvas
   * unless `rasterize` is given, as the CLI gives resvg). */
  | { format: 'poster'; poster: PosterSpec; file?: PosterFile; rasterize?: SvgRasterizer }
  | { format: 'zip'; data: DataZipSpec };

export interface ExportResult {
  bytes: Uint8Array;
  mime: string;
  extension: string;
}

/** Side of the small frames the GIF palette is chosen from. */
const PALETTE_PROBE_SIZE = 128;

const MIME: Record<ExportFormat, string> = {
  gif: 'image/gif',
  webm: 'video/webm',
  mp4: 'video/mp4',
  png: 'image/png',
  poster: 'image/png',
  zip: 'application/zip',
};

export async function runExport(
  job: ExportJob,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<ExportResult> {
  const done = (bytes: Uint8Array): ExportResult => ({
    bytes,
    mime: MIME[job.format],
    extension: FILE_EXTENSIONS[job.format],
  });
  switch (job.format) {
    case 'gif':
      return done(
        await encodeGif(animationFrames(job.animation, renderer), {
          ...control,
          fps: job.animation.fps,
          paletteFrames: animationFrames({ ...job.animation, size: PALETTE_PROBE_SIZE }, renderer),
        }),
      );
    case 'webm':
    case 'mp4': {
      // Browser only: loaded on demand so Node never touches WebCodecs.
      const { encodeVideo } = await import('./video.ts');
      return done(
        await encodeVideo(animationFrames(job.animation, renderer), {
          ...control,
          fps: job.animation.fps,
          container: job.format,
        }),
      );
    }
    case 'png': {
      if ('frame' in job) return done(await renderStillPng(job.frame, renderer, control, job.key));
      const frames = animationFrames(job.animation, renderer);
      throwIfCancelled(control);
      const rgba = await frames.frame(Math.min(Math.max(job.step, 0), frames.count - 1));
      throwIfCancelled(control);
      control.onProgress?.({ done: 1, total: 1, phase: 'png' });
      return done(encodePng(rgba, frames.width, frames.height));
    }
    case 'poster': {
      const { figure } = await posterFigure(job.poster, renderer, control);
      return posterFile(figureSvg(figure), figure, job.file ?? 'png', job.rasterize);
    }
    case 'zip':
      return done(await buildDataZip(job.data, control));
  }
}

/** A figure's SVG text as the chosen file: the SVG itself, or the PNG rasterised from it. */
export async function posterFile(
  svg: string,
  size: { width: number; height: number },
  file: PosterFile,
  rasterize?: SvgRasterizer,
): Promise<ExportResult> {
  if (file === 'svg')
    return { bytes: new TextEncoder().encode(svg), mime: 'image/svg+xml', extension: 'svg' };
  const raster = rasterize ?? (await import('./svg-raster.ts')).rasterizeSvgInBrowser;
  return {
    bytes: await raster(svg, size.width, size.height),
    mime: 'image/png',
    extension: 'png',
  };
}

/** A file-name part: lower-case letters and digits, words joined by '-'. */
export function slug(text: string, maxWords = 6): string {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, maxWords)
    .join('-');
}

export interface FileNameParts {
  /** What the file shows: a word, two words, "content-words", "all-words", "edit", … */
  words?: string | undefined;
  /** Which step(s): e.g. "step12of25", "steps1-25", "all-steps". */
  step?: string | undefined;
  /** Extension without the dot; default the format's. */
  extension?: string | undefined;
}

/**
 * A default file name carrying the prompt, the word(s), the step(s) and the seed:
 * wordlight-<prompt words>-s<seed>[-<words>][-<step>].<ext>.
 */
export function exportFileName(
  record: GenerationRecord,
  format: ExportFormat,
  parts: FileNameParts = {},
): string {
  const name = [
    'wordlight',
    slug(record.words.map((w) => w.word).join(' ')) || 'image',
    `s${record.settings.seed}`,
    parts.words ? slug(parts.words, 12) : '',
    parts.step ?? (format === 'poster' ? 'poster' : ''),
  ].filter(Boolean);
  return `${name.join('-')}.${parts.extension ?? FILE_EXTENSIONS[format]}`;
}

/** What a comparison (edit) export writes: a poster file or an animation over the steps. */
export type EditExportKind =
  | { kind: 'poster'; cell: number; file: PosterFile; rasterize?: SvgRasterizer | undefined }
  | { kind: 'gif' | 'webm' | 'mp4'; size: number; fps: number; label: boolean };

/** Runs a comparison export (see edit-export.ts) to the finished file's bytes. */
export async function runEditExport(
  spec: EditExportSpec,
  what: EditExportKind,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<ExportResult> {
  if (what.kind === 'poster') {
    const figure = await editPosterFigure(spec, what.cell, renderer, control);
    return posterFile(figureSvg(figure), figure, what.file, what.rasterize);
  }
  const frames = editFrames(spec, what.size, renderer, what.label);
  const done = (bytes: Uint8Array): ExportResult => ({
    bytes,
    mime: MIME[what.kind],
    extension: FILE_EXTENSIONS[what.kind],
  });
  if (what.kind === 'gif') {
    const probe = editFrames(spec, PALETTE_PROBE_SIZE / 2, renderer, false);
    return done(await encodeGif(frames, { ...control, fps: what.fps, paletteFrames: probe }));
  }
  const { encodeVideo } = await import('./video.ts');
  return done(await encodeVideo(frames, { ...control, fps: what.fps, container: what.kind }));
}
