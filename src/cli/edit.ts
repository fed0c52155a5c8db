/**
 * `wordlight edit --prompt P --to Q --inject F --out DIR`: prompt-to-prompt in Node. Generates the
 * source P once, then the edit Q on the same seed with P's cached cross-attention maps injected
 * during the first F of the steps (word swap or refinement alignment, see model/align.ts). Writes
 * DIR/source/ and DIR/edited/ (the same files as `generate`), DIR/diff.png (per-pixel image
 * difference, white = a change of half the value range or more) and DIR/edit.json (alignment,
 * weights, injection, per-word map changes). Everything is checked before any model work.
 */
import { warnOutsideGrammar } from './grammar-warning.ts';
import { join } from 'node:path';
import { imageDifference, wordMapChanges } from '../attention/compare.ts';
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { encodePng } from '../export/png.ts';
import { alignPrompts } from '../model/align.ts';
import { controlUnavailable } from '../model/control.ts';
import { InvalidInputError } from '../core/errors.ts';
import { createNodeGenerator } from '../model/node-model.ts';
import { numberOption, parseOptions, UsageError } from './args.ts';
import { writeGenerationOutputs } from './generate.ts';
import { makeDir, writeOutput } from './files.ts';
import type { Subcommand } from './main.ts';
import { checkSettings, parseRunArgs, RUN_OPTIONS, withDefaults } from './run-options.ts';

const USAGE =
  'wordlight edit --prompt P --to Q --inject F --out DIR [--weight WORD=FACTOR …] [--seed S] [--steps N] [--guidance G] [--model DIR] [--ep wasm|cpu] [--threads N]';

const OPTIONS = {
  prompt: { type: 'string' },
  to: { type: 'string' },
  inject: { type: 'string' },
  out: { type: 'string' },
  ...RUN_OPTIONS,
} as const;

/** diff.png bytes: grey level = mean channel difference / (half the value range), clamped. */
export function differencePng(source: GenerationRecord, edited: GenerationRecord): Uint8Array {
  const { width: W, height: H, channels: C, range } = edited.image;
  const d = imageDifference(source.final!, edited.final!, C);
  const half = (range[1] - range[0]) / 2;
  const grey = Uint8Array.from(d, (v) => Math.round(Math.min(1, v / half) * 255));
  return encodePng(grey, W, H, 1);
}

export function editSummary(source: GenerationRecord, edited: GenerationRecord) {
  const e = edited.edit!;
  const { channels: C, range } = edited.image;
  const d = imageDifference(source.final!, edited.final!, C);
  const span = range[1] - range[0];
  let changed = 0;
  let sum = 0;
  for (const v of d) {
    sum += v;
    if (v > 0.1 * span) changed++;
  }
  return {
    source: source.settings,
    edited: edited.settings,
    injection: {
      fraction: edited.settings.edit?.inject ?? 0,
      injectedSteps: e.injectedSteps,
      steps: edited.settings.steps,
      rows: 'conditional half only (the unconditional half runs uncontrolled, as in prompt-to-prompt)',
    },
    alignment: {
      mode: e.mode,
      tokens: edited.tokens.map((t) => {
        const s = e.sourceOf[t.position] ?? -1;
        return {
          position: t.position,
          token: t.text,
          sourcePosition: s < 0 ? null : s,
          sourceToken: s < 0 ? null : (source.tokens[s]?.text ?? null),
        };
      }),
    },
    weights: { source: source.settings.weights ?? {}, edited: edited.settings.weights ?? {} },
    image: {
      meanAbsDifference: Math.round((sum / d.length) * 1e4) / 1e4,
      changedPixelShare: Math.round((changed / d.length) * 1e4) / 1e4,
      changedThreshold: 0.1 * span,
    },
    words: wordMapChanges(source, edited, e.sourceOf),
  };
}

export const editCommand: Subcommand = {
  async run(argv) {
    const o = parseOptions(argv, OPTIONS, USAGE);
    if (o.help) {
      console.log(USAGE);
      return 0;
    }
    for (const [flag, v] of [
      ['--prompt', o.prompt],
      ['--to', o.to],
      ['--inject', o.inject],
      ['--out', o.out],
    ] as const) {
      if (v === undefined) throw new UsageError(`missing ${flag}. Usage: ${USAGE}`);
    }
    const inject = numberOption(o.inject, '--inject', false)!;
    const args = parseRunArgs(o);
    const weights = args.weights;
    const prompt = o.prompt as string;
    const to = o.to as string;
    checkSettings(prompt, args);
    checkSettings(to, args);

    const generator = createNodeGenerator(args.model);
    try {
      const info = await generator.load();
      const engine = generator.engine!;
      const unavailable = controlUnavailable(info.manifest);
      if (unavailable) throw new InvalidInputError('edit', unavailable);
      const base = withDefaults(args, info.manifest.defaults);
      const sourceSettings: GenerationSettings = { ...base, prompt };
      const editSettings: GenerationSettings = {
        ...base,
        prompt: to,
        ...(Object.keys(weights).length > 0 ? { weights } : {}),
        edit: { source: { prompt, seed: base.seed }, inject },
      };
      // Everything the engine would refuse, refused now: settings, prompts, weights, alignment.
      const srcTok = engine.prepare(sourceSettings);
      const editTok = engine.prepare(editSettings);
      for (const p of new Set([prompt, to])) warnOutsideGrammar(info.manifest, p);
      engine.prepareControl(
        { ...editSettings, edit: { ...editSettings.edit!, inject: 0 } },
        editTok,
      );
      if (inject > 0) alignPrompts(srcTok, editTok);
      if (!(inject >= 0 && inject <= 1)) engine.prepareControl(editSettings, editTok);

      const source = await generator.generate(sourceSettings);
      const edited = await generator.generate(editSettings, { source });
      const extra = { loadMs: info.loadMs, unknown: [] };
      await writeGenerationOutputs(join(o.out!, 'source'), source, {
        ...extra,
        unknown: srcTok.unknown,
      });
      await writeGenerationOutputs(join(o.out!, 'edited'), edited, extra);
      await makeDir(o.out!);
      await writeOutput(join(o.out!, 'diff.png'), differencePng(source, edited));
      const summary = editSummary(source, edited);
      await writeOutput(join(o.out!, 'edit.json'), `${JSON.stringify(summary, null, 2)}\n`);
      console.log(
        `${o.out}: "${prompt}" → "${to}" (${summary.alignment.mode}), seed ${base.seed}, source maps injected in ${summary.injection.injectedSteps}/${base.steps} steps; ${(100 * summary.image.changedPixelShare).toFixed(1)}% of pixels changed`,
      );
      return 0;
    } finally {
      await generator.dispose();
    }
  },
};
