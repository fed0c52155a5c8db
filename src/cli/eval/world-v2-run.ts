/**
 * `npm run eval -- --set v2|both`: world v2's harder prompt set (eval/prompts-v2.json) through the real
 * engine, per category with the mean and min–max over the seed sets, and the position / relation /
 * background word rows against the regions they describe (world-v2-score.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Generator } from '../../model/generator.ts';
import { summariseV2, type V2Prompt, type V2Row } from './world-v2-score.ts';
import { scoreV2 } from './world-v2-score.ts';
import type { WorldSpec } from './world-v2.ts';

export interface V2PromptFile {
  world: WorldSpec;
  categories: string[];
  targets: Record<string, number>;
  prompts: V2Prompt[];
}

export async function loadV2Prompts(path: string): Promise<V2PromptFile> {
  const json = JSON.parse(await readFile(path, 'utf8')) as Partial<V2PromptFile>;
  if (!json.world || !Array.isArray(json.prompts) || !Array.isArray(json.categories))
    throw new Error(
      `${path} is not a world v2 prompt file (python3 training/eval_v2.py --write-prompts ${path})`,
    );
  return json as V2PromptFile;
}

export interface V2Figure {
  id: string;
  perSet: (number | null)[];
  mean: number | null;
  min: number | null;
  max: number | null;
  target: number | null;
}

export interface V2Result {
  figures: V2Figure[];
  rows: V2Row[][];
}

export async function runV2(
  generator: Generator,
  file: V2PromptFile,
  opts: {
    seedSets: number[];
    steps: number;
    guidance: number;
    limit: number | null;
    log: (m: string) => void;
  },
): Promise<V2Result> {
  const prompts =
    opts.limit === null
      ? file.prompts
      : file.categories.flatMap((c) =>
          file.prompts.filter((p) => p.category === c).slice(0, opts.limit!),
        );
  const rows: V2Row[][] = [];
  for (const [k, base] of opts.seedSets.entries()) {
    const set: V2Row[] = [];
    for (const [i, p] of prompts.entries()) {
      const record = await generator.generate({
        prompt: p.caption,
        seed: base + file.prompts.indexOf(p),
        steps: opts.steps,
        guidance: opts.guidance,
      });
      set.push(scoreV2(record, p, file.world));
      if ((i + 1) % 20 === 0 || i + 1 === prompts.length)
        opts.log(
          `v2 seed set ${k + 1}/${opts.seedSets.length}: ${i + 1}/${prompts.length} prompts`,
        );
    }
    rows.push(set);
  }
  const per = rows.map((set) => summariseV2(set, file.categories));
  const ids = Object.keys(per[0] ?? {});
  const figures = ids.map((id) => {
    const perSet = per.map((s) => s[id] ?? null);
    const xs = perSet.filter((x): x is number => x !== null);
    return {
      id,
      perSet,
      mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
      min: xs.length ? Math.min(...xs) : null,
      max: xs.length ? Math.max(...xs) : null,
      target: file.targets[id] ?? null,
    };
  });
  return { figures, rows };
}

export function formatV2(figs: V2Figure[]): string {
  const f = (v: number | null): string => (v === null ? '  -  ' : v.toFixed(3));
  const lines = [
    `${'world v2 set'.padEnd(24)}${'mean'.padStart(8)}${'range'.padStart(16)}${'target'.padStart(8)}`,
  ];
  for (const g of figs)
    lines.push(
      `${g.id.padEnd(24)}${f(g.mean).padStart(8)}${`${f(g.min)}-${f(g.max)}`.padStart(16)}${f(g.target).padStart(8)}`,
    );
  return lines.join('\n');
}

/** The combined score that picks the default model: the mean of every adherence figure of both sets. */
export function combinedScore(
  v1Adherence: number[],
  v2: V2Figure[],
  categories: string[],
): number | null {
  const xs = [
    ...v1Adherence,
    ...v2
      .filter((g) => [...categories, 'relation', 'background'].includes(g.id))
      .map((g) => g.mean),
  ].filter((x): x is number => x !== null && Number.isFinite(x));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}
