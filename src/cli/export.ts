/**
 * `wordlight export`: generate a prompt and export it like the app's export panel does, rendered by
 * the CPU reference renderer (same math as the shaders):
 *   gif     one frame per denoising step of the word(s)' overlay; no --word: a grid of the content
 *           words (--words all: every word)
 *   png     the final step's view (default: the cumulative, DAAM map of the run)
 *   poster  the app's poster: prompt, settings, rows = words (content words by default), the image
 *           once, a handful of steps and the cumulative map, colour bar, scaling note; PNG, or SVG
 *           when --out ends in .svg; --size is the cell side, as the app's Cells.
 *   zip     per-word heatmaps + raw per-layer attention as .npy, with index.json
 * Options are checked before any model work; the file is written to a temporary name and renamed
 * only when complete, so a failure or Ctrl-C leaves no partial file.
 */
import { warnOutsideGrammar } from './grammar-warning.ts';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stepLabel, tokenText, type AnimationSpec } from '../export/animation.ts';
import { ExportCancelledError } from '../export/errors.ts';
import { createCpuFrameRenderer, type FrameSpec } from '../export/frame-renderer.ts';
import { wordMapSeries } from '../attention/series.ts';
import { contentPositions } from '../attention/scale.ts';
import { recordImage, scaledMapSource } from '../export/map-source.ts';
import type { ExportControl } from '../export/progress.ts';
import { exportFileName, runExport, type ExportJob } from '../export/run.ts';
import type { StillKey } from '../export/still.ts';
import type { GenerationRecord } from '../core/record.ts';
import { createNodeGenerator } from '../model/node-model.ts';
import {
  parseExportArgs,
  resolveMapChoice,
  resolveWords,
  USAGE,
  type CliExportOptions,
} from './export-args.ts';
import { checkFileOutput, FileSystemError, STDOUT, writeOutput } from './files.ts';
import type { Subcommand } from './main.ts';
import { chooseComparePair } from '../render/compare-colours.ts';
import { rasterizeSvgInNode, svgPixelsInNode } from './svg-raster.ts';

export { parseExportArgs, resolveMapChoice, resolveWords, type CliExportOptions };

export interface CliExportResult {
  file: string;
  bytes: number;
  frames: number;
  ms: number;
}

/** Generates and exports; writes `out` only once the file is complete. */
export async function runCliExport(
  opts: CliExportOptions,
  control: ExportControl = {},
): Promise<CliExportResult> {
  const t0 = performance.now();
  // --out DIR/: the file is named after prompt, seed, words and step.
  // Only with the trailing slash: a bare directory path stays refused as a non-regular target.
  const intoDir = opts.out !== STDOUT && opts.out.endsWith('/');
  // A bad --out (missing directory, /dev/full, …) fails now, not after the generation.
  if (!intoDir) await checkFileOutput(opts.out);
  else if (!(await isDirectory(opts.out)))
    throw new FileSystemError(`--out ${opts.out}: no such directory.`);
  const generator = createNodeGenerator({ dir: opts.model, threads: 1 });
  try {
    const info = await generator.load();
    const d = info.manifest.defaults;
    const settings = {
      prompt: opts.prompt,
      seed: opts.seed ?? d.seed,
      steps: opts.steps ?? d.steps,
      guidance: opts.guidance ?? d.guidance,
    };
    // Refuse a bad word or setting before spending time on the generation.
    const tokenized = generator.engine?.prepare(settings);
    const positions = resolveWords(opts.words, tokenized?.words ?? []);
    warnOutsideGrammar(info.manifest, settings.prompt);
    const record = await generator.generate(settings, { signal: control.signal });
    const everyWord = record.words.map((w) => w.tokenPosition);
    const content = contentPositions(record);
    const rows = positions.length
      ? positions
      : opts.wordSet === 'all' || content.length === 0
        ? everyWord
        : content;
    // Aggregate only the words this export shows, and all words when they share one scale.
    const batch = opts.format === 'zip' || opts.scale === 'shared' ? everyWord : rows;
    const choice = resolveMapChoice(opts.layer, opts.head, record.layers);
    const maps = scaledMapSource(
      wordMapSeries(record, { positions: batch, ...choice }),
      record,
      opts.scale,
    );
    const renderer = createCpuFrameRenderer();
    const last = record.steps.length - 1;
    // Compare's two colours are chosen against the image's own hues, as in the app.
    const pair =
      opts.params.mode === 'compare' ? chooseComparePair(recordImage(record, last, 'final')) : null;
    const params = pair
      ? { ...opts.params, compareColors: [pair.a.rgb, pair.b.rgb] as const }
      : opts.params;

    let job: ExportJob;
    if (opts.format === 'gif' || opts.format === 'png') {
      const grid = positions.length === 0;
      const animation: AnimationSpec = {
        record,
        maps,
        size: opts.size,
        fps: opts.fps,
        layout: grid ? 'grid' : 'overlay',
        positions: rows,
        params,
        label: opts.label,
        image: 'x0',
        cumulative: opts.cumulative ?? opts.format === 'png',
        keyPixels: svgPixelsInNode,
      };
      if (opts.format === 'gif') {
        job = { format: 'gif', animation };
      } else if (grid) {
        job = { format: 'png', animation, step: record.steps.length - 1 };
      } else {
        job = { format: 'png', ...stillFrame(animation, opts, positions) };
      }
    } else if (opts.format === 'poster') {
      job = {
        format: 'poster',
        file: opts.out.toLowerCase().endsWith('.svg') ? 'svg' : 'png',
        rasterize: rasterizeSvgInNode,
        poster: {
          record,
          maps,
          positions: rows,
          cell: opts.size,
          params,
          scale: opts.scale,
          // --mode compare with two or more words: the first two in Compare, with the key.
          compare:
            pair && positions[0] !== undefined && positions[1] !== undefined
              ? {
                  positions: [positions[0], positions[1]],
                  step: last,
                  cumulative: opts.cumulative ?? false,
                }
              : null,
          choice: {
            layers: opts.layer,
            heads: opts.head === 'all' ? 'all' : `head ${opts.head}`,
          },
        },
      };
    } else {
      job = { format: 'zip', data: { record, maps } };
    }
    const result = await runExport(job, renderer, control);
    const frames = job.format === 'gif' ? record.steps.length : 1;
    const out = intoDir
      ? join(opts.out, cliFileName(record, opts, positions, result.extension))
      : opts.out;
    return await finish(out, result.bytes, frames, t0);
  } finally {
    await generator.dispose();
  }
}

