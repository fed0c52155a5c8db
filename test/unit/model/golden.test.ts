/**
 * The golden fixture: onnxruntime-web (WASM) must reproduce PyTorch within 1e-5 on the text
 * embeddings, the model output and every attention tensor, for the batch-2 (cond + uncond) call,
 * with the contract v2 control inputs unused (neutral) and in use (the `controlled` step: reweighted
 * tokens and another prompt's maps injected with per-token weights).
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
  controlled: {
    token_scale: FixtureTensor;
    inject_weight: FixtureTensor;
    inject: Record<string, FixtureTensor>;
    outputs: Record<string, FixtureTensor>;
  };
}

type Outputs = Record<string, { dims: readonly number[]; data: Float32Array }>;

const golden = readJson<Golden>('test/fixtures/golden.json');
const TOL = 1e-5;

describe('golden fixture: onnxruntime-web WASM vs PyTorch', () => {
  let model: LoadedModel;
  let outputs: Outputs = {};
  let controlled: Outputs = {};
  let embeddings: Float32Array;

  beforeAll(async () => {
    model = await sharedModel();
    const { ort } = model;
    const control = model.manifest.control;
    if (!control) throw new Error('public/models/scenes must be a contract v2 package');
    const ids = BigInt64Array.from(golden.input_ids.flat().map(BigInt)); // [2, T]
    const enc = await model.textEncoder.run({
      input_ids: new ort.Tensor('int64', ids, [2, golden.input_ids[0]!.length]),
    });
    embeddings = (enc.text_embeddings!.data as Float32Array).slice();
    const tensor = (t: FixtureTensor, fill?: number) => {
      const data = decodeTensor(t);
      if (fill !== undefined) data.fill(fill);
      return new ort.Tensor('float32', data, t.shape);
    };
    const base = {
      sample: tensor(golden.sample),
      timestep: new ort.Tensor('float32', Float32Array.from(golden.timestep), [
        golden.timestep.length,
      ]),
      text_embeddings: tensor(golden.text_embeddings),
    };
    const c = golden.controlled;
    const feeds = (neutral: boolean) => ({
      ...base,
      [control.tokenScale]: tensor(c.token_scale, neutral ? 1 : undefined),
      [control.injectWeight]: tensor(c.inject_weight, neutral ? 0 : undefined),
      ...Object.fromEntries(
        Object.values(control.inject).map((n) => [
          n,
          tensor(c.inject[n]!, neutral ? 0 : undefined),
        ]),
      ),
    });
    const copy = (out: Record<string, { dims: readonly number[]; data: unknown }>): Outputs =>
      Object.fromEntries(
        Object.entries(out).map(([k, v]) => [
          k,
          { dims: v.dims, data: (v.data as Float32Array).slice() },
        ]),
      );
    outputs = copy(await model.unet.run(feeds(true)));
    controlled = copy(await model.unet.run(feeds(false)));
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

  const compare = (got: Outputs, name: string, ref: FixtureTensor, label: string) => {
    expect(got[name], `ORT returned no ${name}`).toBeDefined();
    expect([...got[name]!.dims]).toEqual(ref.shape);
    const d = maxAbsDiff(got[name]!.data, decodeTensor(ref));
    console.log(`golden ${label}${name} max abs diff ${d.toExponential(2)}`);
    expect(d).toBeLessThanOrEqual(TOL);
  };

  it.each(Object.keys(golden.outputs))('%s within 1e-5, control unused', (name) => {
    compare(outputs, name, golden.outputs[name]!, '');
  });

  it.each(Object.keys(golden.controlled.outputs))('%s within 1e-5, control in use', (name) => {
    compare(controlled, name, golden.controlled.outputs[name]!, 'controlled ');
  });

  it('the controlled step really differs from the plain one (the control inputs reach the graph)', () => {
    for (const name of Object.keys(golden.outputs)) {
      expect(maxAbsDiff(controlled[name]!.data, outputs[name]!.data)).toBeGreaterThan(1e-3);
    }
  });
});
