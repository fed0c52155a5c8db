/** UNet step timings: WASM beside native on the same feeds, and WASM with capture on vs off. */
import type { ModelManifest } from '../../core/manifest-types.ts';
import { UNET_OUTPUT } from '../../model/load.ts';
import { unetFeeds } from './feeds.ts';
import type { Ort, Session } from './ort-types.ts';
import { median, timePaired, type Paired, type Reps } from './stats.ts';

/**
 * One step (session.run fetching every output, as the engine does with capture on) on native and
 * on WASM, interleaved: `a` = native, `b` = WASM, `ratios` = WASM/native per pair.
 */
export async function wasmVsNative(
  ortWeb: Ort,
  wasm: Session,
  ortNode: Ort,
  native: Session,
  manifest: ModelManifest,
  batch: number,
  r: Reps,
): Promise<Paired> {
  const webFeeds = unetFeeds(ortWeb, manifest, batch);
  const nodeFeeds = unetFeeds(ortNode, manifest, batch);
  return timePaired(
    () => native.run(nodeFeeds),
    () => wasm.run(webFeeds),
    r,
  );
}

export interface CaptureOverhead {
  /** Median ms of a run fetching model_output only. */
  outputOnlyMs: number;
  /** Median ms of a run fetching model_output and every attention output. */
  allOutputsMs: number;
  /** Median of the per-pair ratios all/outputOnly. */
  ratio: number;
  ratios: number[];
}

/**
 * Capture overhead at the guided batch (2). The attention probabilities are computed either way
 * (the forward pass multiplies them with V); fetching them only adds copying them out of ORT.
 */
export async function captureOverhead(
  ort: Ort,
  session: Session,
  manifest: ModelManifest,
  r: Reps,
): Promise<CaptureOverhead> {
  const feeds = unetFeeds(ort, manifest, 2);
  const all = [UNET_OUTPUT, ...manifest.attention.map((a) => a.output)];
  const paired = await timePaired(
    () => session.run(feeds, [UNET_OUTPUT]),
    () => session.run(feeds, all),
    r,
  );
  return {
    outputOnlyMs: median(paired.a.ms),
    allOutputsMs: median(paired.b.ms),
    ratio: median(paired.ratios),
    ratios: paired.ratios,
  };
}
