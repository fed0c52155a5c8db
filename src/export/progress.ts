/**
 * Progress and cancellation for exports, which run in chunks on whatever thread calls them: after
 * each unit of work (a frame, a poster cell, a file) `checkpoint` reports progress, yields to the
 * event loop so the explorer stays responsive and a Cancel click is seen, and throws
 * ExportCancelledError once the signal is aborted. Exporters build their file in memory and hand it
 * over only at the end, so a cancelled export leaves nothing behind.
 */
import { yieldToEventLoop } from '../core/yield.ts';
import { ExportCancelledError } from './errors.ts';

export interface ExportProgress {
  done: number;
  total: number;
  /** What is happening, for the progress bar's label (e.g. "frame 3/25"). */
  phase: string;
}

export interface ExportControl {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: ExportProgress) => void) | undefined;
}

export function throwIfCancelled(control: ExportControl): void {
  if (control.signal?.aborted) throw new ExportCancelledError();
}

export async function checkpoint(
  control: ExportControl,
  done: number,
  total: number,
  phase: string,
): Promise<void> {
  control.onProgress?.({ done, total, phase });
  await yieldToEventLoop();
  throwIfCancelled(control);
}
