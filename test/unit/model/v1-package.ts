/**
 * Test helper: the scenes package as it was before model contract v2 — its manifest and UNet from git
 * history (no `control` block, no control inputs; the same weights as today's package), today's text
 * encoder. A real package without attention control, for the checks that such a model still loads and
 * refuses weights and edits with the reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { V1_UNET } from '../../../src/cli/bench/control.ts';

/** The bytes of one file of the v1 package (manifest.json, unet.onnx, text_encoder.onnx). */
export function v1PackageFile(name: string): Buffer {
  if (name === 'text_encoder.onnx') return readFileSync(`public/models/scenes/${name}`);
  const path = name === 'unet.onnx' ? V1_UNET.path : `public/models/scenes/${name}`;
  return execFileSync('git', ['show', `${V1_UNET.commit}:${path}`], { maxBuffer: 64 * 2 ** 20 });
}

/** Writes the v1 package into dir (which must exist). */
export function writeV1Package(dir: string): void {
  writeFileSync(join(dir, 'manifest.json'), v1PackageFile('manifest.json'));
  writeFileSync(join(dir, 'unet.onnx'), v1PackageFile('unet.onnx'));
  writeFileSync(join(dir, 'text_encoder.onnx'), v1PackageFile('text_encoder.onnx'));
}
