/** `--weight WORD=FACTOR` options → per-word weights; range and word checks happen in the engine. */
import { splitWords } from '../model/tokenizer.ts';
import { UsageError } from './args.ts';

export function parseWeights(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    const word = eq > 0 ? splitWords(v.slice(0, eq)) : [];
    if (eq < 0 || word.length !== 1) {
      throw new UsageError(
        `--weight must be WORD=FACTOR with one word, e.g. --weight red=2 (got "${v}").`,
      );
    }
    const text = v.slice(eq + 1).trim();
    const factor = text === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(factor)) {
      throw new UsageError(
        `--weight ${v}: the factor must be a number from 0 to 3, e.g. --weight ${word[0]}=2.`,
      );
    }
    const key = word[0] as string;
    if (key in out) throw new UsageError(`--weight names "${key}" twice.`);
    out[key] = factor;
  }
  return out;
}
