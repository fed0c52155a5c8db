/**
 * Which object each scored prompt word names. In the scenes grammar every object is one
 * "and"-separated phrase, so a word's object is the number of "and"s before it; the words scored
 * are the ones whose class has a ground-truth region (colour, shape, size, position head word),
 * not articles or "on"/"the".
 */
import type { PromptWord } from '../../core/record.ts';
import { wordClass, type WordClass } from './scene-vocab.ts';

export interface ScoredWord {
  word: string;
  wordClass: WordClass;
  /** Index into the prompt's objects. */
  object: number;
  /** Column of the word in the attention tensors. */
  tokenPosition: number;
}

export function scoredWords(words: readonly PromptWord[], separator = 'and'): ScoredWord[] {
  const out: ScoredWord[] = [];
  let object = 0;
  for (const w of words) {
    if (w.word === separator) {
      object++;
      continue;
    }
    const cls = w.inVocab ? wordClass(w.word) : null;
    if (cls) out.push({ word: w.word, wordClass: cls, object, tokenPosition: w.tokenPosition });
  }
  return out;
}
