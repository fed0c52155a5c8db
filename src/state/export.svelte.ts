/**
 * Export state: the panel's choices (format, size, fps, words, label), the running export's
 * progress and Cancel, and what is unavailable and why. Exports take what is on screen — the
 * overlay mode, colormap, opacity, layers and heads, this-step or cumulative maps, x0 or x_t — from
 * the explorer, and run in chunks on the main thread (yielding between frames) so the explorer
 * stays responsive. Only a finished file is handed to `save`, so Cancel leaves nothing behind.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { AnimationSpec } from '../export/animation.ts';
import {
  createCpuFrameRenderer,
  type FrameRenderer,
  type FrameSpec,
} from '../export/frame-renderer.ts';
import type { MapSource } from '../export/map-source.ts';
import {
  DEFAULT_FPS,
  DEFAULT_POSTER_CELL,
  DEFAULT_SIZE,
  parseFps,
  type ExportFormat,
  type ExportSize,
  type PosterFile,
} from '../export/options.ts';
import type { ExportProgress } from '../export/progress.ts';
import { exportFileName, runExport, type ExportJob } from '../export/run.ts';
import type { VideoContainer, VideoSupport } from '../export/video.ts';
import { VideoSupportState } from './video-support.svelte.ts';
import { ExportTask, mapChoice, mapsOnScreen } from './export-task.svelte.ts';
import { fileNameParts, shownWords, type ExportContent, type ShownWords } from './export-words.ts';
import type { SvgRasterizer } from '../export/figure.ts';
import type { Explorer } from './explorer.svelte.ts';

// Re-exported for components, which import from state/ only.
export { EXPORT_SIZES, FPS_RANGE } from '../export/options.ts';
export type { ExportFormat, ExportSize, PosterFile } from '../export/options.ts';

export type { ExportContent } from './export-words.ts';

export interface ExportDeps {
  /** The FrameRenderer frames go through (the CPU reference renderer unless a test passes another). */
  createRenderer(): FrameRenderer;
  /** Hands over a finished file (a download in the app). */
  save(bytes: Uint8Array, fileName: string, mime: string): void;
  /** Whether WebM / MP4 can be encoded here (and with which codec), or why not. */
  videoSupport(container: VideoContainer): Promise<VideoSupport>;
  /** SVG → PNG for PNG posters; default the browser's own (canvas). */
  rasterize?: SvgRasterizer;
}

async function defaultVideoSupport(container: VideoContainer): Promise<VideoSupport> {
  const { videoSupport } = await import('../export/video.ts');
  return videoSupport(container);
}

async function defaultSave(bytes: Uint8Array, fileName: string, mime: string): Promise<void> {
  const { downloadBytes } = await import('../export/download.ts');
  downloadBytes(bytes, fileName, mime);
}

export const DEFAULT_DEPS: ExportDeps = {
  createRenderer: createCpuFrameRenderer,
  save: (bytes, name, mime) => void defaultSave(bytes, name, mime),
  videoSupport: defaultVideoSupport,
};

export class ExportState {
  readonly #explorer: Explorer;
  readonly #deps: ExportDeps;
  #format = $state<ExportFormat>('gif');
  #size = $state<ExportSize>(DEFAULT_SIZE);
  #fps = $state(DEFAULT_FPS);
  #cell = $state<ExportSize>(DEFAULT_POSTER_CELL);
  #content = $state<ExportContent>('view');
  #posterWords = $state<ExportContent>('content');
  #posterFile = $state<PosterFile>('png');
  #label = $state(true);
  readonly #task: ExportTask<ExportFormat>;
  /** The record the last file was saved from: "Saved …" is about that result only. */
  #savedFrom = $state.raw<GenerationRecord | null>(null);

