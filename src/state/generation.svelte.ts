/**
 * Generation: the model (loading, load failure), the running generation (progress, cancel) and the
 * record on screen. Talks only to the `Generator` interface; inference runs in its worker.
 *
 * The record on screen is replaced step by step while a generation runs (live display). When a
 * run is cancelled or fails, the previous complete record comes back, so what was explorable
 * stays explorable.
 *
 * The side panels (chips' figures, scrubber, chart, head tiles) draw `panelRecord`: the same record,
 * except that during a run it follows the live one at most every PANEL_REFRESH_MS. Without a GPU
 * every repainted panel is rasterised and composited on the CPU the model's worker needs (npm run
 * bench; bench/README.md), and a chart redrawn ten times in a 0.6 s run shows nothing a reader
 * can follow; the viewer and the progress bar still follow every delivery.
 */
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { GenerationCancelledError, ModelLoadError } from '../core/errors.ts';
import type { Generator, LoadedModelInfo } from '../model/generator.ts';
import { checkGrammar, type GrammarIssue } from '../model/grammar.ts';
import { WordTokenizer } from '../model/tokenizer.ts';
import type { TokenizedPrompt } from '../model/tokenizer-types.ts';

/** How often the side panels follow a live run (see panelRecord). */
export const PANEL_REFRESH_MS = 500;

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface LoadFailure {
  file: string;
  reason: string;
  /** The runtime's full message, when it said more than the reason (details view). */
  detail?: string;
}

export interface LoadProgress {
  file: string;
  loaded: number;
  total: number;
}

export interface Progress {
  done: number;
  total: number;
  msPerStep: number;
}

export interface RunNotice {
  kind: 'cancelled' | 'error';
  message: string;
  detail?: string;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The full text behind a one-line error, if it has one that says more. */
function errorDetail(e: unknown): { detail?: string } {
  const detail = (e as { detail?: unknown } | null)?.detail;
  return typeof detail === 'string' && detail.length > 0 ? { detail } : {};
}

export class GenerationState {
  readonly #generator: Generator;
  #modelStatus = $state<ModelStatus>('idle');
  #model = $state.raw<LoadedModelInfo | null>(null);
  #loadFailure = $state.raw<LoadFailure | null>(null);
  #record = $state.raw<GenerationRecord | null>(null);
  #panelRecord = $state.raw<GenerationRecord | null>(null);
  /** When panelRecord last took the live record, and the pending catch-up (see #show). */
  #panelAt = -Infinity;
  #panelTimer: ReturnType<typeof setTimeout> | null = null;
  #running = $state(false);
  #progress = $state.raw<Progress>({ done: 0, total: 0, msPerStep: 0 });
  #notice = $state.raw<RunNotice | null>(null);
  #loadProgress = $state.raw<LoadProgress | null>(null);
  #loadController: AbortController | null = null;
  /** The last complete record: what comes back after a cancel or an error. */
  #lastComplete: GenerationRecord | null = null;
  /** Bumped per run so callbacks of a superseded run are ignored. */
  #runId = 0;
  #tokenizer = $derived(this.#model ? new WordTokenizer(this.#model.manifest.tokenizer) : null);

  constructor(generator: Generator) {
    this.#generator = generator;
  }

  get modelStatus(): ModelStatus {
    return this.#modelStatus;
  }
  get model(): LoadedModelInfo | null {
    return this.#model;
  }
  get loadFailure(): LoadFailure | null {
    return this.#loadFailure;
  }
  /** The record on screen: the live one while running, else the last complete one. */
  get record(): GenerationRecord | null {
    return this.#record;
  }
  /** The record the side panels draw: `record`, refreshed at most every PANEL_REFRESH_MS in a run. */
  get panelRecord(): GenerationRecord | null {
    return this.#panelRecord;
  }

