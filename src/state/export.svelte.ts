/**
 * Export state: the panel's choices (format, size, fps, words, label), the running export's
 * progress and Cancel, and what is unavailable and why. Exports take what is on screen — the
 * overlay mode, colormap, opacity, layers and heads, this-step or cumulative maps, x0 or x_t — from
 * the explorer, and run in chunks on the main thread (yielding between frames) so the explorer
 * stays responsive. Only a finished file is handed to `save`, so Cancel leaves nothing behind.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { AnimationSpec } from '../export/animation.ts';
import { ExportCancelledError } from '../export/errors.ts';
import {
  createCpuFrameRenderer,
  type FrameRenderer,
  type FrameSpec,
} from '../export/frame-renderer.ts';
import type { MapSource } from '../export/map-source.ts';
import {
  DEFAULT_FPS,
  DEFAULT_SIZE,
  parseFps,
  type ExportFormat,
  type ExportSize,
} from '../export/options.ts';
import type { ExportProgress } from '../export/progress.ts';
import { exportFileName, runExport, type ExportJob } from '../export/run.ts';
import type { WebmSupport } from '../export/webm.ts';
import { WordlightError } from '../core/errors.ts';
import type { Explorer } from './explorer.svelte.ts';

// Re-exported for components, which import from state/ only.
export { EXPORT_SIZES, FPS_RANGE } from '../export/options.ts';
export type { ExportFormat, ExportSize } from '../export/options.ts';

/** 'view': the word(s) on screen (pinned or hovered; two in compare mode); 'grid': every word. */
export type ExportContent = 'view' | 'grid';

export interface ExportDeps {
  /** The FrameRenderer frames go through (the CPU reference renderer unless a test passes another). */
  createRenderer(): FrameRenderer;
  /** Hands over a finished file (a download in the app). */
  save(bytes: Uint8Array, fileName: string, mime: string): void;
  /** Whether WebM can be encoded here, or why not. */
  webmSupport(): Promise<WebmSupport>;
}

async function defaultWebmSupport(): Promise<WebmSupport> {
  const { webmSupport } = await import('../export/webm.ts');
  return webmSupport();
}

async function defaultSave(bytes: Uint8Array, fileName: string, mime: string): Promise<void> {
  const { downloadBytes } = await import('../export/download.ts');
  downloadBytes(bytes, fileName, mime);
}

const DEFAULT_DEPS: ExportDeps = {
  createRenderer: createCpuFrameRenderer,
  save: (bytes, name, mime) => void defaultSave(bytes, name, mime),
  webmSupport: defaultWebmSupport,
};

export class ExportState {
  readonly #explorer: Explorer;
  readonly #deps: ExportDeps;
  #format = $state<ExportFormat>('gif');
  #size = $state<ExportSize>(DEFAULT_SIZE);
  #fps = $state(DEFAULT_FPS);
  #content = $state<ExportContent>('view');
  #label = $state(true);
  #running = $state(false);
  #progress = $state.raw<ExportProgress | null>(null);
  #error = $state<string | null>(null);
  #saved = $state<string | null>(null);
  #webm = $state.raw<WebmSupport | null>(null);
  #controller: AbortController | null = null;

  constructor(explorer: Explorer, deps: Partial<ExportDeps> = {}) {
    this.#explorer = explorer;
    this.#deps = { ...DEFAULT_DEPS, ...deps };
  }

