/**
 * Attention control through the real engine and the shipped contract v2 package: per-word weights
 * and prompt-to-prompt edits (word swap, refinement), with the bad input each refuses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord, GenerationSettings } from '../../../src/core/record.ts';
import { alignPrompts } from '../../../src/model/align.ts';
import { Engine } from '../../../src/model/engine.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import type { LoadedModel } from '../../../src/model/load.ts';
import { WordTokenizer } from '../../../src/model/tokenizer.ts';
import { maxAbsDiff, sharedModel } from './model-helpers.ts';
import { writeV1Package } from './v1-package.ts';

const SOURCE = 'a big red triangle on the left and a small blue circle on the right';
const base: GenerationSettings = { prompt: SOURCE, seed: 5, steps: 6, guidance: 4 };

function final(r: GenerationRecord): Float32Array {
  if (!r.final) throw new Error('no final image');
  return r.final;
}

describe('attention control', () => {
  let model: LoadedModel;
  let engine: Engine;
  let tok: WordTokenizer;
  let source: GenerationRecord;

  beforeAll(async () => {
    model = await sharedModel();
    engine = new Engine(model);
    tok = engine.tokenizer;
    source = await engine.generate(base);
  }, 120_000);

  it('weights at ×1 change nothing; ×0 on "red" changes the image and zeroes its maps', async () => {
    const same = await engine.generate({ ...base, weights: { red: 1 } });
    expect(maxAbsDiff(final(same), final(source))).toBe(0);
    expect(same.settings.weights).toBeUndefined();
    const off = await engine.generate({ ...base, weights: { red: 0 } });
    expect(off.settings.weights).toEqual({ red: 0 });
    expect(maxAbsDiff(final(off), final(source))).toBeGreaterThan(0.1);
    const T = model.manifest.tokenizer.maxTokens;
    const red = source.words.find((w) => w.word === 'red')!.tokenPosition;
    const a = off.steps[2]!.attention[0]!;
    for (let row = 0; row < a.length / T; row += 5) expect(a[row * T + red]).toBe(0);
  });

  it('an edit of the same prompt with full injection reproduces the source bit for bit', async () => {
    const edit = await engine.generate(
      { ...base, edit: { source: { prompt: SOURCE, seed: base.seed }, inject: 1 } },
      { source },
    );
    expect(edit.edit).toEqual({
      mode: 'swap',
      sourceOf: Array.from({ length: 20 }, (_, i) => i),
      injectedSteps: 6,
    });
    expect(maxAbsDiff(final(edit), final(source))).toBe(0);
  });

  it('a word swap injects the source maps in the first steps, then lets the edit go its own way', async () => {
    const prompt = SOURCE.replace('triangle', 'square');
    const settings = {
      ...base,
      prompt,
      edit: { source: { prompt: SOURCE, seed: 5 }, inject: 0.5 },
    };
    const edit = await engine.generate(settings, { source });
    expect(edit.edit?.injectedSteps).toBe(3);
    // injected steps: the edited run's maps are the source's (weight 1 everywhere; p + 1·(q − p)
    // rounds to q within a float32 ulp, not always exactly)
    for (let i = 0; i < 3; i++) {
      edit.steps[i]!.attention.forEach((a, l) =>
        expect(maxAbsDiff(a, source.steps[i]!.attention[l]!)).toBeLessThan(1e-6),
      );
    }
    const plain = await engine.generate({ ...base, prompt });
    expect(maxAbsDiff(final(edit), final(plain))).toBeGreaterThan(0.01);
    const later = edit.steps[4]!.attention[0]!;
    expect(maxAbsDiff(later, source.steps[4]!.attention[0]!)).toBeGreaterThan(1e-3);
  });

  it('aligns a refinement: inserted words keep their own maps, shared words and padding are mapped', () => {
    const a = alignPrompts(
      tok.tokenize('a red circle on the left'),
      tok.tokenize('a big red circle on the left'),
    );
    expect(a.mode).toBe('refine');
    expect(a.sourceOf.slice(0, 9)).toEqual([0, 1, -1, 2, 3, 4, 5, 6, 8]);
    const sub = alignPrompts(tok.tokenize('a red circle'), tok.tokenize('a big blue circle'));
    expect(sub.sourceOf.slice(0, 5)).toEqual([0, 1, -1, -1, 3]); // "blue" ≠ "red": its own map
  });

  it('refuses bad input with one clear line each', async () => {
    const msg = async (s: GenerationSettings, source?: GenerationRecord): Promise<string> => {
      try {
        await engine.generate(s, source ? { source } : {});
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInputError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(await msg({ ...base, weights: { red: 4 } })).toMatch(
      /Weight of "red" must be from 0 to 3/,
    );
    expect(await msg({ ...base, weights: { red: Number.NaN } })).toMatch(/must be a number/);
    expect(await msg({ ...base, weights: { purple: 2 } })).toMatch(/Cannot weigh "purple"/);
    const edit = (prompt: string, inject = 1): GenerationSettings => ({
      ...base,
      prompt,
      edit: { source: { prompt: SOURCE, seed: 5 }, inject },
    });
    expect(await msg(edit('a big red dragon on the left', 0), source)).toMatch(
      /does not know \("dragon"\)/,
    );
    expect(await msg(edit('green square'), source)).toMatch(/cannot be aligned/);
    expect(await msg(edit(SOURCE.replace('red', 'green'), 1.5), source)).toMatch(
      /Injection must be a number from 0 to 1/,
    );
    expect(await msg(edit(SOURCE.replace('red', 'green')))).toMatch(/is not cached/);
    // injection 0 compares two prompts that share no word
    const cmp = await engine.generate(edit('green square', 0));
    expect(cmp.edit?.injectedSteps).toBe(0);
    expect(cmp.edit?.sourceOf.every((s) => s === -1)).toBe(true);
  });

  it('a package without control inputs refuses weights and edits, saying why', async () => {
    const { control: _drop, ...v1 } = model.manifest;
    const v1Engine = new Engine({ ...model, manifest: v1 });
    await expect(v1Engine.generate({ ...base, weights: { red: 2 } })).rejects.toThrow(
      /no attention-control inputs \(model contract v1\)/,
    );
  });
});

/**
 * Backwards compatibility: the scenes package as it was before contract v2 (same weights, no control
 * inputs; from git history) still loads and generates, and refuses weights with the reason.
 */
describe('a contract v1 package', () => {
  it('loads, generates the same image as v2 with control unused, and refuses weights', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadNodeModel } = await import('../../../src/model/node-model.ts');
    const dir = await mkdtemp(join(tmpdir(), 'wl-v1-'));
    try {
      writeV1Package(dir);
      const v1 = await loadNodeModel({ dir, ep: 'wasm', threads: 1 });
      expect(v1.manifest.control).toBeUndefined();
      const engine = new Engine(v1);
      const a = await engine.generate(base);
      const b = await new Engine(await sharedModel()).generate(base);
      expect(maxAbsDiff(final(a), final(b))).toBe(0);
      await expect(engine.generate({ ...base, weights: { red: 2 } })).rejects.toThrow(
        /no attention-control inputs/,
      );
      await v1.unet.release();
      await v1.textEncoder.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
