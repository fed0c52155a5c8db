import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, ModelLoadError } from '../../../src/core/errors.ts';
import { dirSource } from '../../../src/model/fs-source.ts';
import { loadManifest, validateManifest } from '../../../src/model/manifest.ts';
import { validManifest } from './fixtures.ts';

function errorOf(fn: () => unknown): ManifestError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ManifestError) return e;
    throw e;
  }
  throw new Error('expected a ManifestError');
}

/** Deletes or replaces the value at a dotted path of a fresh valid manifest. */
function broken(path: string, value?: unknown): unknown {
  const m = validManifest() as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let o = m as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return m;
}

describe('validateManifest', () => {
  it('accepts a valid manifest', () => {
    expect(validateManifest(validManifest(), 'm.json').attention).toHaveLength(2);
  });

  it('reads the optional int8 UNet and guidance-distillation fields', () => {
    const m = validateManifest(
      {
        ...validManifest(),
        unetInt8: 'unet.int8.onnx',
        guidance: { distilled: true, input: 'guidance', range: [0, 10], note: 'x' },
      },
      'm.json',
    );
    expect(m.unetInt8).toBe('unet.int8.onnx');
    expect(m.guidance).toEqual({ distilled: true, input: 'guidance', range: [0, 10] });
    const plain = validateManifest(validManifest(), 'm.json');
    expect(plain.unetInt8).toBeUndefined();
    expect(plain.guidance).toBeUndefined();
    expect(errorOf(() => validateManifest(broken('unetInt8', 3), 'm.json')).message).toMatch(
      /unetInt8/,
    );
    const notDistilled = {
      ...validManifest(),
      guidance: { distilled: false, input: 'g', range: [0, 1] },
    };
    expect(errorOf(() => validateManifest(notDistilled, 'm.json')).message).toMatch(
      /guidance\.distilled/,
    );
  });

  it.each([
    ['name'],
    ['version'],
    ['image'],
    ['image.width'],
    ['image.range'],
    ['tokenizer.vocab'],
    ['tokenizer.maxTokens'],
    ['tokenizer.special'],
    ['tokenizer.special.unknown'],
    ['textEncoder'],
    ['unet'],
    ['embeddingDim'],
    ['scheduler.timestepScale'],
    ['scheduler.guidanceUncond'],
    ['defaults.steps'],
    ['attention'],
  ])('names a missing %s and the file', (field) => {
    const e = errorOf(() => validateManifest(broken(field), '/pkg/manifest.json'));
    expect(e.field).toBe(field);
    expect(e.file).toBe('/pkg/manifest.json');
    expect(e.message).toContain(`"${field}"`);
    expect(e.message).toContain('/pkg/manifest.json');
    expect(e.message).toContain('missing');
    expect(e.message).not.toContain('\n');
  });

  it.each([
    ['image.width', 0, 'must be ≥ 1'],
    ['image.layout', 'NHWC', '"NCHW"'],
    ['image.range', [1, -1], 'low < high'],
    ['tokenizer.kind', 'bpe', '"word"'],
    ['scheduler.kind', 'ddpm', 'rectified-flow-euler'],
    ['defaults.guidance', 'strong', 'a finite number'],
    ['tokenizer.special.pad', '[PAD]', 'not in tokenizer.vocab'],
  ])('names a wrong %s', (field, value, text) => {
    const e = errorOf(() => validateManifest(broken(field, value), 'm.json'));
    expect(e.field).toBe(field);
    expect(e.message).toContain(text);
  });

  it('reads the optional examples and names a bad one', () => {
    const ex = ['a red circle', 'a blue square on the left'];
    expect(validateManifest({ ...validManifest(), examples: ex }, 'm.json').examples).toEqual(ex);
    expect(validateManifest(validManifest(), 'm.json').examples).toBeUndefined();
    for (const [examples, field] of [
      [[], 'examples'],
      ['a red circle', 'examples'],
      [Array.from({ length: 13 }, () => 'a red circle'), 'examples'],
      [['a red circle', ' '], 'examples[1]'],
      [['a red circle', 7], 'examples[1]'],
      [['x'.repeat(201)], 'examples[0]'],
      [['a red circle', 'a blue square', 'a red circle'], 'examples[2]'],
    ] as const) {
      const e = errorOf(() => validateManifest({ ...validManifest(), examples }, 'm.json'));
      expect(e.field, JSON.stringify(examples).slice(0, 40)).toBe(field);
    }
  });

  it('names the attention entry and the mismatch', () => {
    const m = validManifest();
    m.attention[1]!.output = 'attn_up_0_0';
    const e = errorOf(() => validateManifest(m, 'm.json'));
    expect(e.field).toBe('attention[1].output');
    expect(e.message).toContain('disagrees');
    const m2 = validManifest() as unknown as { attention: Record<string, unknown>[] };
    delete m2.attention[0]!.resolution;
    expect(errorOf(() => validateManifest(m2, 'm.json')).field).toBe('attention[0].resolution');
  });
});

describe('loadManifest from a directory', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wl-manifest-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reports a missing manifest as ModelLoadError naming the path', async () => {
    const err = await loadManifest(dirSource(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe(join(dir, 'manifest.json'));
    expect((err as Error).message).toContain('not found');
  });

  it('reports invalid JSON', async () => {
    await writeFile(join(dir, 'manifest.json'), '{"name": "scenes",');
    const err = await loadManifest(dirSource(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain('not valid JSON');
  });

  it('reports a missing field with the file path', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(broken('unet')));
    const err = await loadManifest(dirSource(dir)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).message).toBe(
      `Could not load ${join(dir, 'manifest.json')}: field "unet" is missing (expected a string)`,
    );
  });
});
