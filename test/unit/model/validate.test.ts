import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { WordTokenizer } from '../../../src/model/tokenizer.ts';
import { validateSettings, validateTokenized } from '../../../src/model/validate.ts';
import { SCENES_TOKENIZER } from './fixtures.ts';

const ok = { prompt: 'a red circle', seed: 1, steps: 25, guidance: 4 };

function fieldOf(fn: () => void): { field: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidInputError) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error('expected InvalidInputError');
}

describe('validateSettings', () => {
  it('accepts good settings', () => expect(() => validateSettings(ok)).not.toThrow());

  it.each([
    [{ prompt: '' }, 'prompt', 'empty'],
    [{ prompt: '  \n\t ' }, 'prompt', 'empty'],
    [{ steps: 0 }, 'steps', '1 to 200'],
    [{ steps: 10_000 }, 'steps', 'got 10000'],
    [{ steps: 2.5 }, 'steps', 'whole number'],
    [{ steps: NaN }, 'steps', 'got NaN'],
    [{ guidance: -1 }, 'guidance', '0 to 30'],
    [{ guidance: 1e9 }, 'guidance', '0 to 30'],
    [{ guidance: Infinity }, 'guidance', 'got Infinity'],
    [{ seed: -1 }, 'seed', '4294967295'],
    [{ seed: 2 ** 32 }, 'seed', '4294967295'],
    [{ seed: 1.5 }, 'seed', 'whole number'],
  ])('refuses %o', (patch, field, text) => {
    const r = fieldOf(() => validateSettings({ ...ok, ...patch }));
    expect(r.field).toBe(field);
    expect(r.message).toContain(text);
    expect(r.message).not.toContain('\n');
  });
});

describe('validateTokenized', () => {
  const tok = new WordTokenizer(SCENES_TOKENIZER);
  it('refuses a prompt of only symbols', () => {
    expect(
      fieldOf(() => validateTokenized(tok.tokenize('🎨 ✨ !!'), ['circle'])).message,
    ).toContain('no words');
  });
  it('refuses a prompt of only unknown words, naming them and suggesting vocabulary', () => {
    const r = fieldOf(() =>
      validateTokenized(tok.tokenize('crimson hexagon'), ['circle', 'square']),
    );
    expect(r.message).toContain('"crimson", "hexagon"');
    expect(r.message).toContain('circle, square');
  });
  it('accepts a prompt with at least one known word', () => {
    expect(() => validateTokenized(tok.tokenize('crimson circle'), [])).not.toThrow();
  });
});
