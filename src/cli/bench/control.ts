/**
 * What the attention controls (model contract v2) cost:
 *  - unused: a UNet step of the v2 graph fed neutral control inputs vs the v1 graph of the same
 *    weights (no control inputs), interleaved pairs at batch 2. The v1 graph is read from git
 *    history (the commit before the package was re-exported); without git the row is left out.
 *  - an edit: a whole generation injecting a cached source run's maps at every step vs a plain
 *    generation of the same prompt, interleaved pairs through the real engine.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { GenerationRecord, GenerationSettings } from '../../core/record.ts';
import type { ModelManifest } from '../../core/manifest-types.ts';
import { createNodeGenerator } from '../../model/node-model.ts';
import { neutralControlFeeds, unetFeeds } from './feeds.ts';
import type { Ort, Session } from './ort-types.ts';
import { wasmSession } from './sessions.ts';
import { median, timePaired, type Reps } from './stats.ts';

/** The scenes UNet before contract v2 (same weights, no control inputs), in git history. */
export const V1_UNET = { commit: 'b62448d', path: 'public/models/scenes/unet.onnx' } as const;

export interface ControlCost {
  v1Ms: number;
  v2Ms: number;
  /** Median of per-pair v2/v1 ratios. */
  ratio: number;
  ratios: number[];
}

/** The v1 graph's bytes, or null when `dir` is not the scenes package or git cannot show it. */
export function v1Unet(dir: string): Uint8Array | null {
  if (resolve(dir) !== resolve('public/models/scenes')) return null;
  try {
    const buf = execFileSync('git', ['show', `${V1_UNET.commit}:${V1_UNET.path}`], {
      maxBuffer: 64 * 2 ** 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return new Uint8Array(buf);
  } catch {
    return null;
  }
}

export async function controlCost(
  ort: Ort & { env: { wasm: { numThreads?: number } } },
  v2: Session,
  manifest: ModelManifest,
  v1Bytes: Uint8Array,
  threads: number,
  r: Reps,
): Promise<ControlCost | null> {
  if (!manifest.control) return null;
  const v1 = await wasmSession(ort, v1Bytes, threads);
  try {
    const all = unetFeeds(ort, manifest, 2);
    const control = neutralControlFeeds(ort, manifest, 2);
    const plain = Object.fromEntries(Object.entries(all).filter(([k]) => !(k in control)));
    const p = await timePaired(
      () => v1.run(plain),
      () => v2.run(all),
      r,
    );
    return {
      v1Ms: median(p.a.ms),
      v2Ms: median(p.b.ms),
      ratio: median(p.ratios),
      ratios: p.ratios,
    };
  } finally {
    await v1.release();
  }
}

export interface EditBench {
  plainMs: number[];
  editMs: number[];
  /** edit/plain per interleaved pair. */
  ratios: number[];
  settings: GenerationSettings;
}

export const EDIT_SOURCE = 'a big red triangle on the left and a small blue circle on the right';
export const EDIT_TARGET = 'a big red square on the left and a small blue circle on the right';

/** Plain generation of the edited prompt vs the edit (source cached, maps injected at every step). */
export async function benchEdit(dir: string, threads: number, r: Reps): Promise<EditBench | null> {
  const gen = createNodeGenerator({ dir, ep: 'wasm', threads });
  try {
    const info = await gen.load();
    if (!info.manifest.control) return null;
    const { steps, guidance, seed } = info.manifest.defaults;
    const source: GenerationRecord = await gen.generate({
      prompt: EDIT_SOURCE,
      seed,
      steps,
      guidance,
    });
    const plain: GenerationSettings = { prompt: EDIT_TARGET, seed, steps, guidance };
    const edit: GenerationSettings = {
      ...plain,
      edit: { source: { prompt: EDIT_SOURCE, seed }, inject: 1 },
    };
    const p = await timePaired(
      () => gen.generate(plain),
      () => gen.generate(edit, { source }),
      r,
    );
    return { plainMs: p.a.ms, editMs: p.b.ms, ratios: p.ratios, settings: edit };
  } finally {
    await gen.dispose();
  }
}
