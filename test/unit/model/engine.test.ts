/**
 * The sampling loop on the real model package: record layout, determinism, progress, cancellation,
 * and input validation before any model work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../../src/core/record.ts';
import { EngineGenerator } from '../../../src/model/engine-generator.ts';
import { Engine } from '../../../src/model/engine.ts';
import { GenerationCancelledError, InvalidInputError } from '../../../src/core/errors.ts';
import type { LoadedModel } from '../../../src/model/load.ts';
import { sharedModel } from './model-helpers.ts';

const PROMPT = 'a big red circle on the left and a small blue square on the right';
const settings = { prompt: PROMPT, seed: 3, steps: 4, guidance: 4 };

function bytes(a: Float32Array | null): Buffer {
  if (!a) throw new Error('no final image');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('Engine', () => {
  let model: LoadedModel;
  let engine: Engine;
  let record: GenerationRecord;

  beforeAll(async () => {
    model = await sharedModel();
    engine = new Engine(model);
    record = await engine.generate(settings);
  }, 120_000);

  it('produces a complete record with the documented layout', () => {
    const { manifest } = model;
    const chw = manifest.image.channels * manifest.image.height * manifest.image.width;
    const T = manifest.tokenizer.maxTokens;
    expect(record.complete).toBe(true);
    expect(record.final).toHaveLength(chw);
    expect(record.steps).toHaveLength(4);
    expect(record.layers.map((l) => l.output)).toEqual(manifest.attention.map((a) => a.output));
    expect(record.tokens).toHaveLength(T);
    expect(record.words.map((w) => w.word).join(' ')).toBe(PROMPT);
    record.steps.forEach((s, i) => {
      expect(s.step).toBe(i);
      expect(s.xt).toHaveLength(chw);
      expect(s.x0).toHaveLength(chw);
      expect(s.ms).toBeGreaterThan(0);
      s.attention.forEach((a, l) => {
        const spec = manifest.attention[l]!;
        expect(a).toHaveLength(spec.heads * spec.resolution[0] * spec.resolution[1] * T); // [heads, h*w, T]
      });
    });
    expect(record.steps.map((s) => s.t)).toEqual([1, 0.75, 0.5, 0.25]);
    expect(record.ep.name).toBe('wasm');
    expect(record.timings.totalMs).toBeGreaterThan(record.timings.encodeMs);
  });

  it('keeps post-softmax probabilities: every attention row sums to 1 over tokens', () => {
    const T = model.manifest.tokenizer.maxTokens;
    for (const a of record.steps[1]!.attention) {
      for (let row = 0; row < a.length / T; row += 7) {
        let sum = 0;
        for (let t = 0; t < T; t++) sum += a[row * T + t]!;
        expect(sum).toBeCloseTo(1, 4);
      }
    }
  });

  it('chains the steps: x_{i+1} = x_i + (t_{i+1} − t_i)·v̂ and x̂0 = x_i − t_i·v̂', () => {
    // From x0 and xt of a step, v̂ = (xt − x0)/t, so x_{i+1} = xt + (t_{i+1} − t_i)(xt − x0)/t_i.
    const [s0, s1] = record.steps as [GenerationRecord['steps'][0], GenerationRecord['steps'][0]];
    for (let i = 0; i < 50; i++) {
      const v = (s0.xt[i]! - s0.x0[i]!) / s0.t;
      expect(s1.xt[i]!).toBeCloseTo(s0.xt[i]! + (s1.t - s0.t) * v, 4);
    }
    // The last step reaches t = 0, where x̂0 is the final image.
    const last = record.steps[3]!;
    expect(record.final![5]!).toBeCloseTo(last.x0[5]!, 4);
  });

  it('is deterministic: same seed → identical image bytes (two runs)', async () => {
    const again = await engine.generate(settings);
    expect(bytes(again.final).equals(bytes(record.final))).toBe(true);
    expect(bytes(again.steps[2]!.attention[0]!).equals(bytes(record.steps[2]!.attention[0]!))).toBe(
      true,
    );
    const other = await engine.generate({ ...settings, seed: 4 });
    expect(bytes(other.final).equals(bytes(record.final))).toBe(false);
  }, 120_000);

  it('reports progress once per step, after onBegin', async () => {
    const events: string[] = [];
    await engine.generate(
      { ...settings, steps: 3 },
      {
        onBegin: (header, tokenized) =>
          events.push(`begin:${header.steps.length}:${tokenized.words.length}`),
        onStep: (s, p) => events.push(`step:${s.step}:${p.done}/${p.total}`),
      },
    );
    expect(events).toEqual(['begin:0:15', 'step:0:1/3', 'step:1:2/3', 'step:2:3/3']);
  }, 120_000);

  it('cancels between steps and leaves no record marked complete', async () => {
    const controller = new AbortController();
    const err = await engine
      .generate(
        { ...settings, steps: 10 },
        { signal: controller.signal, onStep: (s) => s.step === 1 && controller.abort() },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationCancelledError);
    const partial = (err as GenerationCancelledError).partial!;
    expect(partial.complete).toBe(false);
    expect(partial.final).toBeNull();
    expect(partial.steps).toHaveLength(2);
  }, 120_000);

  it.each([
    [{ prompt: '   ' }, 'prompt'],
    [{ prompt: '🦄 ✨' }, 'prompt'],
    [{ prompt: 'crimson hexagon' }, 'prompt'],
    [{ steps: 0 }, 'steps'],
    [{ steps: 10_000 }, 'steps'],
    [{ guidance: -2 }, 'guidance'],
    [{ seed: -1 }, 'seed'],
  ])('refuses %o before running the model', async (patch, field) => {
    // Both graphs behind a counter: a refusal must come before either runs.
    let runs = 0;
    const counted = <S extends object>(session: S): S =>
      new Proxy(session, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (key === 'run') runs++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const guarded = new Engine({
      ...model,
      textEncoder: counted(model.textEncoder),
      unet: counted(model.unet),
    });
    const err = await guarded.generate({ ...settings, ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).field).toBe(field);
    expect(runs).toBe(0);
    // The counter does count: a valid request runs both graphs.
    if (field === 'seed') {
      await guarded.generate({ ...settings, steps: 1 });
      expect(runs).toBeGreaterThan(1);
    }
  });

  it('handles 1,000 words, emoji, RTL, zero-width and HTML (truncated and reported)', async () => {
    const long = Array.from({ length: 1000 }, () => 'red').join(' ');
    const r = await engine.generate({
      ...settings,
      steps: 1,
      prompt: `<b>a</b> 🔴 red\u200b circle مرحبا ${long}`,
    });
    expect(r.complete).toBe(true);
    expect(r.words).toHaveLength(model.manifest.tokenizer.maxTokens - 1);
    expect(r.words.slice(0, 4).map((w) => w.word)).toEqual(['b', 'a', 'b', 'red']);
    expect(r.truncated.length).toBeGreaterThan(900);
  }, 120_000);
});

describe('EngineGenerator', () => {
  it('cancels a running generation when a new one starts, then completes the new one', async () => {
    const gen = new EngineGenerator(sharedModel);
    await gen.load();
    const first = gen.generate({ ...settings, steps: 20 }).catch((e: unknown) => e);
    // Let the first one take a step, then start the second.
    await new Promise((r) => setTimeout(r, 50));
    const second = await gen.generate({ ...settings, steps: 2 });
    const err = await first;
    expect(err).toBeInstanceOf(GenerationCancelledError);
    expect((err as GenerationCancelledError).partial?.complete).toBe(false);
    expect(second.complete).toBe(true);
    gen.cancel(); // no-op when idle
  }, 120_000);

  it('latest wins: 3 and 20 calls at once end in one finished run, the rest cancelled, no error', async () => {
    const gen = new EngineGenerator(sharedModel);
    await gen.load();
    for (const n of [3, 20]) {
      const calls = Array.from({ length: n }, (_, i) =>
        gen.generate({ ...settings, seed: i, steps: 2 }).then(
          (r) => ({ ok: r.settings.seed }),
          (e: unknown) => ({ error: e }),
        ),
      );
      const results = await Promise.all(calls);
      const finished = results.filter((r) => 'ok' in r);
      const errors = results.filter(
        (r) => 'error' in r && !(r.error instanceof GenerationCancelledError),
      );
      expect(errors).toEqual([]);
      expect(finished).toEqual([{ ok: n - 1 }]);
    }
  }, 120_000);

  it('cancel() also drops a queued run, and an aborted signal leaves the queue', async () => {
    const gen = new EngineGenerator(sharedModel);
    await gen.load();
    const a = gen.generate({ ...settings, steps: 10 }).catch((e: unknown) => e);
    const controller = new AbortController();
    const b = gen.generate(settings, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(await b).toBeInstanceOf(GenerationCancelledError);
    const c = gen.generate(settings).catch((e: unknown) => e);
    gen.cancel();
    expect(await a).toBeInstanceOf(GenerationCancelledError);
    expect(await c).toBeInstanceOf(GenerationCancelledError);
    expect((await gen.generate({ ...settings, steps: 1 })).complete).toBe(true);
  }, 120_000);

  it('honours an external AbortSignal', async () => {
    const gen = new EngineGenerator(sharedModel);
    const controller = new AbortController();
    controller.abort();
    const err = await gen
      .generate(settings, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationCancelledError);
  }, 120_000);
});
