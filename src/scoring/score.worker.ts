/**
 * Scores a finished generation's words off the main thread (the maps over all steps and the
 * segmentation take a few hundred milliseconds on a busy CPU: too long for the hover path).
 * Same code as `npm run eval` (word-scores.ts).
 */
import type { GenerationRecord } from '../core/record.ts';
import { scorePrompt, type WordScore } from './word-scores.ts';

export interface ScoreRequest {
  id: number;
  record: GenerationRecord;
  separator: string | undefined;
}
export type ScoreReply = { id: number; scores: WordScore[] } | { id: number; error: string };

self.onmessage = (event: MessageEvent<ScoreRequest>) => {
  const { id, record, separator } = event.data;
  let reply: ScoreReply;
  try {
    reply = { id, scores: scorePrompt(record, separator) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(reply);
};
