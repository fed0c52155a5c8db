/**
 * `npm run eval` (also `wordlight eval`): prompt adherence and word-map quality of the model.
 * For each prompt of `eval/prompts.json` and each of three seed sets (seed = base + the prompt's
 * index in the file, bases 0, 1000, 2000), generate with the manifest's default steps and guidance, check the image
 * (checker.ts) and score each colour/shape/size/position word's DAAM heatmap against the object the
 * checker found (IoU at τ = 0.4). Prints a table and writes eval/results.json (keys: eval/README.md).
 *
 * Options: --model DIR, --prompts FILE, --out FILE, --ep cpu|wasm (default cpu: the same engine and
 * graph on onnxruntime-node, ~6× faster per step than WASM here; --ep wasm runs the browser's path),
 * --unet table|fp32|int8 (default table: the provider table's file; int8 runs the WASM file on cpu too),
 * --threads N (default 1), --limit N (first N single- and first N two-object prompts, for a quick
 * look), --seed-sets 0,1000,2000, --steps N and --guidance G (override the manifest's defaults,
 * e.g. to see what fewer steps cost in adherence), --set v1|v2|both (v1: the regression set above;
 * v2: world v2's harder set, eval/prompts-v2.json or --prompts-v2 FILE, world-v2-run.ts; both: the two
 * and the combined score that picks the default model), --section all|adherence|control (default all;
 * control = the attention-control section, control-eval.ts, on packages with control inputs; it
 * uses the v1 set's prompts) and --control-prompts N (prompts per control experiment, default 20).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { numberOption, parseOptions, UsageError } from '../args.ts';
import type { UnetChoice } from '../../model/load.ts';
import { createNodeGenerator, DEFAULT_MODEL_DIR } from '../../model/node-model.ts';
import { controlUnavailable } from '../../model/control.ts';
import { formatControl, runControlEval, type ControlEvalResult } from './control-eval.ts';
import { evaluateSample, type SampleOutcome } from './evaluate.ts';
import { TAU } from './iou.ts';
import { figures, formatFigures } from './metrics.ts';
import { heldOutTriples, loadPromptSet, type EvalPrompt } from './prompts.ts';
import { combinedScore, formatV2, loadV2Prompts, runV2, type V2Result } from './world-v2-run.ts';

const OPTIONS = {
  model: { type: 'string', default: DEFAULT_MODEL_DIR },
  prompts: { type: 'string', default: 'eval/prompts.json' },
  out: { type: 'string', default: 'eval/results.json' },
  ep: { type: 'string', default: 'cpu' },
  unet: { type: 'string', default: 'table' },
  threads: { type: 'string', default: '1' },
  limit: { type: 'string' },
  'seed-sets': { type: 'string', default: '0,1000,2000' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  set: { type: 'string', default: 'v1' },
  'prompts-v2': { type: 'string', default: 'eval/prompts-v2.json' },
  section: { type: 'string', default: 'all' },
  'control-prompts': { type: 'string', default: '20' },
} as const;

const USAGE =
  'npm run eval -- [--model DIR] [--prompts FILE] [--out FILE] [--ep cpu|wasm] [--unet table|fp32|int8] ' +
  '[--threads N] [--limit N] [--seed-sets 0,1000,2000] [--steps N] [--guidance G] [--set v1|v2|both] ' +
  '[--prompts-v2 FILE] [--section all|adherence|control] [--control-prompts N]';

export async function runEval(argv: string[]): Promise<number> {
  const values = parseOptions(argv, OPTIONS, USAGE);
  const bad = (message: string): never => {
    throw new UsageError(`${message}. Usage: ${USAGE}`);
  };
  const ep = values.ep;
  if (ep !== 'cpu' && ep !== 'wasm') bad(`--ep must be cpu or wasm (got "${ep}")`);
  const unet = values.unet;
  if (unet !== 'table' && unet !== 'fp32' && unet !== 'int8')
    bad(`--unet must be table, fp32 or int8 (got "${unet}")`);
  const threads = numberOption(values.threads, '--threads', true) ?? 1;
  if (threads < 1) bad('--threads must be ≥ 1');
  const seedSets = values['seed-sets']
    .split(',')
    .map((s) => numberOption(s, '--seed-sets', true) ?? -1);
  if (seedSets.some((s) => s < 0)) bad('--seed-sets must be whole numbers ≥ 0, comma-separated');
  const limit = numberOption(values.limit, '--limit', true) ?? null;
  if (limit !== null && limit < 1) bad('--limit must be ≥ 1');
  // Steps and guidance: range checks are the engine's (validateSettings), with its own messages.
  const stepsOption = numberOption(values.steps, '--steps', true);
  const guidanceOption = numberOption(values.guidance, '--guidance', false);

  const section = values.section;
  if (section !== 'all' && section !== 'adherence' && section !== 'control')
    bad(`--section must be all, adherence or control (got "${section}")`);
  const controlPrompts = numberOption(values['control-prompts'], '--control-prompts', true) ?? 20;
  if (controlPrompts < 1) bad('--control-prompts must be ≥ 1');
  const which = values.set;
  if (which !== 'v1' && which !== 'v2' && which !== 'both')
    bad(`--set must be v1, v2 or both (got "${which}")`);
  const v2File = which === 'v1' ? null : await loadV2Prompts(values['prompts-v2']);
  const set = await loadPromptSet(values.prompts);
  const prompts = limitPrompts(set.prompts, limit);
  const generator = createNodeGenerator({
    dir: values.model,
    ep: ep as 'cpu' | 'wasm',
    threads,
    unet: unet as UnetChoice,
  });
  const started = performance.now();
  try {
    const info = await generator.load();
    const { manifest } = info;
    const steps = stepsOption ?? manifest.defaults.steps;
    const guidance = guidanceOption ?? manifest.defaults.guidance;
    const heldOut = heldOutTriples(manifest.training);
    const preset = typeof manifest.training?.preset === 'string' ? manifest.training.preset : null;
    log(
      `model ${manifest.name} ${manifest.version} (training preset: ${preset ?? 'unknown'}), ep ${info.ep.name}: ${info.ep.reason}`,
    );
    log(
      `${prompts.length} prompts × ${seedSets.length} seed sets, ${steps} steps, guidance ${guidance}; ${heldOut.length} held-out triples`,
    );

    const sets: SampleOutcome[][] = [];
    const adherence = which !== 'v2' && section !== 'control';
    for (const [k, base] of adherence ? seedSets.entries() : []) {
      const outcomes: SampleOutcome[] = [];
      for (const [i, p] of prompts.entries()) {
        const settings = {
          steps,
          guidance,
          separator: manifest.tokenizer.phraseSeparator,
          heldOut,
        };
        // Seed from the prompt's place in the file, so a --limit subset reuses the full run's seeds.
        outcomes.push(await evaluateSample(generator, p, base + set.prompts.indexOf(p), settings));
        if ((i + 1) % 20 === 0 || i + 1 === prompts.length) {
          const elapsed = (performance.now() - started) / 1000;
          log(
            `seed set ${k + 1}/${seedSets.length} (base ${base}): ${i + 1}/${prompts.length} prompts, ${elapsed.toFixed(0)} s`,
          );
        }
      }
      sets.push(outcomes);
    }

    const figs = adherence ? figures(sets) : [];
    let v2: V2Result | null = null;
    if (v2File && section !== 'control') {
      v2 = await runV2(generator, v2File, { seedSets, steps, guidance, limit, log });
    }
    let control: ControlEvalResult | null = null;
    if (section !== 'adherence' && manifest.control) {
      control = await runControlEval(generator, set.prompts, {
        steps,
        guidance,
        seedSets,
        prompts: controlPrompts,
        log,
      });
    } else if (section !== 'adherence') {
      log(`control section skipped: ${controlUnavailable(manifest)}`);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    if (adherence) console.log(`\n${formatFigures(figs)}\n`);
    if (control) console.log(`\n${formatControl(control)}\n`);
    if (v2) console.log(`${formatV2(v2.figures)}\n`);
    const v1Adherence = ['single.fullyRight', 'two.fullyRight', 'two.binding', 'placement'].map(
      (id) => figs.find((f) => f.id === id)?.mean ?? Number.NaN,
    );
    const combined =
      v2 && which === 'both'
        ? combinedScore(v1Adherence, v2.figures, v2File?.categories ?? [])
        : null;
    if (combined !== null)
      console.log(
        `combined (mean of all adherence figures, v1 + v2 sets): ${combined.toFixed(3)}\n`,
      );
    const results = {
      schema: 1,
      date: new Date().toISOString(),
      wallSeconds,
      model: { dir: values.model, name: manifest.name, version: manifest.version, preset },
      ep: info.ep,
      settings: {
        steps,
        guidance,
        tau: TAU,
        seedSets,
        prompts: values.prompts,
        promptCount: prompts.length,
      },
      heldOut,
      set: which,
      figures: figs,
      control,
      samples: sets.map((outcomes, k) => ({ seedBase: seedSets[k], outcomes })),
      ...(v2
        ? { v2: { prompts: values['prompts-v2'], figures: v2.figures, rows: v2.rows }, combined }
        : {}),
    };
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify(results, null, 1)}\n`);
    log(`wrote ${values.out} in ${wallSeconds.toFixed(0)} s`);
    return 0;
  } finally {
    await generator.dispose();
  }
}

/** The first `limit` single-object and first `limit` two-object prompts (null: all). */
function limitPrompts(prompts: EvalPrompt[], limit: number | null): EvalPrompt[] {
  if (limit === null) return prompts;
  const single = prompts.filter((p) => p.objects.length === 1).slice(0, limit);
  const two = prompts.filter((p) => p.objects.length === 2).slice(0, limit);
  return [...single, ...two];
}

function log(msg: string): void {
  console.error(`[eval] ${msg}`);
}

/** `wordlight eval …` */
export const evalCommand = { run: runEval };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEval(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`eval failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
