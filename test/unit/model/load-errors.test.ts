/**
 * A broken model package fails with a ModelLoadError naming the file and the reason: missing,
 * empty, truncated or corrupt ONNX, a graph without a listed attention output, a manifest field.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManifestError, ModelLoadError } from '../../../src/core/errors.ts';
import { loadNodeModel } from '../../../src/model/node-model.ts';
import { MODEL_DIR } from './model-helpers.ts';

let dir = '';
interface Manifest {
  attention: { output: string; heads: number }[];
  embeddingDim: number;
  tokenizer: { maxTokens: number; vocab: string[] };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-pkg-'));
  await copyFile(join(MODEL_DIR, 'manifest.json'), join(dir, 'manifest.json'));
  await copyFile(join(MODEL_DIR, 'text_encoder.onnx'), join(dir, 'text_encoder.onnx'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function loadError(): Promise<ModelLoadError> {
  // The fp32 UNet, the file these tests break (the provider table would pick unet.int8.onnx on WASM).
  const err = await loadNodeModel({ dir, ep: 'wasm', threads: 1, unet: 'fp32' }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  const e = err as ModelLoadError;
  expect(e.message).not.toContain('\n');
  return e;
}

describe('loading a broken model package', () => {
  it('names a missing ONNX file', async () => {
    const e = await loadError();
    expect(e.file).toBe(join(dir, 'unet.onnx'));
    expect(e.reason).toContain('not found');
  });

  it('names an empty ONNX file', async () => {
    await writeFile(join(dir, 'unet.onnx'), '');
    expect((await loadError()).reason).toContain('empty');
  });

  it('names a truncated ONNX file', async () => {
    const full = await readFile(join(MODEL_DIR, 'unet.onnx'));
    await writeFile(join(dir, 'unet.onnx'), full.subarray(0, Math.floor(full.length / 3)));
    const e = await loadError();
    expect(e.file).toBe(join(dir, 'unet.onnx'));
    expect(e.reason).toMatch(/truncated or corrupt/);
  }, 60_000);

  it('names a corrupt ONNX file', async () => {
    await writeFile(join(dir, 'unet.onnx'), Buffer.from('this is not a model at all, just text'));
    const e = await loadError();
    expect(e.file).toBe(join(dir, 'unet.onnx'));
    expect(e.reason).toMatch(/corrupt/);
    // The reason is one line; onnxruntime's whole message is kept for the details view.
    expect(e.detail).toMatch(/protobuf parsing failed/i);
    expect(e.detail!.length).toBeGreaterThan(20);
  }, 60_000);

  it('recognises a Git LFS pointer', async () => {
    await writeFile(
      join(dir, 'unet.onnx'),
      'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 7119442\n',
    );
    expect((await loadError()).reason).toContain('git lfs pull');
  });

  it('names an attention output the manifest lists but the graph lacks', async () => {
    await copyFile(join(MODEL_DIR, 'unet.onnx'), join(dir, 'unet.onnx'));
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      attention: { output: string; index: number }[];
      control: { inject: Record<string, string> };
    };
    m.attention.push({ ...m.attention[0]!, output: 'attn_down_1_7', index: 7 });
    m.control.inject.attn_down_1_7 = 'inject_attn_down_1_7';
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await loadError();
    expect(e.file).toBe(join(dir, 'unet.onnx'));
    expect(e.reason).toContain('attn_down_1_7"');
  }, 60_000);

  it('names control inputs the graph has but the manifest does not declare', async () => {
    await copyFile(join(MODEL_DIR, 'unet.onnx'), join(dir, 'unet.onnx'));
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete m.control;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await loadError();
    expect(e.reason).toMatch(
      /inputs "token_scale", "inject_weight", .* manifest.json does not declare/,
    );
  }, 60_000);

  it.each([
    ['heads', (m: Manifest) => (m.attention[0]!.heads += 1), /"attn_.*" has shape .*heads/],
    ['embeddingDim', (m: Manifest) => (m.embeddingDim += 8), /"text_embeddings" has shape/],
    ['maxTokens', (m: Manifest) => (m.tokenizer.maxTokens += 1), /"input_ids" has shape/],
  ])(
    'refuses, at load, a graph whose shapes disagree with the manifest (%s)',
    async (_, edit, why) => {
      await copyFile(join(MODEL_DIR, 'unet.onnx'), join(dir, 'unet.onnx'));
      const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      edit(m);
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
      const e = await loadError();
      expect(e.reason).toMatch(why);
      expect(e.reason).toMatch(/manifest\.json (says|lists)/);
    },
    60_000,
  );

  it('names a manifest field', async () => {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete m.embeddingDim;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await loadError();
    expect(e).toBeInstanceOf(ManifestError);
    expect((e as ManifestError).field).toBe('embeddingDim');
    expect(e.file).toBe(join(dir, 'manifest.json'));
  });
});
