/** PNG of one frame: the current view (or any FrameSpec) at the chosen size. */
import { defaultSvgPixels, exportCompareKey, keyStripper, type SvgPixels } from './compare-key.ts';
import type { FrameRenderer, FrameSpec } from './frame-renderer.ts';
import { encodePng } from './png.ts';
import { throwIfCancelled, type ExportControl } from './progress.ts';

/** A Compare frame's two words, for the key strip below it (and who draws the strip). */
export interface StillKey {
  words: [string, string];
  pixels?: SvgPixels;
}

export async function renderStillPng(
  spec: FrameSpec,
  renderer: FrameRenderer,
  control: ExportControl = {},
  key?: StillKey,
): Promise<Uint8Array> {
  throwIfCancelled(control);
  let rgba = await renderer.render(spec);
  let height = spec.size;
  if (key && spec.params.mode === 'compare') {
    const strip = keyStripper(spec.size, key.words, key.pixels ?? (await defaultSvgPixels()));
    const params = spec.params;
    rgba = await strip.addKey(
      rgba,
      exportCompareKey(params, key.words, spec.mapA, spec.mapB ?? null),
    );
    height = strip.height;
  }
  throwIfCancelled(control);
  control.onProgress?.({ done: 1, total: 1, phase: 'png' });
  return encodePng(rgba, spec.size, height);
}
