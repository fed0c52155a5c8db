/**
 * The sampling loop: text encoder once (conditional and unconditional rows), then per step one UNet
 * call at batch 2 (row 0 conditional, row 1 unconditional), a guided Euler step, and a StepRecord
 * with x_t, the predicted clean image and the conditional row's attention for every manifest output.
 * A guidance-distilled model (manifest `guidance`) runs at batch 1 instead: the prompt's row only,
 * the scale as an input, a plain Euler step.
 * Runs the same in a Web Worker, in Node and in tests; it only needs a LoadedModel.
 */
import type {
  EditRecord,
  GenerationRecord,
  GenerationSettings,
  StepRecord,
} from '../core/record.ts';
import { copyControlSettings, planControl } from './control-plan.ts';
import type { ControlFeeds } from './control.ts';
import { ExecutionError, GenerationCancelledError, WordlightError } from '../core/errors.ts';
import type { GenerationHandlers } from './generator.ts';
import type { LoadedModel } from './load.ts';
import { fullText, oneLine } from './package-source.ts';
import { gaussianNoise } from './prng.ts';
import { eulerCfgStep, eulerStep, flowTimes, modelTimestep } from './scheduler.ts';
import { WordTokenizer } from './tokenizer.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';
import { cpuUnetCall, expectDims, gpuUnetCall, releaseAll } from './unet-call.ts';
import { validateSettings, validateTokenized } from './validate.ts';
import { yieldToEventLoop } from '../core/yield.ts';

export interface EngineOptions {
  /** Fetch the attention outputs (default true). False fetches model_output only (bench baseline). */
  captureAttention?: boolean;
}

export class Engine {
  readonly tokenizer: WordTokenizer;
  readonly #uncond: TokenizedPrompt;

  constructor(
    readonly model: LoadedModel,
    readonly options: EngineOptions = {},
  ) {
    this.tokenizer = new WordTokenizer(model.manifest.tokenizer);
    this.#uncond = this.tokenizer.tokenize(model.manifest.scheduler.guidanceUncond);
  }

  /** Vocabulary words to suggest in messages (no specials, no articles). */
  get exampleWords(): string[] {
    return this.model.manifest.tokenizer.vocab.filter((w) => this.tokenizer.has(w) && w.length > 3);
  }

  /** Validates settings and prompt; throws InvalidInputError with a specific message. */
  prepare(settings: GenerationSettings): TokenizedPrompt {
    validateSettings(settings);
    const tokenized = this.tokenizer.tokenize(settings.prompt);
    validateTokenized(tokenized, this.exampleWords);
    return tokenized;
  }

  /** Validates weights and edit against the prompt and the package; the control of one run. */
  prepareControl(
    settings: GenerationSettings,
    tokenized: TokenizedPrompt,
    source?: GenerationRecord,
  ): { feeds: ControlFeeds | null; edit?: EditRecord } {
    return planControl(
      this.model.ort,
      this.model.manifest,
      this.tokenizer,
      settings,
      tokenized,
      source,
    );
  }

