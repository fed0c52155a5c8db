/**
 * Reads and validates `manifest.json`. Every problem becomes a ManifestError naming the field (as a
 * dotted path, e.g. `attention[2].resolution`) and the file, so a broken package is fixable from the
 * message alone.
 */
import type { AttentionOutputSpec, ControlSpec, ModelManifest } from '../core/manifest-types.ts';
import { ManifestError, ModelLoadError } from '../core/errors.ts';
import { grammarSpecOf } from './grammar.ts';
import { oneLine, type PackageSource } from './package-source.ts';

export const MANIFEST_FILE = 'manifest.json';

/** Reads `manifest.json` from the package and validates it. */
export async function loadManifest(source: PackageSource): Promise<ModelManifest> {
  const file = source.describe(MANIFEST_FILE);
  const text = await source.readText(MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(file, `not valid JSON (${oneLine(e)}); re-export the model package`);
  }
  return validateManifest(json, file);
}

type Obj = Record<string, unknown>;

/** Field-by-field checks; each helper throws a ManifestError for `path` in `file`. */
class Checker {
  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new ManifestError(this.file, path, problem);
  }

  object(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(path, v === undefined ? 'is missing' : `must be an object, got ${describe(v)}`);
    }
    return v as Obj;
  }

  string(o: Obj, key: string, path: string, nonEmpty = true): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(path, missingOr(v, 'a string'));
    if (nonEmpty && v.trim() === '') this.fail(path, 'must not be empty');
    return v;
  }

  literal<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(path, missingOr(v, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`));
    }
    return v as T;
  }

  number(o: Obj, key: string, path: string, opts: NumberOpts = {}): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(path, missingOr(v, 'a finite number'));
    return this.range(v, path, opts);
  }

  range(v: number, path: string, { int = false, min, max }: NumberOpts): number {
    if (int && !Number.isInteger(v)) this.fail(path, `must be an integer, got ${v}`);
    if (min !== undefined && v < min) this.fail(path, `must be ≥ ${min}, got ${v}`);
    if (max !== undefined && v > max) this.fail(path, `must be ≤ ${max}, got ${v}`);
    return v;
  }

  boolean(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(path, missingOr(v, 'true or false'));
    return v;
  }

  array(o: Obj, key: string, path: string): unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(path, missingOr(v, 'an array'));
    return v;
  }

  pair(o: Obj, key: string, path: string, opts: NumberOpts = {}): [number, number] {
    const v = this.array(o, key, path);
    if (v.length !== 2) this.fail(path, `must have 2 numbers, got ${v.length}`);
    const [a, b] = v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x))
        this.fail(`${path}[${i}]`, 'must be a finite number');
      return this.range(x, `${path}[${i}]`, opts);
    }) as [number, number];
    return [a, b];
  }
}

interface NumberOpts {
  int?: boolean;
  min?: number;
  max?: number;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : String(v);
}

function missingOr(v: unknown, expected: string): string {
  return v === undefined
    ? `is missing (expected ${expected})`
    : `must be ${expected}, got ${describe(v)}`;
}

const OUTPUT_NAME = /^attn_(down|mid|up)_(\d+)_(\d+)$/;

/** Validates parsed JSON against the contract in manifest-types.ts; `file` is used in messages. */
export function validateManifest(json: unknown, file: string): ModelManifest {
  const c: Checker = new Checker(file);
  const root = c.object(json, '(root)');
  // Checked in file order so the first message names the first broken field.
  const name = c.string(root, 'name', 'name');
  const version = c.string(root, 'version', 'version');
  const license = c.string(root, 'license', 'license');

  const image = c.object(root.image, 'image');
  const range = c.pair(image, 'range', 'image.range');
  if (range[0] >= range[1])
    c.fail('image.range', `must be [low, high] with low < high, got [${range.join(', ')}]`);

  const tok = c.object(root.tokenizer, 'tokenizer');
  const vocab = c.array(tok, 'vocab', 'tokenizer.vocab').map((w, i) => {
    if (typeof w !== 'string' || w === '')
      c.fail(`tokenizer.vocab[${i}]`, 'must be a non-empty string');
    return w;
  });
  if (vocab.length === 0) c.fail('tokenizer.vocab', 'must not be empty');
  const seen = new Set<string>();
  vocab.forEach((w, i) => {
    if (seen.has(w)) c.fail(`tokenizer.vocab[${i}]`, `repeats "${w}"`);
    seen.add(w);
  });
  const special = c.object(tok.special, 'tokenizer.special');
  const specialTokens = {
    pad: c.string(special, 'pad', 'tokenizer.special.pad'),
    start: c.string(special, 'start', 'tokenizer.special.start'),
    unknown: c.string(special, 'unknown', 'tokenizer.special.unknown'),
  };
  for (const [k, v] of Object.entries(specialTokens)) {
    if (!seen.has(v)) c.fail(`tokenizer.special.${k}`, `"${v}" is not in tokenizer.vocab`);
  }
  const phraseSeparator =
    tok.phraseSeparator === undefined
      ? undefined
      : c.string(tok, 'phraseSeparator', 'tokenizer.phraseSeparator');

  const sched = c.object(root.scheduler, 'scheduler');
  const defaults = c.object(root.defaults, 'defaults');

  const attention = c.array(root, 'attention', 'attention').map((entry, i): AttentionOutputSpec => {
    const p = `attention[${i}]`;
    const a = c.object(entry, p);
    const output = c.string(a, 'output', `${p}.output`);
    const place = c.literal(a, 'place', `${p}.place`, ['down', 'mid', 'up'] as const);
    const block = c.number(a, 'block', `${p}.block`, { int: true, min: 0 });
    const index = c.number(a, 'index', `${p}.index`, { int: true, min: 0 });
    const m = OUTPUT_NAME.exec(output);
    if (!m) c.fail(`${p}.output`, `must be named attn_<place>_<block>_<index>, got "${output}"`);
    if (m[1] !== place || Number(m[2]) !== block || Number(m[3]) !== index) {
      c.fail(
        `${p}.output`,
        `"${output}" disagrees with place "${place}", block ${block}, index ${index}`,
      );
    }
    return {
      output,
      place,
      block,
      index,
      resolution: c.pair(a, 'resolution', `${p}.resolution`, { int: true, min: 1 }),
      heads: c.number(a, 'heads', `${p}.heads`, { int: true, min: 1 }),
    };
  });
  if (attention.length === 0) c.fail('attention', 'must list at least one cross-attention output');
  const outputs = new Set<string>();
  attention.forEach((a, i) => {
    if (outputs.has(a.output)) c.fail(`attention[${i}].output`, `repeats "${a.output}"`);
    outputs.add(a.output);
  });

  const control =
    root.control === undefined ? undefined : validateControl(c, root.control, outputs);
  if (root.training !== undefined) c.object(root.training, 'training');

  const manifest: ModelManifest = {
    name,
    version,
    license,
    image: {
      width: c.number(image, 'width', 'image.width', { int: true, min: 1 }),
      height: c.number(image, 'height', 'image.height', { int: true, min: 1 }),
      channels: c.number(image, 'channels', 'image.channels', { int: true, min: 1, max: 4 }),
      range,
      layout: c.literal(image, 'layout', 'image.layout', ['NCHW'] as const),
    },
    tokenizer: {
      kind: c.literal(tok, 'kind', 'tokenizer.kind', ['word'] as const),
      vocab,
      maxTokens: c.number(tok, 'maxTokens', 'tokenizer.maxTokens', { int: true, min: 2 }),
      lowercase: c.boolean(tok, 'lowercase', 'tokenizer.lowercase'),
      special: specialTokens,
      ...(phraseSeparator === undefined ? {} : { phraseSeparator }),
    },
    textEncoder: c.string(root, 'textEncoder', 'textEncoder'),
    unet: c.string(root, 'unet', 'unet'),
    embeddingDim: c.number(root, 'embeddingDim', 'embeddingDim', { int: true, min: 1 }),
    scheduler: {
      kind: c.literal(sched, 'kind', 'scheduler.kind', ['rectified-flow-euler'] as const),
      trainTimesteps: c.number(sched, 'trainTimesteps', 'scheduler.trainTimesteps', {
        int: true,
        min: 1,
      }),
      predictionType: c.literal(sched, 'predictionType', 'scheduler.predictionType', [
        'velocity',
      ] as const),
      timestepScale: c.number(sched, 'timestepScale', 'scheduler.timestepScale', {
        min: Number.MIN_VALUE,
      }),
      guidanceUncond: c.string(sched, 'guidanceUncond', 'scheduler.guidanceUncond', false),
    },
    defaults: {
      steps: c.number(defaults, 'steps', 'defaults.steps', { int: true, min: 1, max: 200 }),
      guidance: c.number(defaults, 'guidance', 'defaults.guidance', { min: 0, max: 30 }),
      seed: c.number(defaults, 'seed', 'defaults.seed', { int: true, min: 0, max: 2 ** 32 - 1 }),
    },
    attention,
  };
  if (root.unetInt8 !== undefined) manifest.unetInt8 = c.string(root, 'unetInt8', 'unetInt8');
  if (root.guidance !== undefined) {
    const g = c.object(root.guidance, 'guidance');
    if (!c.boolean(g, 'distilled', 'guidance.distilled'))
      c.fail(
        'guidance.distilled',
        'must be true (omit "guidance" for a classifier-free-guided model)',
      );
    manifest.guidance = {
      distilled: true,
      input: c.string(g, 'input', 'guidance.input'),
      range: c.pair(g, 'range', 'guidance.range', { min: 0 }),
    };
  }
  if (control) manifest.control = control;
  if (typeof root.description === 'string') manifest.description = root.description;
  if (root.training !== undefined) manifest.training = root.training as Record<string, unknown>;
  if (root.grammarSpec !== undefined) {
    const spec = grammarSpecOf(root);
    if (!spec)
      c.fail(
        'grammarSpec',
        'must list colours, shapes, sizes, positions, pairs, triples, relations, backgrounds, colourBackground and maxObjects',
      );
    manifest.grammarSpec = spec;
  }
  if (root.examples !== undefined) manifest.examples = validateExamples(c, root.examples);
  return manifest;
}

/** `examples`: 1–12 distinct prompts (the menu keys its options by text), each 1–200 characters. */
function validateExamples(c: Checker, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 12)
    c.fail('examples', missingOr(v, 'a list of 1 to 12 prompts'));
  return v.map((e: unknown, i) => {
    if (typeof e !== 'string' || e.trim() === '' || e.length > 200)
      c.fail(`examples[${i}]`, missingOr(e, 'a prompt of 1 to 200 characters'));
    const first = v.indexOf(e);
    if (first < i) c.fail(`examples[${i}]`, `repeats examples[${first}]`);
    return e;
  });
}

/** The contract v2 `control` block: one inject input per attention output, nothing else. */
function validateControl(c: Checker, v: unknown, outputs: Set<string>): ControlSpec {
  const o = c.object(v, 'control');
  const tokenScale = c.string(o, 'tokenScale', 'control.tokenScale');
  const injectWeight = c.string(o, 'injectWeight', 'control.injectWeight');
  const inj = c.object(o.inject, 'control.inject');
  const inject: Record<string, string> = {};
  for (const name of outputs) inject[name] = c.string(inj, name, `control.inject.${name}`);
  for (const key of Object.keys(inj)) {
    if (!outputs.has(key)) c.fail(`control.inject.${key}`, 'is not an attention output');
  }
  const order = c.literal(o, 'order', 'control.order', ['inject-then-scale'] as const);
  if (o.renormalised !== false) c.fail('control.renormalised', missingOr(o.renormalised, 'false'));
  return { tokenScale, injectWeight, inject, order, renormalised: false };
}