  constructor(explorer: Explorer, deps: Partial<ExportDeps> = {}) {
    this.#explorer = explorer;
    this.#deps = { ...DEFAULT_DEPS, ...deps };
    this.#task = new ExportTask(this.#deps);
    this.video = new VideoSupportState(this.#deps.videoSupport);
  }

  get format(): ExportFormat {
    return this.#format;
  }
  set format(v: ExportFormat) {
    this.#format = v;
    this.#task.clear();
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
  /** Poster cell side in pixels (the CLI's --size for a poster: the same numbers). */
  get cell(): ExportSize {
    return this.#cell;
  }
  set cell(v: ExportSize) {
    this.#cell = v;
  }
  /** The words choice of the current format (posters keep their own: content words by default). */
  get content(): ExportContent {
    return this.#format === 'poster' ? this.#posterWords : this.#content;
  }
  set content(v: ExportContent) {
    if (this.#format === 'poster') this.#posterWords = v;
    else this.#content = v;
  }
  get posterFile(): PosterFile {
    return this.#posterFile;
  }
  set posterFile(v: PosterFile) {
    this.#posterFile = v;
  }
  get label(): boolean {
    return this.#label;
  }
  set label(v: boolean) {
    this.#label = v;
  }
  get running(): boolean {
    return this.#task.running !== null;
  }
  get progress(): ExportProgress | null {
    return this.#task.progress;
  }
  get error(): string | null {
    return this.#task.error;
  }
  /** File name of the last finished export. */
  get saved(): string | null {
    return this.#savedFrom === this.#explorer.record ? this.#task.saved : null;
  }
  /** Video formats this browser can encode, with the reason where it cannot. */
  readonly video: VideoSupportState;
  get webmUnavailable(): string | null {
    return this.video.unavailable('webm');
  }

  /** Why nothing can be exported right now, or null. */
  get disabledReason(): string | null {
    const ex = this.#explorer;
    const record = ex.record;
    if (ex.generation.running) return 'Wait for the generation to finish.';
    if (!record || record.steps.length === 0)
      return 'Generate an image first: there is nothing to export yet.';
    if (!record.complete) return 'The last generation was cancelled: generate again to export it.';
    if (this.#format === 'webm' || this.#format === 'mp4') {
      const why = this.video.unavailable(this.#format);
      if (why) return why;
    }
    return null;
  }

  get canStart(): boolean {
    return !this.running && this.disabledReason === null;
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

  /** The positions an export shows, and a line saying why when it had to choose for the user. */
  get shown(): ShownWords {
    const record = this.#explorer.record;
    if (!record) return { positions: [], note: null };
    return shownWords(record, this.content, this.#explorer.selection.pinned, this.viewPositions);
  }

  async checkVideo(): Promise<void> {
    await this.video.check();
    if ((this.#format === 'webm' || this.#format === 'mp4') && this.video.unavailable(this.#format))
      this.#format = 'gif';
  }

  #animation(record: GenerationRecord, maps: MapSource): AnimationSpec {
    const ex = this.#explorer;
    const { positions, note } = this.shown;
    const grid = this.#content !== 'view' || note !== null;
    return {
      record,
      maps,
      size: this.#size,
      fps: this.#fps,
      layout: grid ? 'grid' : 'overlay',
      positions,
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
    const maps = mapsOnScreen(this.#explorer, record);
    switch (this.#format) {
      case 'gif':
      case 'webm':
      case 'mp4':
        return { format: this.#format, animation: this.#animation(record, maps) };
      case 'png':
        return this.#content !== 'view' || this.shown.note !== null
          ? { format: 'png', animation: this.#animation(record, maps), step: this.#explorer.step }
          : { format: 'png', frame: this.#viewFrame(record) };
      case 'poster': {
        const { positions, note } = this.shown;
        return {
          format: 'poster',
          file: this.#posterFile,
          ...(this.#deps.rasterize ? { rasterize: this.#deps.rasterize } : {}),
          poster: {
            record,
            maps,
            positions,
            cell: this.#cell,
            params: this.#explorer.overlayParams,
            scale: this.#explorer.settings.scale,
            choice: mapChoice(this.#explorer),
            note,
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
    const saved = await this.#task.run(
      this.#format,
      async (renderer, control) => {
        const result = await runExport(this.#job(record), renderer, control);
        const ex = this.#explorer;
        const parts = fileNameParts(record, this.#format, this.content, this.shown, {
          step: ex.step,
          cumulative: ex.selection.cumulative,
          posterFile: this.#posterFile,
        });
        return { ...result, name: exportFileName(record, this.#format, parts) };
      },
      { done: 0, total: 1, phase: 'starting' },
    );
    if (saved) this.#savedFrom = record;
  }

  cancel(): void {
    this.#task.cancel();
  }
}
