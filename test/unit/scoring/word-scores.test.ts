import { describe, expect, it } from 'vitest';
import type { PromptWord } from '../../../src/core/record.ts';
import { phraseColours, scorePrompt, scoreWords } from '../../../src/scoring/word-scores.ts';
import { scoredWords } from '../../../src/scoring/word-objects.ts';
import { fakeRecord } from '../export/fake-record.ts';

const words = (text: string): PromptWord[] =>
  text.split(' ').map((word, i) => ({
    word,
    token: word,
    inVocab: word !== 'zebra',
    tokenPosition: i + 1,
  }));

describe('live per-word score', () => {
  it('reads the colour each phrase names', () => {
    expect(phraseColours(words('a red circle on the left and a blue square'))).toEqual([
      'red',
      'blue',
    ]);
    expect(phraseColours(words('a zebra circle and a green red square'))).toEqual([null, 'green']);
  });

  it("scores a typed prompt's words exactly as the eval's scoreWords does", () => {
    const record = fakeRecord();
    const live = scorePrompt(record);
    const evalStyle = scoreWords(record, scoredWords(record.words), ['red', 'blue']);
    expect(live).toEqual(evalStyle);
    const red = live.find((s) => s.word === 'red')!;
    const blue = live.find((s) => s.word === 'blue')!;
    expect(red.colour).toBe('red');
    expect(red.iou).toBeGreaterThan(0.3);
    expect(blue.iou).toBeGreaterThan(0.3);
  });
});
