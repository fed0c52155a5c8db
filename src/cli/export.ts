/**
 * `wordlight export`: generate a prompt and export it like the app's export panel does, rendered by
 * the CPU reference renderer (same math as the shaders):
 *   gif     one frame per denoising step of the word(s)' overlay; no --word: a grid of every word
 *   png     the final step's view (default: the cumulative, DAAM map of the run)
 *   poster  rows = words, columns = image, a handful of steps, the cumulative map
 *   zip     per-word heatmaps + raw per-layer attention as .npy, with index.json
 * Options are checked before any model work; the file is written to a temporary name and renamed
 * only when complete, so a failure or Ctrl-C leaves no partial file.
 */
import { warnOutsideGrammar } from './grammar-warning.ts';
import { stepLabel, tokenText, type AnimationSpec } from '../export/animation.ts';
import { ExportCancelledError } from '../export/errors.ts';
import { createCpuFrameRenderer, type FrameSpec } from '../export/frame-renderer.ts';
import { wordMapSeries } from '../attention/series.ts';
import { recordImage } from '../export/map-source.ts';
import {
  CLI_FORMATS,
  DEFAULT_FPS,
  parseFormat,
  parseFps,
  parseSize,
  type ExportFormat,
  type ExportSize,
} from '../export/options.ts';
import type { ExportControl } from '../export/progress.ts';
import { runExport, type ExportJob } from '../export/run.ts';
import { echo } from '../core/limits.ts';
import { InvalidInputError } from '../core/errors.ts';
import { createNodeGenerator, DEFAULT_MODEL_DIR } from '../model/node-model.ts';
import {
  COLORMAP_NAMES,
  DEFAULT_OVERLAY_PARAMS,
  isColormapName,
  OVERLAY_MODES,
  type OverlayMode,
  type OverlayParams,
} from '../core/overlay-types.ts';
import { numberOption, parseOptions, UsageError } from './args.ts';
import { checkFileOutput, STDOUT, writeOutput } from './files.ts';
import type { Subcommand } from './main.ts';

const USAGE =
  'wordlight export --prompt "…" --format gif|png|poster|zip --out FILE|- [--word W]… [--size 256|512|1024] [--seed N] [--steps N] [--guidance G] [--fps N] [--colormap viridis|inferno|turbo|jet] [--mode heatmap|mask|compare] [--opacity X] [--cumulative] [--no-label] [--model DIR]';

