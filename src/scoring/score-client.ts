/**
 * The app's word-score client: one worker (score.worker.ts), requests answered by id.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { ScoreReply } from './score.worker.ts';
import type { WordScore } from './word-scores.ts';

export type ScoreClient = (record: GenerationRecord, separator?: string) => Promise<WordScore[]>;

/** The app's client: one worker, requests answered in order by id. */
export function workerScoreClient(): ScoreClient {
  let worker: Worker | null = null;
  let next = 0;
  const pending = new Map<
    number,
    { resolve: (s: WordScore[]) => void; reject: (e: Error) => void }
  >();
  return (record, separator) => {
    if (!worker) {
      worker = new Worker(new URL('./score.worker.ts', import.meta.url), {
        type: 'module',
      });
      worker.onmessage = (event: MessageEvent<ScoreReply>) => {
        const p = pending.get(event.data.id);
        pending.delete(event.data.id);
        if (!p) return;
        if ('error' in event.data) p.reject(new Error(event.data.error));
        else p.resolve(event.data.scores);
      };
    }
    const id = ++next;
    const w = worker;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      // Structured clone (a copy): the page keeps its record. Copying its ~5 MB of attention holds
      // the main thread for tens of ms on a busy 2-core machine, and the request comes the moment
      // a run completes: posted there, that copy delayed the frame showing the finished image
      // (the bench's click → final frame). Posted after that frame, the scores still follow it.
      afterNextFrame(() => w.postMessage({ id, record, separator }));
    });
  };
}

/** Runs `fn` once the next frame has been produced (a task after its animation-frame callbacks). */
function afterNextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return void setTimeout(fn, 0);
  requestAnimationFrame(() => setTimeout(fn, 0));
}
