/**
 * The interface the UI (and the CLI) talk to; only src/model/ runs the model (the bench in
 * src/cli/bench/ also times the bare graphs). Implementations: `worker-generator.ts` (browser, Web
 * Worker + typed messages) and `engine-generator.ts` (in-thread: Node, and inside the worker).
 */
import type {
  ExecutionProviderChoice,
  GenerationRecord,
  GenerationSettings,
  StepRecord,
} from '../core/record.ts';
import type { ModelManifest } from '../core/manifest-types.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

export interface LoadedModelInfo {
  manifest: ModelManifest;
  /** Base URL or directory the package was loaded from. */
  source: string;
  ep: ExecutionProviderChoice;
  loadMs: number;
}

export interface GenerationHandlers {
  /** Called once, before the first step, with the record header (no steps yet). */
  onBegin?(header: GenerationRecord, tokenized: TokenizedPrompt): void;
  /** Called after every denoising step with that step's data. */
  onStep?(step: StepRecord, progress: { done: number; total: number; msPerStep: number }): void;
  signal?: AbortSignal;
  /** An edit's cached source run (complete, same steps): its attention maps are injected. */
  source?: GenerationRecord;
}

export interface Generator {
  /**
   * Loads the model package (idempotent). Rejects with a ModelLoadError naming file and reason.
   * `onProgress` reports downloaded bytes per file; `signal` cancels the download.
   */
  load(handlers?: {
    onProgress?: (p: { file: string; loaded: number; total: number }) => void;
    signal?: AbortSignal;
  }): Promise<LoadedModelInfo>;
  /**
   * Runs one generation. Resolves with a complete record; rejects with GenerationCancelledError
   * (carrying the partial record, `complete: false`) when cancelled, or a WordlightError otherwise.
   * Only one generation runs at a time: starting a new one cancels the running one.
   */
  generate(settings: GenerationSettings, handlers?: GenerationHandlers): Promise<GenerationRecord>;
  /** Cancels the running generation (between steps). No-op when idle. */
  cancel(): void;
  dispose(): Promise<void>;
}
