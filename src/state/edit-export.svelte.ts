/**
 * Exporting the comparison on screen (an edit and its source, or two seeds): a poster (PNG or SVG)
 * of source | edited | difference, or an animation over the steps (GIF, WebM, MP4) of the three
 * panels for the pinned or hovered word. Maps come from the explorer's cache with its layers,
 * heads and Scale, so the file shows what the Comparison panel shows. Only a finished file is
 * saved; Cancel leaves nothing behind.
 */
import { contentPositions } from '../attention/scale.ts';
import type { EditExportSpec } from '../export/edit-export.ts';
import { createCpuFrameRenderer } from '../export/frame-renderer.ts';
import { DEFAULT_FPS, DEFAULT_POSTER_CELL, DEFAULT_SIZE } from '../export/options.ts';
import type { ExportProgress } from '../export/progress.ts';
import { exportFileName, runEditExport, type EditExportKind } from '../export/run.ts';
import { DEFAULT_DEPS, type ExportDeps } from './export.svelte.ts';
import { ExportTask, mapChoice, mapsOnScreen } from './export-task.svelte.ts';
import type { Explorer } from './explorer.svelte.ts';

export type EditExportFormat = 'poster-png' | 'poster-svg' | 'gif' | 'webm' | 'mp4';

export class EditExportState {
  readonly #explorer: Explorer;
  readonly #deps: Pick<ExportDeps, 'save' | 'createRenderer' | 'rasterize'>;
  readonly #task: ExportTask<EditExportFormat>;

  constructor(
    explorer: Explorer,
    deps: Partial<Pick<ExportDeps, 'save' | 'createRenderer' | 'rasterize'>> = {},
  ) {
    this.#explorer = explorer;
    this.#deps = { createRenderer: createCpuFrameRenderer, save: DEFAULT_DEPS.save, ...deps };
    this.#task = new ExportTask(this.#deps);
  }

  get running(): EditExportFormat | null {
    return this.#task.running;
  }
  get progress(): ExportProgress | null {
    return this.#task.progress;
  }
  get error(): string | null {
    return this.#task.error;
  }
  get saved(): string | null {
    return this.#task.saved;
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

  async start(format: EditExportFormat): Promise<void> {
    const ex = this.#explorer;
    const source = ex.record;
    const edited = ex.editRecord;
    if (this.#task.running || this.disabledReason || !source || !edited) return;
    const animated = !format.startsWith('poster');
    const positions = animated ? this.positions.animation : this.positions.poster;
    const spec: EditExportSpec = {
      source,
      edited,
      sourceMaps: mapsOnScreen(ex, source),
      editedMaps: mapsOnScreen(ex, edited),
      positions,
      params: ex.overlayParams,
      scale: ex.settings.scale,
      choice: mapChoice(ex),
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
    await this.#task.run(format, async (renderer, control) => {
      const result = await runEditExport(spec, what, renderer, control);
      const words = positions.map((p) => source.tokens[p]?.text ?? '').join(' ');
      const n = source.steps.length;
      const name = exportFileName(edited, 'poster', {
        words: `${edited.edit ? 'edit' : 'seeds'} ${animated ? words : positions.length ? words : ''}`,
        step: animated ? `steps1-${n}` : `poster-${n}steps`,
        extension: result.extension,
      });
      return { ...result, name };
    });
  }

  cancel(): void {
    this.#task.cancel();
  }
}
