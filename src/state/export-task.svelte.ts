/**
 * What the Export panel and the comparison's export share: one run at a time with its progress and
 * Cancel, the failure line, the saved file's name, and the maps as the explorer shows them. Only a
 * finished file is saved: a run cancelled at any point (even after the encoder's last check) saves
 * nothing.
 */
import type { GenerationRecord } from '../core/record.ts';
import { ExportCancelledError, exportFailureMessage } from '../export/errors.ts';
import type { FrameRenderer } from '../export/frame-renderer.ts';
import { scaledMapSource, type MapSource } from '../export/map-source.ts';
import type { ExportControl, ExportProgress } from '../export/progress.ts';
import type { Explorer } from './explorer.svelte.ts';

/** A finished file and the name to save it under. */
export interface ExportOutput {
  bytes: Uint8Array;
  mime: string;
  name: string;
}

export interface ExportTaskDeps {
  createRenderer(): FrameRenderer;
  save(bytes: Uint8Array, fileName: string, mime: string): void;
}

/** One export at a time; `K` names what is running (a format). */
export class ExportTask<K extends string> {
  readonly #deps: ExportTaskDeps;
  #running = $state<K | null>(null);
  #progress = $state.raw<ExportProgress | null>(null);
  #error = $state<string | null>(null);
  #saved = $state<string | null>(null);
  #controller: AbortController | null = null;

  constructor(deps: ExportTaskDeps) {
    this.#deps = deps;
  }

  get running(): K | null {
    return this.#running;
  }
  get progress(): ExportProgress | null {
    return this.#progress;
  }
  get error(): string | null {
    return this.#error;
  }
  /** File name of the last finished export. */
  get saved(): string | null {
    return this.#saved;
  }

  /** Forgets the last outcome (a new choice makes "Saved …" and the failure line stale). */
  clear(): void {
    this.#saved = null;
    this.#error = null;
  }

  /**
   * Runs `work` with a fresh renderer, the Cancel signal and progress, and saves the file it makes.
   * Resolves true when a file was saved; false when cancelled (nothing to report) or failed (the
   * reason is in `error`). `first` is the progress shown before `work` reports any.
   */
  async run(
    what: K,
    work: (renderer: FrameRenderer, control: Required<ExportControl>) => Promise<ExportOutput>,
    first: ExportProgress | null = null,
  ): Promise<boolean> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#running = what;
    this.clear();
    this.#progress = first;
    const renderer = this.#deps.createRenderer();
    try {
      const file = await work(renderer, {
        signal: controller.signal,
        onProgress: (p) => (this.#progress = p),
      });
      if (controller.signal.aborted) throw new ExportCancelledError();
      this.#deps.save(file.bytes, file.name, file.mime);
      this.#saved = file.name;
      return true;
    } catch (e) {
      const message = exportFailureMessage(e); // null: cancelled, nothing to report
      if (message !== null) this.#error = message;
      return false;
    } finally {
      renderer.dispose?.();
      this.#running = null;
      this.#progress = null;
      if (this.#controller === controller) this.#controller = null;
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}

/** The maps of `record` as on screen: the explorer's cache with its layer and head, under its Scale. */
export function mapsOnScreen(ex: Explorer, record: GenerationRecord): MapSource {
  const { layer, head } = ex.mapSelection;
  const raw: MapSource = {
    map: (position, step, cumulative) =>
      ex.maps.get(record, { step, layer, head, cumulative })?.maps[position] ?? null,
  };
  return scaledMapSource(raw, record, ex.settings.scale);
}

/** The layers and heads the maps come from, in words (a poster's settings line). */
export function mapChoice(ex: Explorer): { layers: string; heads: string } {
  const { layer, head } = ex.mapSelection;
  return { layers: String(layer), heads: head === 'all' ? 'all' : `head ${head}` };
}
