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
