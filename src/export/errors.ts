import { WordlightError } from '../core/errors.ts';

/** An export stopped by its AbortSignal; nothing was written or downloaded. */
export class ExportCancelledError extends WordlightError {
  override name = 'ExportCancelledError';
  constructor() {
    super('Export cancelled');
  }
}

/** The browser cannot encode this format (e.g. no WebCodecs VP8/VP9 encoder); says why. */
export class ExportUnsupportedError extends WordlightError {
  override name = 'ExportUnsupportedError';
}

/** The line an export panel shows for a failed export, or null for a cancel (the user asked for it;
 * nothing to report). Our own errors already read as a sentence; anything else is prefixed. */
export function exportFailureMessage(e: unknown): string | null {
  if (e instanceof ExportCancelledError) return null;
  if (e instanceof WordlightError) return e.message;
  return `Export failed: ${e instanceof Error ? e.message : String(e)}`;
}