  /**
   * Runs one generation. `onStep` may transfer the step's buffers (the engine never reads them
   * again). Rejects with GenerationCancelledError (partial record, complete: false) when the signal
   * aborts between steps.
   */
  generate(
    settings: GenerationSettings,
    handlers: GenerationHandlers = {},
  ): Promise<GenerationRecord> {
    // The GPU path's buffers hold one generation's inputs: generations take turns on them.
    const gpu = this.model.gpuUnet;
    return gpu
      ? gpu.exclusive(() => this.#generate(settings, handlers))
      : this.#generate(settings, handlers);
  }

  async #generate(
    settings: GenerationSettings,
    handlers: GenerationHandlers,
  ): Promise<GenerationRecord> {
    const t0 = performance.now();
    const tokenized = this.prepare(settings);
    const control = this.prepareControl(settings, tokenized, handlers.source);
    const { manifest, ort, ep, textEncoder, unet, gpuUnet } = this.model;
    const { channels: C, height: H, width: W } = manifest.image;
    const T = manifest.tokenizer.maxTokens;
    const D = manifest.embeddingDim;
    const chw = C * H * W;
    const signal = handlers.signal;

    const record: GenerationRecord = {
      settings: {
        prompt: settings.prompt,
        seed: settings.seed,
        steps: settings.steps,
        guidance: settings.guidance,
        ...copyControlSettings(settings),
      },
      model: { name: manifest.name, version: manifest.version },
      image: {
        width: W,
        height: H,
        channels: C,
        range: [manifest.image.range[0], manifest.image.range[1]],
      },
      tokens: tokenized.tokens,
      words: tokenized.words,
      truncated: tokenized.truncated,
      layers: manifest.attention.map((a) => ({
        ...a,
        resolution: [a.resolution[0], a.resolution[1]],
      })),
      steps: [],
      final: null,
      complete: false,
      ep: { ...ep },
      timings: { encodeMs: 0, totalMs: 0 },
      ...(control.edit ? { edit: control.edit } : {}),
    };
    const cancelled = (): GenerationCancelledError => {
      record.timings.totalMs = performance.now() - t0;
      return new GenerationCancelledError(record);
    };
    const run = async <R>(what: string, call: () => Promise<R>): Promise<R> => {
      try {
        return await call();
      } catch (e) {
        if (e instanceof WordlightError) throw e;
        const error = new ExecutionError(`${what} failed on ${ep.name}: ${oneLine(e)}`, {
          cause: e,
        });
        error.detail = fullText(e);
        throw error;
      }
    };

    if (signal?.aborted) throw cancelled();
    handlers.onBegin?.(record, tokenized);

    // A guidance-distilled UNet takes the scale as an input and runs once per step on the prompt
    // alone (batch 1); otherwise classifier-free guidance: row 0 the prompt, row 1 unconditional.
    const distilled = manifest.guidance;
    const B = distilled ? 1 : 2;

    // Text encoder once: the prompt (and the unconditional prompt as row 1).
    const ids = new BigInt64Array(B * T); // [B, T]
    tokenized.ids.forEach((id, i) => (ids[i] = BigInt(id)));
    if (!distilled) this.#uncond.ids.forEach((id, i) => (ids[T + i] = BigInt(id)));
    const encOut = await run('The text encoder', () =>
      textEncoder.run({ input_ids: new ort.Tensor('int64', ids, [B, T]) }),
    );
    const emb = expectDims(
      encOut.text_embeddings,
      'text_embeddings',
      [B, T, D],
      manifest.textEncoder,
    );
    const embeddings = (emb.data as Float32Array).slice(); // [B, T, D], our own copy
    releaseAll(encOut);
    record.timings.encodeMs = performance.now() - t0;

    const ts = flowTimes(settings.steps);
    let x = gaussianNoise(settings.seed, chw); // x_T ~ N(0, 1), [C, H, W]
    const sample = new Float32Array(B * chw); // [B, C, H, W]: x (twice for guidance)
    const timestep = new Float32Array(B); // [B]
    const capture = this.options.captureAttention ?? true;
    const context = {
      ort,
      manifest,
      file: this.model.unetFile,
      batch: B,
      embeddings,
      guidance: settings.guidance,
      capture,
    };
    const unetCall = gpuUnet ? gpuUnetCall(gpuUnet, context) : cpuUnetCall(unet, context);
    let totalStepMs = 0;

    for (let i = 0; i < settings.steps; i++) {
      await yieldToEventLoop();
      if (signal?.aborted) throw cancelled();
      const stepStart = performance.now();
      const t = ts[i] as number;
      const tNext = ts[i + 1] as number;
      sample.set(x, 0);
      if (!distilled) sample.set(x, chw);
      timestep.fill(modelTimestep(t, manifest.scheduler.timestepScale));

      const { v, attention } = await run(`UNet step ${i + 1}/${settings.steps}`, () =>
        unetCall.step({
          sample,
          timestep,
          control: control.feeds?.feeds(i) ?? {},
          controlChanged: control.feeds?.changedAt(i) ?? false,
        }),
      );
      const xt = x;
      const { xNext, x0 } = distilled
        ? eulerStep(xt, v.subarray(0, chw), t, tNext)
        : eulerCfgStep(
            xt,
            v.subarray(0, chw),
            v.subarray(chw, 2 * chw),
            settings.guidance,
            t,
            tNext,
          );

      x = xNext;
      const ms = performance.now() - stepStart;
      totalStepMs += ms;
      const step: StepRecord = { step: i, t, xt, x0, attention, ms };
      record.steps.push(step);
      handlers.onStep?.(step, {
        done: i + 1,
        total: settings.steps,
        msPerStep: totalStepMs / (i + 1),
      });
    }

    record.final = x;
    record.complete = true;
    record.timings.totalMs = performance.now() - t0;
    return record;
  }
}