/** The view of the last step over the final image: one word, or two in compare mode (+ key). */
function stillFrame(
  animation: AnimationSpec,
  opts: CliExportOptions,
  positions: number[],
): { frame: FrameSpec; key?: StillKey } {
  const { record, maps, cumulative, params } = animation;
  const last = record.steps.length - 1;
  const [a, b] = positions;
  const compare = opts.params.mode === 'compare' && b !== undefined;
  const shown = compare ? positions.slice(0, 2) : positions.slice(0, 1);
  const mode = compare ? 'compare' : opts.params.mode === 'compare' ? 'heatmap' : opts.params.mode;
  const when = cumulative ? 'all steps' : stepLabel(last, last + 1);
  const frame: FrameSpec = {
    size: opts.size,
    image: recordImage(record, last, 'final'),
    mapA: a === undefined ? null : maps.map(a, last, cumulative),
    mapB: compare && b !== undefined ? maps.map(b, last, cumulative) : null,
    params: { ...params, mode },
    label: opts.label ? `${shown.map((p) => tokenText(record, p)).join(' + ')}  ${when}` : null,
  };
  if (!compare || a === undefined || b === undefined) return { frame };
  return {
    frame,
    key: { words: [tokenText(record, a), tokenText(record, b)], pixels: svgPixelsInNode },
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The file name an --out DIR/ export gets: prompt, seed, words and step(s), as the app's. */
export function cliFileName(
  record: GenerationRecord,
  opts: CliExportOptions,
  positions: number[],
  extension: string,
): string {
  const n = record.steps.length;
  const words = positions.length
    ? positions.map((p) => tokenText(record, p)).join(' ')
    : `${opts.wordSet} words`;
  const summed = opts.cumulative ?? opts.format === 'png';
  const steps = summed
    ? `steps1-${n}-summed`
    : opts.format === 'gif'
      ? `steps1-${n}`
      : `step${n}of${n}`;
  const step =
    opts.format === 'poster' ? `poster-${n}steps` : opts.format === 'zip' ? 'data' : steps;
  return exportFileName(record, opts.format, {
    words: opts.format === 'zip' ? undefined : words,
    step,
    extension,
  });
}

/** Writes atomically (files.ts: through symlinks, never over a device) or to stdout for `-`. */
async function finish(
  out: string,
  bytes: Uint8Array,
  frames: number,
  t0: number,
): Promise<CliExportResult> {
  await writeOutput(out, bytes);
  return { file: out, bytes: bytes.length, frames, ms: performance.now() - t0 };
}

export const exportCommand: Subcommand = {
  async run(argv) {
    const opts = parseExportArgs(argv);
    if (opts === 'help') {
      console.log(USAGE);
      return 0;
    }
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const r = await runCliExport(opts, { signal: controller.signal });
      const kb = Math.round(r.bytes / 1024);
      const what = opts.format === 'gif' ? `, ${r.frames} frames` : '';
      // With --out - the file is stdout, so the summary goes to stderr.
      const say = opts.out === STDOUT ? console.error : console.log;
      say(`${r.file}: ${opts.format}${what}, ${kb} KB in ${Math.round(r.ms)} ms`);
      return 0;
    } catch (e) {
      if (e instanceof ExportCancelledError || controller.signal.aborted) {
        console.error('wordlight export: cancelled, nothing written');
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
