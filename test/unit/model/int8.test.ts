/**
 * The int8-convolution UNet (training/quantize.py) that the provider table loads on WASM, against
 * the fp32 UNet of the same package: one whole generation each, same prompt and seed. Quality at
 * scale is `npm run eval -- --ep wasm` (bench/README.md has the table); this guards the file itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/model/engine.ts';
import { releaseModel, type LoadedModel } from '../../../src/model/load.ts';
import { loadNodeModel } from '../../../src/model/node-model.ts';
import { MODEL_DIR, maxAbsDiff, sharedModel } from './model-helpers.ts';

const SETTINGS = {
  prompt: 'a big red circle on the left and a small blue square on the right',
  seed: 5,
  steps: 25,
  guidance: 4,
};

describe('int8 UNet on WASM', () => {
  let int8: LoadedModel | null = null;
  afterAll(async () => {
    if (int8) await releaseModel(int8);
  });

  it('is what the table loads on WASM, and generates what the fp32 UNet does', async () => {
    const fp32 = await sharedModel();
    int8 = await loadNodeModel({ dir: MODEL_DIR, ep: 'wasm', threads: 1 });
    expect(fp32.unetFile).toBe(fp32.manifest.unet);
    expect(int8.manifest.unetInt8).toBeDefined();
    expect(int8.unetFile).toBe(int8.manifest.unetInt8);

    const a = await new Engine(fp32).generate(SETTINGS);
    const b = await new Engine(int8).generate(SETTINGS);
    const image = maxAbsDiff(a.final!, b.final!);
    let sum = 0;
    let n = 0;
    a.steps.forEach((s, i) =>
      s.attention.forEach((m, l) => {
        const o = b.steps[i]!.attention[l]!;
        for (let j = 0; j < m.length; j++) sum += Math.abs((m[j] as number) - (o[j] as number));
        n += m.length;
      }),
    );
    console.log(
      `int8 vs fp32: final image max |d| ${image.toFixed(4)}, attention mean |d| ${(sum / n).toExponential(2)}`,
    );
    // Seen: 0.082 and 6.0e-4 (images are in [-1, 1]; attention rows sum to 1 over 20 tokens).
    expect(image).toBeLessThan(0.15);
    expect(sum / n).toBeLessThan(2e-3);
  }, 300_000);
});
