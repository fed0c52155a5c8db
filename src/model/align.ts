/**
 * Token alignment of an edit (prompt-to-prompt, Hertz et al. 2022): for every token position of the
 * edited prompt, the source position whose cross-attention maps are injected there, or -1 (the token
 * keeps its own maps).
 *  - Same number of words: a word swap. Position i takes position i's maps, the swapped words
 *    included (prompt-to-prompt's AttentionReplace with its identity mapper), so the layout stays.
 *  - Different number of words: a refinement. The two word sequences are globally aligned
 *    (Needleman–Wunsch with prompt-to-prompt's seq_aligner scores: match +1, mismatch −1, gap 0, so
 *    only identical words pair up); inserted or replaced words keep their own maps
 *    (AttentionRefine's alphas = 0 there). The start token pairs with the start token and padding
 *    with padding, by position, as seq_aligner's mapper does past the prompt.
 */
import { InvalidInputError } from '../core/errors.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

export type AlignmentMode = 'swap' | 'refine';

export interface TokenAlignment {
  mode: AlignmentMode;
  /** Length T: source token position injected at each edited position, or −1. */
  sourceOf: number[];
}

/** Needleman–Wunsch over words; returns, per edited word, the index of its source word or −1. */
function alignWords(source: string[], target: string[]): number[] {
  const n = source.length;
  const m = target.length;
  const score = (a: string, b: string): number => (a === b ? 1 : -1);
  // best[i][j]: best score aligning source[0..i) with target[0..j); gaps cost 0.
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 1; i <= n; i++) {
    const row = best[i] as number[];
    const prev = best[i - 1] as number[];
    for (let j = 1; j <= m; j++) {
      const diag =
        (prev[j - 1] as number) + score(source[i - 1] as string, target[j - 1] as string);
      row[j] = Math.max(diag, prev[j] as number, row[j - 1] as number);
    }
  }
  const out = new Array<number>(m).fill(-1);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const here = (best[i] as number[])[j] as number;
    const s = source[i - 1] as string;
    const t = target[j - 1] as string;
    if (s === t && here === ((best[i - 1] as number[])[j - 1] as number) + 1) {
      out[j - 1] = i - 1;
      i--;
      j--;
    } else if (here === ((best[i - 1] as number[])[j] as number)) {
      i--;
    } else if (here === ((best[i] as number[])[j - 1] as number)) {
      j--;
    } else {
      // a mismatch on the diagonal: both words unpaired
      i--;
      j--;
    }
  }
  return out;
}

/**
 * Aligns an edited prompt with its source. Throws InvalidInputError('edit', …) when the edited prompt
 * has words the model does not know, or (refinement) when the two prompts share no word, so nothing
 * could be injected.
 */
export function alignPrompts(source: TokenizedPrompt, target: TokenizedPrompt): TokenAlignment {
  if (target.unknown.length > 0) {
    const list = target.unknown.map((w) => `"${w}"`).join(', ');
    throw new InvalidInputError(
      'edit',
      `The edited prompt has words the model does not know (${list}): an edit can only use the model's vocabulary.`,
    );
  }
  if (target.truncated.length > 0 || source.truncated.length > 0) {
    throw new InvalidInputError(
      'edit',
      `Prompts that cannot be aligned: ${target.truncated.length > 0 ? 'the edited' : 'the source'} prompt is longer than the model's ${target.ids.length - 1} words.`,
    );
  }
  const T = target.ids.length;
  const sw = source.words.map((w) => w.word);
  const tw = target.words.map((w) => w.word);
  if (sw.length === tw.length) {
    return { mode: 'swap', sourceOf: Array.from({ length: T }, (_, i) => i) };
  }
  const pairs = alignWords(sw, tw);
  if (pairs.every((p) => p < 0)) {
    throw new InvalidInputError(
      'edit',
      `Prompts that cannot be aligned: "${source.words.map((w) => w.word).join(' ')}" and "${tw.join(' ')}" have a different number of words and none in common, so no attention map can be carried over.`,
    );
  }
  const sourceOf = Array.from({ length: T }, (_, pos) => {
    if (pos === 0) return 0; // start token
    if (pos <= tw.length) {
      const p = pairs[pos - 1] as number;
      return p < 0 ? -1 : p + 1;
    }
    return pos; // padding: same position (seq_aligner maps the tail position by position)
  });
  return { mode: 'refine', sourceOf };
}