  /**
   * Puts `record` on screen. A live step reaches panelRecord at once when the last refresh is
   * PANEL_REFRESH_MS old, else by a catch-up at that time (with the newest record then); anything
   * else (a run's start, its end, a cancel) reaches it at once.
   */
  #show(record: GenerationRecord | null, live = false): void {
    this.#record = record;
    const wait = this.#panelAt + PANEL_REFRESH_MS - performance.now();
    if (live && wait > 0) {
      this.#panelTimer ??= setTimeout(() => {
        this.#panelTimer = null;
        this.#panelAt = performance.now();
        this.#panelRecord = this.#record;
      }, wait);
      return;
    }
    if (this.#panelTimer !== null) clearTimeout(this.#panelTimer);
    this.#panelTimer = null;
    this.#panelAt = live ? performance.now() : -Infinity;
    this.#panelRecord = record;
  }

  get running(): boolean {
    return this.#running;
  }
  get progress(): Progress {
    return this.#progress;
  }
  /** Bytes of the model file downloading now (null when not loading or not known yet). */
  get loadProgress(): LoadProgress | null {
    return this.#loadProgress;
  }
  /** Stops a model download in progress; the load then fails with a Retry. */
  cancelLoad(): void {
    this.#loadController?.abort();
  }
  get notice(): RunNotice | null {
    return this.#notice;
  }
  dismissNotice(): void {
    this.#notice = null;
  }

  /** Tokenizes a prompt as the model will (for out-of-vocabulary marks before generating). */
  tokenize(prompt: string): TokenizedPrompt | null {
    return this.#tokenizer?.tokenize(prompt) ?? null;
  }

  /**
   * Where `prompt` leaves the loaded model's grammar (three objects on a two-object model, …), each
   * with what the model can do instead; [] when it does not, or no model (or grammar) is loaded.
   */
  grammarIssues(prompt: string): GrammarIssue[] {
    const spec = this.#model?.manifest.grammarSpec;
    return spec ? checkGrammar(prompt, spec) : [];
  }

  /** Loads the model package; on failure keeps the file and reason for the Retry panel. */
  async load(): Promise<LoadedModelInfo | null> {
    this.#modelStatus = 'loading';
    this.#loadFailure = null;
    this.#loadProgress = null;
    const controller = new AbortController();
    this.#loadController = controller;
    try {
      const info = await this.#generator.load({
        signal: controller.signal,
        onProgress: (p) => (this.#loadProgress = { ...p }),
      });
      this.#model = info;
      this.#modelStatus = 'ready';
      return info;
    } catch (e) {
      this.#loadFailure =
        e instanceof ModelLoadError
          ? { file: e.file, reason: e.reason, ...errorDetail(e) }
          : { file: 'model package', reason: errorMessage(e) };
      this.#modelStatus = 'failed';
      return null;
    } finally {
      if (this.#loadController === controller) this.#loadController = null;
    }
  }

  /**
   * Runs one generation. Resolves to the complete record, or null when it was cancelled, failed
   * or was superseded by a newer run.
   */
  async generate(
    settings: GenerationSettings,
    source?: GenerationRecord,
  ): Promise<GenerationRecord | null> {
    if (this.#modelStatus !== 'ready' && !(await this.load())) return null;
    const runId = ++this.#runId;
    this.#running = true;
    this.#notice = null;
    this.#progress = { done: 0, total: settings.steps, msPerStep: 0 };
    const current = () => runId === this.#runId;
    try {
      const record = await this.#generator.generate(settings, {
        ...(source ? { source } : {}),
        onBegin: (header) => {
          if (current()) this.#show({ ...header, steps: [] });
        },
        onStep: (step, progress) => {
          if (!current() || !this.#record) return;
          // A new object per step (not per frame) so $state.raw readers see the change.
          this.#show({ ...this.#record, steps: [...this.#record.steps, step] }, true);
          this.#progress = { ...progress };
        },
      });
      if (!current()) return null;
      this.#show(record);
      this.#lastComplete = record;
      this.#progress = {
        done: record.steps.length,
        total: record.steps.length,
        msPerStep: this.#progress.msPerStep,
      };
      return record;
    } catch (e) {
      if (!current()) return null;
      const cancelled = e instanceof GenerationCancelledError;
      this.#notice = cancelled
        ? { kind: 'cancelled', message: 'Generation cancelled' }
        : { kind: 'error', message: errorMessage(e), ...errorDetail(e) };
      // Keep the previous complete result explorable; with none, keep the partial steps.
      const partial = cancelled ? e.partial : this.#record;
      this.#show(this.#lastComplete ?? (partial && partial.steps.length > 0 ? partial : null));
      // The bar describes what is on screen: the previous result's steps, or the partial ones
      // out of those asked for (not "step 0/N" beside a finished image).
      const shown = this.#record;
      const done = shown?.steps.length ?? 0;
      this.#progress = {
        done,
        total: shown === this.#lastComplete ? done : settings.steps,
        msPerStep: this.#progress.msPerStep,
      };
      return null;
    } finally {
      if (current()) this.#running = false;
    }
  }

  cancel(): void {
    if (this.#running) this.#generator.cancel();
  }

  async dispose(): Promise<void> {
    this.#runId++;
    await this.#generator.dispose();
  }
}
