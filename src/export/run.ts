/**
 * One entry point for every export, used by the app's export state and the CLI: a job in, the
 * finished file's bytes out (nothing is written or downloaded until it is complete, so a cancelled
 * export leaves nothing behind).
 */
import type { GenerationRecord } from '../core/record.ts';
import { animationFrames, type AnimationSpec } from './animation.ts';
import { buildDataZip, type DataZipSpec } from './data-zip.ts';
import type { FrameRenderer, FrameSpec } from './frame-renderer.ts';
import { encodeGif } from './gif.ts';
import { FILE_EXTENSIONS, type ExportFormat } from './options.ts';
import { encodePng } from './png.ts';
import { renderPoster, type PosterSpec } from './poster.ts';
import { throwIfCancelled, type ExportControl } from './progress.ts';
import { renderStillPng } from './still.ts';

export type ExportJob =
  | { format: 'gif'; animation: AnimationSpec }
  | { format: 'webm'; animation: AnimationSpec }
  | { format: 'png'; frame: FrameSpec }
  /** PNG of one frame of an animation (e.g. the grid of every word at one step). */
  | { format: 'png'; animation: AnimationSpec; step: number }
  | { format: 'poster'; poster: PosterSpec }
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
    case 'webm': {
      // Browser only: loaded on demand so Node never touches WebCodecs.
      const { encodeWebm } = await import('./webm.ts');
      return done(
        await encodeWebm(animationFrames(job.animation, renderer), {
          ...control,
          fps: job.animation.fps,
        }),
      );
    }
    case 'png': {
      if ('frame' in job) return done(await renderStillPng(job.frame, renderer, control));
      const frames = animationFrames(job.animation, renderer);
      throwIfCancelled(control);
      const rgba = await frames.frame(Math.min(Math.max(job.step, 0), frames.count - 1));
      throwIfCancelled(control);
      control.onProgress?.({ done: 1, total: 1, phase: 'png' });
      return done(encodePng(rgba, frames.width, frames.height));
    }
    case 'poster': {
      const { rgba, layout } = await renderPoster(job.poster, renderer, control);
      return done(encodePng(rgba, layout.width, layout.height));
    }
    case 'zip':
      return done(await buildDataZip(job.data, control));
  }
}

/** A default download name: wordlight-<prompt words>-s<seed>[-<suffix>].<ext>. */
export function exportFileName(
  record: GenerationRecord,
  format: ExportFormat,
  suffix = '',
): string {
  const words = record.words
    .map((w) => w.word.replace(/[^a-z0-9]+/gi, ''))
    .filter(Boolean)
    .slice(0, 6)
    .join('-');
  const tail = suffix ? `-${suffix}` : format === 'poster' ? '-poster' : '';
  return `wordlight-${words || 'image'}-s${record.settings.seed}${tail}.${FILE_EXTENSIONS[format]}`;
}
