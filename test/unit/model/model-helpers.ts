import { expect } from 'vitest';
/** Shared by the tests that run the real model package (public/models/scenes). */
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '../../../src/model/load.ts';
import { loadNodeModel } from '../../../src/model/node-model.ts';

export const MODEL_DIR = 'public/models/scenes';

let shared: Promise<LoadedModel> | null = null;

/** One WASM (1 thread) load per test file: loading takes seconds on these shared machines. The fp32
 * UNet, which the golden fixtures (PyTorch) match to 1e-4; the int8 one is tested on its own. */
export function sharedModel(): Promise<LoadedModel> {
  shared ??= loadNodeModel({ dir: MODEL_DIR, ep: 'wasm', threads: 1, unet: 'fp32' });
  return shared;
}

export interface FixtureTensor {
  shape: number[];
  data_b64: string;
}

/** Decodes a golden tensor (little-endian float32, base64). */
export function decodeTensor(t: FixtureTensor): Float32Array {
  const bytes = Buffer.from(t.data_b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  expect(out.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
