/**
 * `wordlight generate`: one prompt (--prompt) or a file of prompts (--prompts, one a line, seed + line
 * index, model loaded once) → per generation a folder with image.png, words.json, heatmaps.npy,
 * attention/<output>.npy and record.json. All prompts are checked before any model work, so a bad
 * line fails fast instead of after minutes of output.
 */
import type { GrammarIssue } from '../model/grammar.ts';
import { warnOutsideGrammar } from './grammar-warning.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wordMaps } from '../attention/word-maps.ts';
import { encodeNpy } from '../attention/npy.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { Engine } from '../model/engine.ts';
import { InvalidInputError } from '../core/errors.ts';
import { planarToBytes } from '../export/planar.ts';
import { createNodeGenerator } from '../model/node-model.ts';
import { parseOptions, UsageError } from './args.ts';
import { checkDirOutput, FileSystemError, fsReason, makeDir, writeOutput } from './files.ts';
import type { Subcommand } from './main.ts';
import { checkSettings, parseRunArgs, RUN_OPTIONS, withDefaults } from './run-options.ts';
import { encodePng } from '../export/png.ts';

const USAGE =
  'wordlight generate (--prompt "…" | --prompts FILE) --out DIR [--weight WORD=FACTOR …] [--seed N] [--steps N] [--guidance G] [--ep wasm|cpu] [--threads N] [--model DIR]';

const OPTIONS = {
  prompt: { type: 'string' },
  prompts: { type: 'string' },
  out: { type: 'string' },
  ...RUN_OPTIONS,
} as const;

