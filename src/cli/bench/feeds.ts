/**
 * UNet inputs for timing. Shapes come from the manifest (nothing hard-coded); values are fixed
 * pseudo-random numbers — the graph has no data-dependent control flow, so any values time the same,
 * and fixed ones keep runs comparable.
 */
import type { ModelManifest } from '../../core/manifest-types.ts';
import type { Feeds, Ort } from './ort-types.ts';

/** Deterministic values in [-1, 1) (LCG; quality is irrelevant here). */
function fill(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function unetFeeds(ort: Ort, manifest: ModelManifest, batch: number): Feeds {
  const { channels: c, height: h, width: w } = manifest.image;
  const t = manifest.tokenizer.maxTokens;
  const d = manifest.embeddingDim;
  // Mid-trajectory timestep: a realistic value, though timing does not depend on it.
  const timestep = new Float32Array(batch).fill(0.5 * manifest.scheduler.timestepScale);
  return {
    sample: new ort.Tensor('float32', fill(batch * c * h * w, 1), [batch, c, h, w]),
    timestep: new ort.Tensor('float32', timestep, [batch]),
    text_embeddings: new ort.Tensor('float32', fill(batch * t * d, 2), [batch, t, d]),
    ...neutralControlFeeds(ort, manifest, batch),
    ...guidanceFeed(ort, manifest, batch),
  };
}

/** A guidance-distilled package's scale input (the manifest's default scale); none otherwise. */
export function guidanceFeed(ort: Ort, manifest: ModelManifest, batch: number): Feeds {
  const g = manifest.guidance;
  if (!g) return {};
  const scale = new Float32Array(batch).fill(manifest.defaults.guidance);
  return { [g.input]: new ort.Tensor('float32', scale, [batch]) };
}

/** Contract v2 control inputs, unused (scale 1, weight 0, maps 0), as the engine feeds them
 * when nothing is weighed or injected; none for a v1 package. */
export function neutralControlFeeds(ort: Ort, manifest: ModelManifest, batch: number): Feeds {
  const control = manifest.control;
  if (!control) return {};
  const t = manifest.tokenizer.maxTokens;
  const feeds: Feeds = {
    [control.tokenScale]: new ort.Tensor('float32', new Float32Array(batch * t).fill(1), [
      batch,
      t,
    ]),
    [control.injectWeight]: new ort.Tensor('float32', new Float32Array(batch * t), [batch, t]),
  };
  for (const a of manifest.attention) {
    const hw = a.resolution[0] * a.resolution[1];
    feeds[control.inject[a.output] as string] = new ort.Tensor(
      'float32',
      new Float32Array(batch * a.heads * hw * t),
      [batch, a.heads, hw, t],
    );
  }
  return feeds;
}