  get format(): ExportFormat {
    return this.#format;
  }
  set format(v: ExportFormat) {
    this.#format = v;
    this.#saved = null;
    this.#error = null;
  }
  get size(): ExportSize {
    return this.#size;
  }
  set size(v: ExportSize) {
    this.#size = v;
  }
  get fps(): number {
    return this.#fps;
  }
  /** Keeps the last valid value when the input holds something out of range. */
  set fps(v: number) {
    try {
      this.#fps = parseFps(v);
    } catch {
      // The input shows its own invalid state; the export keeps the last good rate.
    }
  }
  get content(): ExportContent {
    return this.#content;
  }
  set content(v: ExportContent) {
    this.#content = v;
  }
  get label(): boolean {
    return this.#label;
  }
  set label(v: boolean) {
    this.#label = v;
  }
  get running(): boolean {
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
  /** null until checked. */
  get webm(): WebmSupport | null {
    return this.#webm;
  }

  /** Why WebM cannot be chosen, or null when it can (or has not been checked yet). */
  get webmUnavailable(): string | null {
    const w = this.#webm;
    return w && !w.supported ? w.reason : null;
  }

  /** Why nothing can be exported right now, or null. */
  get disabledReason(): string | null {
    const ex = this.#explorer;
    const record = ex.record;
    if (ex.generation.running) return 'Wait for the generation to finish.';
    if (!record || record.steps.length === 0)
      return 'Generate an image first: there is nothing to export yet.';
    if (!record.complete) return 'The last generation was cancelled: generate again to export it.';
    if (this.#format === 'webm' && this.webmUnavailable) return this.webmUnavailable;
    return null;
  }

  get canStart(): boolean {
    return !this.#running && this.disabledReason === null;
  }

  /** The token positions a 'view' export shows: the compare pair, else the primary word. */
  get viewPositions(): number[] {
    const ex = this.#explorer;
    if (ex.overlay.mode === 'compare') {
      const pair = ex.selection.comparePair;
      if (pair) return [...pair];
    }
    const p = ex.selection.primary;
    return p === null ? [] : [p];
  }

  async checkWebm(): Promise<void> {
    if (this.#webm) return;
    try {
      this.#webm = await this.#deps.webmSupport();
    } catch (e) {
      this.#webm = { supported: false, reason: e instanceof Error ? e.message : String(e) };
    }
    if (this.#format === 'webm' && this.webmUnavailable) this.#format = 'gif';
  }

  /** Maps as on screen: the explorer's cache with its layer and head choice. */
  #mapSource(record: GenerationRecord): MapSource {
    const ex = this.#explorer;
    const { layer, head } = ex.mapSelection;
    return {
      map: (position, step, cumulative) =>
        ex.maps.get(record, { step, layer, head, cumulative })?.maps[position] ?? null,
    };
  }

  #animation(record: GenerationRecord, maps: MapSource): AnimationSpec {
    const ex = this.#explorer;
    const grid = this.#content === 'grid';
    return {
      record,
      maps,
      size: this.#size,
      fps: this.#fps,
      layout: grid ? 'grid' : 'overlay',
      positions: grid ? record.words.map((w) => w.tokenPosition) : this.viewPositions,
      params: ex.overlayParams,
      label: this.#label,
      image: ex.selection.imageKind,
      cumulative: ex.selection.cumulative,
    };
  }

  /** The current view as a FrameSpec (what the viewer shows, at the export size). */
  #viewFrame(record: GenerationRecord): FrameSpec {
    const ex = this.#explorer;
    const words = this.viewPositions.map((p) => record.tokens[p]?.text ?? '').filter(Boolean);
    const total = record.steps.length;
    const when = ex.selection.cumulative
      ? `steps 1-${ex.step + 1}`
      : `step ${ex.step + 1}/${total}`;
    return {
      size: this.#size,
      image: ex.image,
      mapA: ex.overlay.a,
      mapB: ex.overlay.b,
      params: ex.overlayParams,
      label: this.#label ? [words.join(' + '), when].filter(Boolean).join('  ') : null,
    };
  }

  #job(record: GenerationRecord): ExportJob {
    const maps = this.#mapSource(record);
    switch (this.#format) {
      case 'gif':
      case 'webm':
        return { format: this.#format, animation: this.#animation(record, maps) };
      case 'png':
        return this.#content === 'grid'
          ? { format: 'png', animation: this.#animation(record, maps), step: this.#explorer.step }
          : { format: 'png', frame: this.#viewFrame(record) };
      case 'poster': {
        const rows =
          this.#content === 'view' && this.viewPositions.length ? this.viewPositions : undefined;
        return {
          format: 'poster',
          poster: {
            record,
            maps,
            cell: this.#size / 2,
            params: this.#explorer.overlayParams,
            ...(rows ? { positions: rows } : {}),
          },
        };
      }
      case 'zip':
        return {
          format: 'zip',
          data: {
            record,
            maps,
            mapSelection: {
              layers: String(this.#explorer.mapSelection.layer),
              heads: String(this.#explorer.mapSelection.head),
            },
          },
        };
    }
  }

  /** Runs the chosen export and saves the file; resolves when done, cancelled or failed. */
  async start(): Promise<void> {
    const record = this.#explorer.record;
    if (!this.canStart || !record) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#running = true;
    this.#error = null;
    this.#saved = null;
    this.#progress = { done: 0, total: 1, phase: 'starting' };
    const renderer = this.#deps.createRenderer();
    try {
      const job = this.#job(record);
      const result = await runExport(job, renderer, {
        signal: controller.signal,
        onProgress: (p) => (this.#progress = p),
      });
      if (controller.signal.aborted) throw new ExportCancelledError();
      const name = exportFileName(record, this.#format);
      this.#deps.save(result.bytes, name, result.mime);
      this.#saved = name;
    } catch (e) {
      if (!(e instanceof ExportCancelledError)) {
        this.#error =
          e instanceof WordlightError
            ? e.message
            : `Export failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    } finally {
      renderer.dispose?.();
      this.#running = false;
      this.#progress = null;
      if (this.#controller === controller) this.#controller = null;
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
