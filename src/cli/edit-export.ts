/**
 * `wordlight edit … --poster --gif`: the app's comparison exports from the CLI, written beside
 * diff.png — DIR/poster.png and DIR/poster.svg (source | edited | difference: images, then a row
 * per content word of the source) and DIR/edit.gif (the three panels over the steps, for the
 * first content word). Shared scale, all layers and heads, 256-px cells, as the app's defaults.
 */
import { join } from 'node:path';
import { contentPositions } from '../attention/scale.ts';
import { wordMapSeries } from '../attention/series.ts';
import { DEFAULT_OVERLAY_PARAMS } from '../core/overlay-types.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { EditExportSpec } from '../export/edit-export.ts';
import { createCpuFrameRenderer } from '../export/frame-renderer.ts';
import { scaledMapSource } from '../export/map-source.ts';
import { DEFAULT_FPS, DEFAULT_POSTER_CELL } from '../export/options.ts';
import { runEditExport } from '../export/run.ts';
import { writeOutput } from './files.ts';
import { rasterizeSvgInNode } from './svg-raster.ts';

export async function writeEditExports(
  dir: string,
  source: GenerationRecord,
  edited: GenerationRecord,
  what: { poster: boolean; gif: boolean },
): Promise<string[]> {
  const written: string[] = [];
  if (!what.poster && !what.gif) return written;
  const maps = (r: GenerationRecord) => scaledMapSource(wordMapSeries(r), r, 'shared');
  const positions = contentPositions(source);
  const spec: EditExportSpec = {
    source,
    edited,
    sourceMaps: maps(source),
    editedMaps: maps(edited),
    positions,
    params: DEFAULT_OVERLAY_PARAMS,
    scale: 'shared',
  };
  const renderer = createCpuFrameRenderer();
  if (what.poster) {
    for (const file of ['png', 'svg'] as const) {
      const r = await runEditExport(
        spec,
        { kind: 'poster', cell: DEFAULT_POSTER_CELL, file, rasterize: rasterizeSvgInNode },
        renderer,
      );
      const path = join(dir, `poster.${file}`);
      await writeOutput(path, r.bytes);
      written.push(path);
    }
  }
  if (what.gif) {
    const r = await runEditExport(
      { ...spec, positions: positions.slice(0, 1) },
      { kind: 'gif', size: DEFAULT_POSTER_CELL, fps: DEFAULT_FPS, label: true },
      renderer,
    );
    const path = join(dir, 'edit.gif');
    await writeOutput(path, r.bytes);
    written.push(path);
  }
  return written;
}
