/**
 * The golden fixture: onnxruntime-web (WASM) must reproduce PyTorch within 1e-4 on the text
 * embeddings, the model output and every attention tensor, for the batch-2 (cond + uncond) call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../../src/model/load.ts';
import { WordTokenizer } from '../../../src/model/tokenizer.ts';
import {
  decodeTensor,
  maxAbsDiff,
  readJson,
  sharedModel,
  type FixtureTensor,
} from './model-helpers.ts';

interface Golden {
  prompt: string;
  input_ids: number[][];
  timestep: number[];
  sample: FixtureTensor;
  text_embeddings: FixtureTensor;
  outputs: Record<string, FixtureTensor>;
}

const golden = readJson<Golden>('test/fixtures/golden.json');
const TOL = 1e-4;

describe('golden fixture: onnxruntime-web WASM vs PyTorch', () => {
  let model: LoadedModel;
  let outputs: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
  let embeddings: Float32Array;

  beforeAll(async () => {
    model = await sharedModel();
    const { ort } = model;
    const ids = BigInt64Array.from(golden.input_ids.flat().map(BigInt)); // [2, T]
    const enc = await model.textEncoder.run({
      input_ids: new ort.Tensor('int64', ids, [2, golden.input_ids[0]!.length]),
    });
    embeddings = (enc.text_embeddings!.data as Float32Array).slice();
    const out = await model.unet.run({
      sample: new ort.Tensor('float32', decodeTensor(golden.sample), golden.sample.shape),
      timestep: new ort.Tensor('float32', Float32Array.from(golden.timestep), [
        golden.timestep.length,
      ]),
      text_embeddings: new ort.Tensor(
        'float32',
        decodeTensor(golden.text_embeddings),
        golden.text_embeddings.shape,
      ),
    });
    outputs = Object.fromEntries(
      Object.entries(out).map(([k, v]) => [
        k,
        { dims: v.dims, data: (v.data as Float32Array).slice() },
      ]),
    );
  }, 120_000);

  it('tokenizes the prompt to the same ids as training (row 0) and the empty prompt to row 1', () => {
    const tok = new WordTokenizer(model.manifest.tokenizer);
    expect(tok.tokenize(golden.prompt).ids).toEqual(golden.input_ids[0]);
    expect(tok.tokenize(model.manifest.scheduler.guidanceUncond).ids).toEqual(golden.input_ids[1]);
  });

  it('text_embeddings within 1e-4', () => {
    const d = maxAbsDiff(embeddings, decodeTensor(golden.text_embeddings));
    console.log(`golden text_embeddings max abs diff ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(TOL);
  });

  it('covers every output the manifest lists', () => {
    const names = ['model_output', ...model.manifest.attention.map((a) => a.output)];
    expect(Object.keys(golden.outputs).sort()).toEqual([...names].sort());
  });

  it.each(Object.keys(golden.outputs))('%s within 1e-4', (name) => {
    const ref = golden.outputs[name]!;
    const got = outputs[name];
    expect(got, `ORT returned no ${name}`).toBeDefined();
    expect([...got!.dims]).toEqual(ref.shape);
    const d = maxAbsDiff(got!.data, decodeTensor(ref));
    console.log(`golden ${name} max abs diff ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(TOL);
  });
});
