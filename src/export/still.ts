/** PNG of one frame: the current view (or any FrameSpec) at the chosen size. */
import type { FrameRenderer, FrameSpec } from './frame-renderer.ts';
import { encodePng } from './png.ts';
import { throwIfCancelled, type ExportControl } from './progress.ts';

export async function renderStillPng(
  spec: FrameSpec,
  renderer: FrameRenderer,
  control: ExportControl = {},
): Promise<Uint8Array> {
  throwIfCancelled(control);
  const rgba = await renderer.render(spec);
  throwIfCancelled(control);
  control.onProgress?.({ done: 1, total: 1, phase: 'png' });
  return encodePng(rgba, spec.size, spec.size);
}
