import { describe, expect, it } from 'vitest';
import { splitWords, WordTokenizer } from '../../../src/model/tokenizer.ts';
import { SCENES_TOKENIZER } from './fixtures.ts';

const tok = new WordTokenizer(SCENES_TOKENIZER);
const id = (w: string): number => SCENES_TOKENIZER.vocab.indexOf(w);

describe('splitWords (same rule as training/tokenizer.py split_words)', () => {
  it('lower-cases and splits on anything not [a-z0-9]', () => {
    expect(splitWords('A Red-Circle, on the LEFT!')).toEqual([
      'a',
      'red',
      'circle',
      'on',
      'the',
      'left',
    ]);
  });
  it('applies NFKC first (full-width letters, ligatures)', () => {
    expect(splitWords('ＲＥＤ ﬁsh')).toEqual(['red', 'fish']);
  });
  it('treats emoji and RTL text as separators, zero-width characters as nothing', () => {
    expect(splitWords('red🔴circle')).toEqual(['red', 'circle']);
    // Zero-width space, joiners, word joiner, BOM and soft hyphen do not split a word.
    expect(splitWords('re\u200bd ci\u200crc\u200dle\u2060 \ufeffon the le\u00adft')).toEqual([
      'red',
      'circle',
      'on',
      'the',
      'left',
    ]);
    expect(splitWords('دائرة حمراء red')).toEqual(['red']);
  });
  it('keeps HTML as plain words', () => {
    expect(splitWords('<script>alert("red")</script>')).toEqual([
      'script',
      'alert',
      'red',
      'script',
    ]);
  });
  it('gives no words for empty or symbol-only input', () => {
    expect(splitWords('')).toEqual([]);
    expect(splitWords('   \t\n')).toEqual([]);
    expect(splitWords('🎨✨!!')).toEqual([]);
  });
});

describe('WordTokenizer', () => {
  it('puts the start token first and pads to maxTokens', () => {
    const t = tok.tokenize('a red circle');
    expect(t.ids).toHaveLength(20);
    expect(t.ids.slice(0, 4)).toEqual([id('<s>'), id('a'), id('red'), id('circle')]);
    expect(t.ids.slice(4).every((i) => i === id('<pad>'))).toBe(true);
    expect(t.words.map((w) => w.tokenPosition)).toEqual([1, 2, 3]);
    expect(t.tokens[0]).toMatchObject({
      position: 0,
      token: '<s>',
      special: true,
      wordIndex: null,
    });
    expect(t.tokens[2]).toMatchObject({
      position: 2,
      token: 'red',
      text: 'red',
      special: false,
      wordIndex: 1,
    });
    expect(t.tokens[5]).toMatchObject({ token: '<pad>', special: true, wordIndex: null });
  });

  it('maps unknown words to the unknown token and reports them, never drops them', () => {
    const t = tok.tokenize('a crimson hexagon and a crimson circle');
    expect(t.words.map((w) => w.inVocab)).toEqual([true, false, false, true, true, false, true]);
    expect(t.words[1]).toMatchObject({
      word: 'crimson',
      token: '<unk>',
      inVocab: false,
      tokenPosition: 2,
    });
    expect(t.ids[2]).toBe(id('<unk>'));
    expect(t.unknown).toEqual(['crimson', 'hexagon']);
  });

  it('truncates beyond maxTokens − 1 words and reports the cut words', () => {
    const words = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'red' : 'circle'));
    const t = tok.tokenize(words.join(' '));
    expect(t.ids).toHaveLength(20);
    expect(t.words).toHaveLength(19);
    expect(t.truncated).toHaveLength(981);
    expect(t.tokens.every((x) => !x.special || x.position === 0)).toBe(true);
  });

  it('handles an empty prompt as just start + padding', () => {
    const t = tok.tokenize('');
    expect(t.words).toEqual([]);
    expect(t.ids[0]).toBe(id('<s>'));
    expect(t.ids.slice(1).every((i) => i === id('<pad>'))).toBe(true);
  });

  it('does not treat special tokens typed by the user as specials', () => {
    const t = tok.tokenize('<pad> <s> red');
    // "<pad>" normalises to the word "pad", which is unknown.
    expect(t.words.map((w) => w.word)).toEqual(['pad', 's', 'red']);
    expect(t.words.map((w) => w.inVocab)).toEqual([false, false, true]);
  });
});
