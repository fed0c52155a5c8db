/**
 * The live per-word score: for every word that names an object, the IoU of its τ-mask with that
 * object segmented from the generated image — the very function `npm run eval` scores with
 * (src/scoring/word-scores.ts), run in a worker once a generation is complete.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { ScoreClient } from '../scoring/score-client.ts';
import type { WordScore } from '../scoring/word-scores.ts';

/** Scores a complete record (a worker in the app: scoring/score-client.ts). */
export type { ScoreClient, WordScore };

export class WordScoreState {
  readonly #client: ScoreClient | null;
  #record = $state.raw<GenerationRecord | null>(null);
  #scores = $state.raw<WordScore[] | null>(null);
  #error = $state<string | null>(null);

  constructor(client: ScoreClient | null) {
    this.#client = client;
  }

  /** Scores `record` unless it is the one already scored (or being scored). */
  request(record: GenerationRecord, separator?: string): void {
    if (!this.#client || record === this.#record || !record.complete) return;
    this.#record = record;
    this.#scores = null;
    this.#error = null;
    this.#client(record, separator).then(
      (scores) => {
        if (this.#record === record) this.#scores = scores;
      },
      (e: unknown) => {
        if (this.#record === record) this.#error = e instanceof Error ? e.message : String(e);
      },
    );
  }

  /** The scores of `record`, or null while they are computed (or for another record). */
  scoresFor(record: GenerationRecord | null): WordScore[] | null {
    return record && record === this.#record ? this.#scores : null;
  }

  get error(): string | null {
    return this.#error;
  }
}
