/**
 * The options `wordlight generate` and `wordlight edit` share (sampling settings, word weights, the
 * model and its runtime), parsed and checked the same way for both. Everything here runs before the
 * model loads, so a bad value fails in milliseconds.
 */
import { DEFAULT_MODEL_DIR, type NodeModelOptions } from '../model/node-model.ts';
import { validateSettings } from '../model/validate.ts';
import { numberOption, UsageError } from './args.ts';
import { parseWeights } from './weights.ts';

export const RUN_OPTIONS = {
  seed: { type: 'string' },
  steps: { type: 'string' },
  guidance: { type: 'string' },
  model: { type: 'string' },
  weight: { type: 'string', multiple: true },
  ep: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface RunValues {
  seed?: string;
  steps?: string;
  guidance?: string;
  model?: string;
  weight?: string[];
  ep?: string;
  threads?: string;
}

/** Parsed shared options; seed, steps and guidance stay undefined when absent (model defaults). */
export interface RunArgs {
  seed?: number;
  steps?: number;
  guidance?: number;
  weights: Record<string, number>;
  model: NodeModelOptions;
}

export function parseRunArgs(o: RunValues): RunArgs {
  if (o.ep !== undefined && o.ep !== 'wasm' && o.ep !== 'cpu')
    throw new UsageError(`--ep must be wasm or cpu in Node (got "${o.ep}").`);
  const threads = numberOption(o.threads, '--threads', true);
  if (threads !== undefined && (threads < 1 || threads > 64))
    throw new UsageError(`--threads must be from 1 to 64 (got ${threads}).`);
  return {
    seed: numberOption(o.seed, '--seed', true),
    steps: numberOption(o.steps, '--steps', true),
    guidance: numberOption(o.guidance, '--guidance', false),
    weights: parseWeights(o.weight ?? []),
    model: {
      dir: o.model ?? DEFAULT_MODEL_DIR,
      ...(o.ep ? { ep: o.ep as 'wasm' | 'cpu' } : {}),
      threads: threads ?? 1,
    },
  };
}

/** The engine's range checks on a prompt and the given numbers, with neutral stand-ins for the
 * ones left to the model's defaults (the engine checks the final settings again before generating). */
export function checkSettings(prompt: string, a: RunArgs): void {
  validateSettings({
    prompt,
    seed: a.seed ?? 0,
    steps: a.steps ?? 1,
    guidance: a.guidance ?? 0,
  });
}

/** Seed, steps and guidance from the command line, else the model's defaults. */
export function withDefaults(
  a: RunArgs,
  defaults: { seed: number; steps: number; guidance: number },
): { seed: number; steps: number; guidance: number } {
  return {
    seed: a.seed ?? defaults.seed,
    steps: a.steps ?? defaults.steps,
    guidance: a.guidance ?? defaults.guidance,
  };
}
