/**
 * Exporting the comparison on screen (an edit and its source, or two seeds): a poster (PNG or SVG)
 * of source | edited | difference, or an animation over the steps (GIF, WebM, MP4) of the three
 * panels for the pinned or hovered word. Maps come from the explorer's cache with its layers,
 * heads and Scale, so the file shows what the Comparison panel shows. Only a finished file is
 * saved; Cancel leaves nothing behind.
 */
import { contentPositions } from '../attention/scale.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { EditExportSpec } from '../export/edit-export.ts';
import { exportFailureMessage } from '../export/errors.ts';
import { createCpuFrameRenderer } from '../export/frame-renderer.ts';
import { scaledMapSource, type MapSource } from '../export/map-source.ts';
import { DEFAULT_FPS, DEFAULT_POSTER_CELL, DEFAULT_SIZE } from '../export/options.ts';
import type { ExportProgress } from '../export/progress.ts';
import { exportFileName, runEditExport, type EditExportKind } from '../export/run.ts';
import { DEFAULT_DEPS, type ExportDeps } from './export.svelte.ts';
import type { Explorer } from './explorer.svelte.ts';

export type EditExportFormat = 'poster-png' | 'poster-svg' | 'gif' | 'webm' | 'mp4';

export class EditExportState {
  readonly #explorer: Explorer;
  readonly #deps: Pick<ExportDeps, 'save' | 'createRenderer' | 'rasterize'>;
  #running = $state<EditExportFormat | null>(null);
  #progress = $state.raw<ExportProgress | null>(null);
  #error = $state<string | null>(null);
  #saved = $state<string | null>(null);
  #controller: AbortController | null = null;

  constructor(
    explorer: Explorer,
    deps: Partial<Pick<ExportDeps, 'save' | 'createRenderer' | 'rasterize'>> = {},
  ) {
    this.#explorer = explorer;
    this.#deps = { createRenderer: createCpuFrameRenderer, save: DEFAULT_DEPS.save, ...deps };
  }

  get running(): EditExportFormat | null {
    return this.#running;
  }
  get progress(): ExportProgress | null {
    return this.#progress;
  }
  get error(): string | null {
    return this.#error;
  }
  get saved(): string | null {
    return this.#saved;
  }

  /** Why the comparison cannot be exported now, or null. */
  get disabledReason(): string | null {
    const ex = this.#explorer;
    const edited = ex.editRecord;
    if (!ex.record || !edited) return 'Apply an edit or compare seeds first.';
    if (ex.edit.run.running || !edited.complete) return 'Wait for the comparison to finish.';
    return null;
  }

  /** Source positions the files show: the pinned words (else the content words); the animation
   * shows the first. */
  get positions(): { poster: number[]; animation: number[]; note: string | null } {
    const ex = this.#explorer;
    const r = ex.record;
    if (!r) return { poster: [], animation: [], note: null };
    const pinned = [...ex.selection.pinned];
    const primary = ex.selection.primary;
    return {
      poster: pinned.length ? pinned : contentPositions(r),
      animation: primary === null ? [] : [primary],
      note:
        primary === null
          ? 'No word pinned: the poster shows the content words and the animation the images and their difference.'
          : null,
    };
  }

  #maps(record: GenerationRecord): MapSource {
    const ex = this.#explorer;
    const { layer, head } = ex.mapSelection;
    const raw: MapSource = {
      map: (position, step, cumulative) =>
        ex.maps.get(record, { step, layer, head, cumulative })?.maps[position] ?? null,
    };
    return scaledMapSource(raw, record, ex.settings.scale);
  }

  async start(format: EditExportFormat): Promise<void> {
    const ex = this.#explorer;
    const source = ex.record;
    const edited = ex.editRecord;
    if (this.#running || this.disabledReason || !source || !edited) return;
    const animated = !format.startsWith('poster');
    const positions = animated ? this.positions.animation : this.positions.poster;
    const { layer, head } = ex.mapSelection;
    const spec: EditExportSpec = {
      source,
      edited,
      sourceMaps: this.#maps(source),
      editedMaps: this.#maps(edited),
      positions,
      params: ex.overlayParams,
      scale: ex.settings.scale,
      choice: { layers: String(layer), heads: head === 'all' ? 'all' : `head ${head}` },
    };
    const what: EditExportKind =
      format === 'poster-png' || format === 'poster-svg'
        ? {
            kind: 'poster',
            cell: DEFAULT_POSTER_CELL,
            file: format === 'poster-png' ? 'png' : 'svg',
            rasterize: this.#deps.rasterize,
          }
        : { kind: format, size: DEFAULT_SIZE / 2, fps: DEFAULT_FPS, label: true };
    const controller = new AbortController();
    this.#controller = controller;
    this.#running = format;
    this.#error = null;
    this.#saved = null;
    const renderer = this.#deps.createRenderer();
    try {
      const result = await runEditExport(spec, what, renderer, {
        signal: controller.signal,
        onProgress: (p) => (this.#progress = p),
      });
      const words = positions.map((p) => source.tokens[p]?.text ?? '').join(' ');
      const n = source.steps.length;
      const name = exportFileName(edited, 'poster', {
        words: `${edited.edit ? 'edit' : 'seeds'} ${animated ? words : positions.length ? words : ''}`,
        step: animated ? `steps1-${n}` : `poster-${n}steps`,
        extension: result.extension,
      });
      this.#deps.save(result.bytes, name, result.mime);
      this.#saved = name;
    } catch (e) {
      const message = exportFailureMessage(e); // null: cancelled, nothing to report
      if (message !== null) this.#error = message;
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
