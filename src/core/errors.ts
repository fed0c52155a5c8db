/**
 * Named errors. Every message says what went wrong, where, and how to fix it, in one line, so the
 * UI and the CLI can show it as is (never a stack trace).
 */
export class WordlightError extends Error {
  override name = 'WordlightError';
  /** The full text of the underlying failure (e.g. onnxruntime's multi-line message), for a
   * "details" view; the message itself stays one line. */
  detail?: string;
}

/** The model package could not be loaded: names the file and the reason. */
export class ModelLoadError extends WordlightError {
  override name = 'ModelLoadError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Could not load ${file}: ${reason}`);
  }
}

/** manifest.json is missing a field or has a wrong one: names the field and the file. */
export class ManifestError extends ModelLoadError {
  override name = 'ManifestError';
  constructor(
    file: string,
    readonly field: string,
    problem: string,
  ) {
    super(file, `field "${field}" ${problem}`);
  }
}

/** Settings or prompt the engine refuses (empty prompt, steps out of range, …). */
export class InvalidInputError extends WordlightError {
  override name = 'InvalidInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Raised by Generator.generate when cancelled; carries the partial, incomplete record. */
export class GenerationCancelledError extends WordlightError {
  override name = 'GenerationCancelledError';
  constructor(readonly partial: import('./record.ts').GenerationRecord | null) {
    super('Generation cancelled');
  }
}

/** The GPU device was lost or an execution provider failed mid-run. */
export class ExecutionError extends WordlightError {
  override name = 'ExecutionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new WordlightError(message);
}