/** `[steps, heads, h*w, T]` for one attention output, steps concatenated in order. */
export function stackLayer(
  record: GenerationRecord,
  layer: number,
): { data: Float32Array; shape: number[] } {
  const spec = record.layers[layer]!;
  const T = record.tokens.length;
  const per = spec.heads * spec.resolution[0] * spec.resolution[1] * T; // one step's [heads, h*w, T]
  const data = new Float32Array(record.steps.length * per);
  record.steps.forEach((s, i) => data.set(s.attention[layer]!, i * per));
  return {
    data,
    shape: [record.steps.length, spec.heads, spec.resolution[0] * spec.resolution[1], T],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Writes every output file of one generation into `dir`. Returns the file names written. */
export async function writeGenerationOutputs(
  dir: string,
  record: GenerationRecord,
  extra: { loadMs: number; unknown: string[]; grammar?: GrammarIssue[] },
): Promise<string[]> {
  if (!record.complete || !record.final)
    throw new InvalidInputError('record', 'Refusing to write an incomplete generation.');
  const { width: W, height: H, channels: C } = record.image;
  await checkDirOutput(dir);
  await makeDir(join(dir, 'attention'));
  const files: string[] = [];
  const write = async (name: string, data: Uint8Array | string): Promise<void> => {
    await writeOutput(join(dir, name), data);
    files.push(name);
  };

  await write('image.png', encodePng(planarToBytes(record.final, record.image), W, H, C));
  const words = record.words.map((w) => ({ word: w.word, token: w.token, inVocab: w.inVocab }));
  await write('words.json', `${JSON.stringify({ words }, null, 2)}\n`);

  // DAAM aggregate over all steps, layers and heads at image size, min–max per word: [words, H, W].
  const heat = wordMaps(record, {
    tokenPositions: record.words.map((w) => w.tokenPosition),
    steps: { kind: 'all' },
    resolution: [H, W],
    normalize: 'minmax',
  });
  const heatData = new Float32Array(heat.maps.length * H * W);
  heat.maps.forEach((m, k) => heatData.set(m.data, k * H * W));
  await write('heatmaps.npy', encodeNpy(heatData, [heat.maps.length, H, W]));

  for (let l = 0; l < record.layers.length; l++) {
    const { data, shape } = stackLayer(record, l);
    await write(`attention/${record.layers[l]!.output}.npy`, encodeNpy(data, shape));
  }

  const stepMs = record.steps.map((s) => s.ms);
  const summary = {
    prompt: record.settings.prompt,
    seed: record.settings.seed,
    settings: record.settings,
    model: record.model,
    ep: record.ep,
    image: record.image,
    words,
    unknown: extra.unknown,
    truncated: record.truncated,
    outsideGrammar: extra.grammar ?? [],
    tokens: record.tokens.map((t) => t.token),
    layers: record.layers,
    timings: {
      loadMs: extra.loadMs,
      encodeMs: record.timings.encodeMs,
      totalMs: record.timings.totalMs,
      medianStepMs: median(stepMs),
      stepMs,
    },
    files: [...files, 'record.json'],
  };
  await write('record.json', `${JSON.stringify(summary, null, 2)}\n`);
  return files;
}

async function readPrompts(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new FileSystemError(`cannot read --prompts file ${file}: ${fsReason(e)}`);
  }
  const prompts = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (prompts.length === 0)
    throw new UsageError(`--prompts file ${file} has no prompts (one per line).`);
  return prompts;
}

function checkPrompts(
  engine: Engine,
  prompts: string[],
  fromFile: string | undefined,
  settings: { seed: number; steps: number; guidance: number; weights?: Record<string, number> },
): void {
  prompts.forEach((prompt, i) => {
    try {
      const s = { prompt, ...settings, seed: settings.seed + i };
      engine.prepareControl(s, engine.prepare(s));
    } catch (e) {
      if (fromFile && e instanceof InvalidInputError) {
        throw new InvalidInputError(e.field, `${fromFile} prompt ${i + 1}: ${e.message}`);
      }
      throw e;
    }
  });
}

export const generateCommand: Subcommand = {
  async run(argv) {
    const o = parseOptions(argv, OPTIONS, USAGE);
    if (o.help) {
      console.log(USAGE);
      return 0;
    }
    if (o.prompt !== undefined && o.prompts !== undefined)
      throw new UsageError(`use --prompt or --prompts, not both. Usage: ${USAGE}`);
    if (o.prompt === undefined && o.prompts === undefined)
      throw new UsageError(`missing --prompt. Usage: ${USAGE}`);
    if (!o.out) throw new UsageError(`missing --out DIR. Usage: ${USAGE}`);
    const args = parseRunArgs(o);
    const weights = args.weights;

    const prompts = o.prompts !== undefined ? await readPrompts(o.prompts) : [o.prompt as string];
    await checkDirOutput(o.out);
    // Model-free checks first, so bad settings fail in milliseconds, not after loading the model.
    checkSettings(prompts[0]!, args);
    const generator = createNodeGenerator(args.model);
    try {
      const info = await generator.load();
      const base = {
        ...withDefaults(args, info.manifest.defaults),
        ...(Object.keys(weights).length > 0 ? { weights } : {}),
      };
      const engine = generator.engine!;
      checkPrompts(engine, prompts, o.prompts, base);
      // The last seed must stay a valid uint32 too.
      if (base.seed + prompts.length - 1 > 2 ** 32 - 1)
        throw new UsageError(`--seed + prompt count exceeds ${2 ** 32 - 1}.`);

      for (let i = 0; i < prompts.length; i++) {
        const prompt = prompts[i]!;
        const dir = o.prompts !== undefined ? join(o.out, String(i).padStart(3, '0')) : o.out;
        const settings = { ...base, prompt, seed: base.seed + i };
        const unknown = engine.tokenizer.tokenize(prompt).unknown;
        const grammar = warnOutsideGrammar(info.manifest, prompt);
        const record = await generator.generate(settings);
        await writeGenerationOutputs(dir, record, { loadMs: info.loadMs, unknown, grammar });
        const note = unknown.length ? ` (not in vocabulary: ${unknown.join(', ')})` : '';
        console.log(
          `${dir}: "${prompt}" seed ${settings.seed}, ${settings.steps} steps on ${record.ep.name} in ${Math.round(record.timings.totalMs)} ms${note}`,
        );
      }
      return 0;
    } finally {
      await generator.dispose();
    }
  },
};
