/**
 * Which packages the per-model cost rows compare: those `public/models/index.json` lists (the app's
 * Model picker), in its order, when the benched model is one of them; a model from elsewhere
 * (`--model DIR`) is benched alone.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../../model/node-model.ts';

export async function listedModelDirs(dir: string): Promise<string[]> {
  const root = dirname(resolve(dir));
  let names: string[];
  try {
    const index = JSON.parse(await readFile(join(root, 'index.json'), 'utf8')) as {
      models?: { name?: unknown }[];
    };
    names = (index.models ?? []).flatMap((m) => (typeof m.name === 'string' ? [m.name] : []));
  } catch {
    return [dir];
  }
  if (!names.includes(basename(resolve(dir)))) return [dir];
  return names.map((n) => join(root, n));
}

/** The package the app opens by default: `index.json`'s `default` in the folder of the shipped
 * packages (what a user gets, so the bench follows a change of default without code changes). */
export async function defaultModelDir(modelsRoot = dirname(DEFAULT_MODEL_DIR)): Promise<string> {
  const index = JSON.parse(await readFile(join(modelsRoot, 'index.json'), 'utf8')) as {
    default?: unknown;
  };
  if (typeof index.default !== 'string' || index.default === '')
    throw new Error(`${join(modelsRoot, 'index.json')} names no default model`);
  return join(modelsRoot, index.default);
}
