/** The word chips of a record: its prompt's words, and with `showSpecial` its special tokens too. */
import type { GenerationRecord, TokenInfo } from '../core/record.ts';

export interface Chip {
  position: number;
  /** Accessible name and label: the word as typed (normalised), or the special token. */
  label: string;
  special: boolean;
  inVocab: boolean;
}

export function chipsOf(record: GenerationRecord | null, showSpecial: boolean): Chip[] {
  if (!record) return [];
  return record.tokens
    .filter((t: TokenInfo) => showSpecial || !t.special)
    .map((t: TokenInfo) => ({
      position: t.position,
      label: t.text,
      special: t.special,
      inVocab: t.special || (t.wordIndex !== null && (record.words[t.wordIndex]?.inVocab ?? false)),
    }));
}
