import type { PromptWord, TokenInfo } from '../core/record.ts';

/** Result of tokenizing a prompt with the manifest's word-level tokenizer. */
export interface TokenizedPrompt {
  /** Token ids, length maxTokens, start token first, padded. */
  ids: number[];
  tokens: TokenInfo[];
  words: PromptWord[];
  /** Words (normalised) that are not in the vocabulary, in prompt order, duplicates kept once. */
  unknown: string[];
  /** Words cut because the prompt exceeded maxTokens − 1 words. */
  truncated: string[];
}