const OPTIONS = {
  prompt: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  word: { type: 'string', multiple: true },
  size: { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  fps: { type: 'string' },
  colormap: { type: 'string' },
  mode: { type: 'string' },
  opacity: { type: 'string' },
  cumulative: { type: 'boolean' },
  'no-label': { type: 'boolean' },
  model: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliExportOptions {
  prompt: string;
  format: ExportFormat;
  out: string;
  words: string[];
  /** Frame size (gif, png) or poster cell size. */
  size: ExportSize;
  seed?: number | undefined;
  steps?: number | undefined;
  guidance?: number | undefined;
  fps: number;
  params: OverlayParams;
  /** Maps summed over steps 0..k; default true for png, false for gif. */
  cumulative?: boolean | undefined;
  label: boolean;
  model: string;
}

/** Parses and checks every option (no model work), throwing one-line errors. */
export function parseExportArgs(argv: string[]): CliExportOptions | 'help' {
  const o = parseOptions(argv, OPTIONS, USAGE);
  if (o.help) return 'help';
  if (o.prompt === undefined || o.prompt.trim() === '')
    throw new UsageError(`missing --prompt. Usage: ${USAGE}`);
  if (o.format === undefined)
    throw new UsageError(`missing --format (one of ${CLI_FORMATS.join(', ')}). Usage: ${USAGE}`);
  if (!o.out) throw new UsageError(`missing --out FILE. Usage: ${USAGE}`);
  const format = parseFormat(o.format, CLI_FORMATS);
  const size = o.size !== undefined ? parseSize(o.size) : format === 'poster' ? 256 : 512;
  const fps = o.fps !== undefined ? parseFps(o.fps) : DEFAULT_FPS;
  const colormap = o.colormap ?? DEFAULT_OVERLAY_PARAMS.colormap;
  if (!isColormapName(colormap)) {
    throw new InvalidInputError(
      'colormap',
      `Unsupported colormap "${colormap}": use one of ${COLORMAP_NAMES.join(', ')}.`,
    );
  }
  const mode = (o.mode ?? 'heatmap') as OverlayMode;
  if (!OVERLAY_MODES.includes(mode)) {
    throw new InvalidInputError(
      'mode',
      `Unsupported mode "${o.mode}": use one of ${OVERLAY_MODES.join(', ')}.`,
    );
  }
  const words = (o.word ?? []).map((w) => w.trim().toLowerCase());
  checkWordCount(format, mode, words);
  const opacity = numberOption(o.opacity, '--opacity', false) ?? DEFAULT_OVERLAY_PARAMS.opacity;
  if (opacity < 0 || opacity > 1)
    throw new UsageError(`--opacity must be from 0 to 1 (got ${opacity}).`);
  return {
    prompt: o.prompt,
    format,
    out: o.out,
    words,
    size,
    seed: numberOption(o.seed, '--seed', true),
    steps: numberOption(o.steps, '--steps', true),
    guidance: numberOption(o.guidance, '--guidance', false),
    fps,
    params: { ...DEFAULT_OVERLAY_PARAMS, colormap, mode, opacity },
    cumulative: o.cumulative,
    label: !o['no-label'],
    model: o.model ?? DEFAULT_MODEL_DIR,
  };
}

/** Every --word must be shown: refuse the ones a format would silently drop. */
function checkWordCount(format: ExportFormat, mode: OverlayMode, words: string[]): void {
  const got = `got ${words.length}: ${words.map((w) => echo(w, 30)).join(', ')}`;
  if (format === 'zip' && words.length > 0)
    throw new UsageError(`zip holds every word; drop --word (${got}).`);
  if ((format === 'png' || format === 'gif') && words.length > (mode === 'compare' ? 2 : 1)) {
    throw new UsageError(
      `${format} shows one word (two with --mode compare); ${got}. Use a poster for more, or no --word for a grid of all words.`,
    );
  }
}

/** Token positions of the requested words; a word not in the prompt is a one-line error. */
export function resolveWords(
  requested: string[],
  promptWords: { word: string; tokenPosition: number }[],
): number[] {
  return requested.map((w) => {
    const hit = promptWords.find((p) => p.word === w);
    if (!hit) {
      const list = [...new Set(promptWords.map((p) => p.word))].join(', ');
      throw new InvalidInputError(
        'word',
        `"${w}" is not a word of the prompt; its words are: ${list}.`,
      );
    }
    return hit.tokenPosition;
  });
}

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
  // A bad --out (missing directory, /dev/full, …) fails now, not after the generation.
  await checkFileOutput(opts.out);
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
    // Aggregate only the words this export shows (all of them for grid, poster and zip).
    const shown =
      positions.length && opts.format !== 'zip'
        ? positions
        : record.words.map((w) => w.tokenPosition);
    const maps = wordMapSeries(record, { positions: shown });
    const renderer = createCpuFrameRenderer();

    let job: ExportJob;
    if (opts.format === 'gif' || opts.format === 'png') {
      const grid = positions.length === 0;
      const animation: AnimationSpec = {
        record,
        maps,
        size: opts.size,
        fps: opts.fps,
        layout: grid ? 'grid' : 'overlay',
        positions: grid ? record.words.map((w) => w.tokenPosition) : positions,
        params: opts.params,
        label: opts.label,
        image: 'x0',
        cumulative: opts.cumulative ?? opts.format === 'png',
      };
      if (opts.format === 'gif') {
        job = { format: 'gif', animation };
      } else if (grid) {
        job = { format: 'png', animation, step: record.steps.length - 1 };
      } else {
        job = { format: 'png', frame: stillFrame(animation, opts, positions) };
      }
    } else if (opts.format === 'poster') {
      job = {
        format: 'poster',
        poster: {
          record,
          maps,
          cell: opts.size,
          params: opts.params,
          ...(positions.length ? { positions } : {}),
        },
      };
    } else {
      job = { format: 'zip', data: { record, maps } };
    }
    const result = await runExport(job, renderer, control);
    const frames = job.format === 'gif' ? record.steps.length : 1;
    return await finish(opts.out, result.bytes, frames, t0);
  } finally {
    await generator.dispose();
  }
}

/** The view of the last step over the final image: one word, or two in compare mode. */
function stillFrame(
  animation: AnimationSpec,
  opts: CliExportOptions,
  positions: number[],
): FrameSpec {
  const { record, maps, cumulative } = animation;
  const last = record.steps.length - 1;
  const [a, b] = positions;
  const compare = opts.params.mode === 'compare' && b !== undefined;
  const shown = compare ? positions.slice(0, 2) : positions.slice(0, 1);
  const mode = compare ? 'compare' : opts.params.mode === 'compare' ? 'heatmap' : opts.params.mode;
  const when = cumulative ? 'all steps' : stepLabel(last, last + 1);
  return {
    size: opts.size,
    image: recordImage(record, last, 'final'),
    mapA: a === undefined ? null : maps.map(a, last, cumulative),
    mapB: compare && b !== undefined ? maps.map(b, last, cumulative) : null,
    params: { ...opts.params, mode },
    label: opts.label ? `${shown.map((p) => tokenText(record, p)).join(' + ')}  ${when}` : null,
  };
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
