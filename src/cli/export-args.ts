/**
 * `wordlight export`'s options: parsing and checks (no model work), each bad value one line naming
 * the accepted ones. Split from export.ts, which runs the export.
 */
import { echo } from '../core/limits.ts';
import { InvalidInputError } from '../core/errors.ts';
import { DEFAULT_MODEL_DIR } from '../model/node-model.ts';
import {
  COLORMAP_NAMES,
  DEFAULT_OVERLAY_PARAMS,
  isColormapName,
  MAP_NORMALIZATIONS,
  MAP_SCALES,
  OVERLAY_MODES,
  type MapScale,
  type OverlayMode,
  type OverlayParams,
} from '../core/overlay-types.ts';
import {
  CLI_FORMATS,
  DEFAULT_FPS,
  DEFAULT_POSTER_CELL,
  DEFAULT_SIZE,
  parseFormat,
  parseFps,
  parseSize,
  type ExportFormat,
  type ExportSize,
} from '../export/options.ts';
import { numberOption, parseOptions, UsageError } from './args.ts';

export const USAGE =
  'wordlight export --prompt "…" --format gif|png|poster|zip --out FILE|DIR/|- [--word W]… [--words content|all] [--size 256|512|1024] [--seed N] [--steps N] [--guidance G] [--fps N] [--colormap viridis|inferno|turbo|jet] [--mode heatmap|mask|compare] [--opacity X] [--scale shared|word] [--normalize minmax|absolute] [--layer NAME|all] [--head N|all] [--cumulative] [--no-label] [--model DIR]  (poster: --size = cell side, default 256; --out *.svg writes an SVG; --out DIR/ (trailing slash) names the file after prompt, seed, words and step)';

const OPTIONS = {
  prompt: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  word: { type: 'string', multiple: true },
  words: { type: 'string' },
  scale: { type: 'string' },
  normalize: { type: 'string' },
  layer: { type: 'string' },
  head: { type: 'string' },
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
  /** Without --word: the content words (default) or every word. */
  wordSet: 'content' | 'all';
  scale: MapScale;
  /** An attention output name, or 'all'. */
  layer: string;
  head: number | 'all';
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
  const size =
    o.size !== undefined
      ? parseSize(o.size)
      : format === 'poster'
        ? DEFAULT_POSTER_CELL
        : DEFAULT_SIZE;
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
  const wordSet = oneOf(o.words ?? 'content', '--words', ['content', 'all'] as const);
  if (o.words !== undefined && words.length)
    throw new UsageError('use --word W… or --words content|all, not both.');
  const scale = oneOf(o.scale ?? 'shared', '--scale', MAP_SCALES);
  const normalize = oneOf(o.normalize ?? 'minmax', '--normalize', MAP_NORMALIZATIONS);
  const head =
    o.head === undefined || o.head === 'all' ? 'all' : numberOption(o.head, '--head', true);
  const opacity = numberOption(o.opacity, '--opacity', false) ?? DEFAULT_OVERLAY_PARAMS.opacity;
  if (opacity < 0 || opacity > 1)
    throw new UsageError(`--opacity must be from 0 to 1 (got ${opacity}).`);
  return {
    prompt: o.prompt,
    format,
    out: o.out,
    words,
    wordSet,
    scale,
    layer: o.layer ?? 'all',
    head: head ?? 'all',
    size,
    seed: numberOption(o.seed, '--seed', true),
    steps: numberOption(o.steps, '--steps', true),
    guidance: numberOption(o.guidance, '--guidance', false),
    fps,
    params: { ...DEFAULT_OVERLAY_PARAMS, colormap, mode, opacity, normalize },
    cumulative: o.cumulative,
    label: !o['no-label'],
    model: o.model ?? DEFAULT_MODEL_DIR,
  };
}

function oneOf<T extends string>(value: string, flag: string, accepted: readonly T[]): T {
  const v = value.trim().toLowerCase();
  if (!(accepted as readonly string[]).includes(v))
    throw new UsageError(
      `${flag} must be one of ${accepted.join(', ')} (got "${echo(value, 30)}").`,
    );
  return v as T;
}

/** Layer indices and heads for the engine: an unknown layer or head is a one-line error. */
export function resolveMapChoice(
  layer: string,
  head: number | 'all',
  layers: readonly { output: string; heads: number }[],
): { layers?: number[]; heads: number[] | 'all' } {
  const names = layers.map((l) => l.output);
  let chosen: number[] | undefined;
  if (layer !== 'all') {
    const i = names.indexOf(layer);
    if (i < 0)
      throw new InvalidInputError(
        'layer',
        `Unknown --layer "${echo(layer, 40)}": use all or one of ${names.join(', ')}.`,
      );
    chosen = [i];
  }
  if (head === 'all') return { ...(chosen ? { layers: chosen } : {}), heads: 'all' };
  const most = Math.min(...(chosen ?? layers.map((_, i) => i)).map((i) => layers[i]?.heads ?? 0));
  if (head < 0 || head >= most)
    throw new InvalidInputError('head', `--head must be all or 0…${most - 1} (got ${head}).`);
  return { ...(chosen ? { layers: chosen } : {}), heads: [head] };
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
