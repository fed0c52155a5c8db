/**
 * The manifest's word-level tokenizer. It must match `training/tokenizer.py` (`split_words`, `encode`)
 * exactly, or the model sees different ids in the browser than it was trained on:
 *   NFKC → lowercase → every char not [a-z0-9] becomes a space → split on whitespace;
 *   ids = [start] + one id per word (unknown → the unknown token) + pad … up to maxTokens.
 * Unknown words are kept (as the unknown token) and reported; words beyond maxTokens − 1 are cut and
 * reported. Nothing is dropped silently.
 */
import type { PromptWord, TokenInfo } from '../core/record.ts';
import type { TokenizerSpec } from '../core/manifest-types.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

/** Invisible characters that join rather than separate: zero-width space / (non-)joiner, word
 * joiner, BOM, soft hyphen. Removed first, so "re\u200bd" is "red", not "re" and "d". */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Normalises and splits text into words, exactly as training does. Emoji, RTL scripts and markup
 * end up as separators because they are not [a-z0-9] after NFKC; invisible joiners are removed. */
export function splitWords(text: string): string[] {
  const normalised = text.replace(INVISIBLE, '').normalize('NFKC').toLowerCase();
  return normalised
    .replace(/[^a-z0-9]/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);
}

export class WordTokenizer {
  readonly #ids: Map<string, number>;
  readonly #padId: number;
  readonly #startId: number;
  readonly #unknownId: number;

  constructor(readonly spec: TokenizerSpec) {
    this.#ids = new Map(spec.vocab.map((w, i) => [w, i]));
    this.#padId = this.#idOf(spec.special.pad);
    this.#startId = this.#idOf(spec.special.start);
    this.#unknownId = this.#idOf(spec.special.unknown);
  }

  #idOf(token: string): number {
    const id = this.#ids.get(token);
    // The manifest validator checks this already; kept so a hand-built spec fails loudly too.
    if (id === undefined) throw new Error(`special token "${token}" is not in the vocabulary`);
    return id;
  }

  /** True when the word (already normalised) is a vocabulary word, not a special token. */
  has(word: string): boolean {
    const s = this.spec.special;
    return this.#ids.has(word) && word !== s.pad && word !== s.start && word !== s.unknown;
  }

  tokenize(prompt: string): TokenizedPrompt {
    const { maxTokens, special, vocab } = this.spec;
    const all = splitWords(prompt);
    const kept = all.slice(0, maxTokens - 1);
    const truncated = all.slice(maxTokens - 1);

    const words: PromptWord[] = kept.map((word, i) => {
      const inVocab = this.has(word);
      return { word, token: inVocab ? word : special.unknown, inVocab, tokenPosition: i + 1 };
    });
    // Like training's report: every unknown word of the prompt, truncated ones included.
    const unknown = [...new Set(all.filter((w) => !this.has(w)))];

    const ids: number[] = [this.#startId];
    for (const w of words)
      ids.push(w.inVocab ? (this.#ids.get(w.word) ?? this.#unknownId) : this.#unknownId);
    while (ids.length < maxTokens) ids.push(this.#padId);

    const tokens: TokenInfo[] = ids.map((id, position) => {
      const wordIndex = position >= 1 && position <= words.length ? position - 1 : null;
      const word = wordIndex === null ? undefined : words[wordIndex];
      const token = vocab[id] ?? special.unknown;
      return {
        position,
        token,
        id,
        text: word ? word.word : token,
        special: word === undefined,
        wordIndex,
      };
    });

    return { ids, tokens, words, unknown, truncated };
  }
}
