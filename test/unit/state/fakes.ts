/**
 * Small stand-ins for unit tests of the state classes: a record builder, a Generator that emits
 * steps on demand, and a MapComputer that counts its calls. The browser tests use the real model.
 */
import type { GenerationRecord, StepRecord } from '../../../src/core/record.ts';
import { GenerationCancelledError } from '../../../src/core/errors.ts';
import type {
  GenerationHandlers,
  Generator,
  LoadedModelInfo,
} from '../../../src/model/generator.ts';
import type { ModelManifest } from '../../../src/core/manifest-types.ts';
import type { MapComputer } from '../../../src/state/maps.ts';

export const WORDS = ['a', 'red', 'circle'];
export const T = 6;

export function fakeHeader(prompt = 'a red circle', steps = 3): GenerationRecord {
  return {
    settings: { prompt, seed: 1, steps, guidance: 3 },
    model: { name: 'fake', version: '0' },
    image: { width: 2, height: 2, channels: 3, range: [-1, 1] },
    tokens: Array.from({ length: T }, (_, position) => {
      const wordIndex = position >= 1 && position <= WORDS.length ? position - 1 : null;
      const text =
        wordIndex === null ? (position === 0 ? '<s>' : '<pad>') : (WORDS[wordIndex] ?? '');
      return { position, token: text, id: position, text, special: wordIndex === null, wordIndex };
    }),
    words: WORDS.map((word, i) => ({
      word,
      token: word,
      inVocab: word !== 'circle',
      tokenPosition: i + 1,
    })),
    truncated: [],
    layers: [
      { output: 'attn_down_1_0', place: 'down', block: 1, index: 0, resolution: [2, 2], heads: 2 },
    ],
    steps: [],
    final: null,
    complete: false,
    ep: { name: 'wasm', reason: 'test' },
    timings: { encodeMs: 0, totalMs: 0 },
  };
}

export function fakeStep(step: number): StepRecord {
  return {
    step,
    t: 1 - step / 3,
    xt: new Float32Array(12).fill(step),
    x0: new Float32Array(12).fill(-step),
    attention: [new Float32Array(2 * 4 * T).fill(1 / T)],
    ms: 1,
  };
}

const manifest = {
  name: 'fake',
  version: '0',
  defaults: { steps: 3, guidance: 3, seed: 1 },
  tokenizer: {
    kind: 'word',
    vocab: ['<pad>', '<s>', '<unk>', 'a', 'red'],
    maxTokens: T,
    lowercase: true,
    special: { pad: '<pad>', start: '<s>', unknown: '<unk>' },
  },
  attention: [],
} as unknown as ModelManifest;

/** A generator whose steps are released by the test with `emit()`, `finish()`, `cancelRun()`. */
export class ControlledGenerator implements Generator {
  handlers: GenerationHandlers = {};
  #resolve: ((r: GenerationRecord) => void) | null = null;
  #reject: ((e: unknown) => void) | null = null;
  record: GenerationRecord | null = null;
  failLoad: Error | null = null;

  async load(): Promise<LoadedModelInfo> {
    if (this.failLoad) throw this.failLoad;
    return { manifest, source: 'fake', ep: { name: 'wasm', reason: 'test' }, loadMs: 0 };
  }
  generate(settings: GenerationRecord['settings'], handlers: GenerationHandlers = {}) {
    this.handlers = handlers;
    this.record = fakeHeader(settings.prompt, settings.steps);
    handlers.onBegin?.(this.record, { ids: [], tokens: [], words: [], unknown: [], truncated: [] });
    return new Promise<GenerationRecord>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }
  emit(): void {
    const r = this.record!;
    const step = fakeStep(r.steps.length);
    r.steps.push(step);
    this.handlers.onStep?.(step, { done: r.steps.length, total: r.settings.steps, msPerStep: 1 });
  }
  finish(): void {
    this.record!.complete = true;
    this.record!.final = new Float32Array(12);
    this.#resolve?.(this.record!);
  }
  cancelRun(): void {
    this.#reject?.(new GenerationCancelledError(this.record));
  }
  cancel(): void {}
  async dispose(): Promise<void> {}
}

/** Maps whose value is the token position + step, so tests can tell which entry they got. */
export function countingComputer(): MapComputer & { calls: number } {
  const c = {
    calls: 0,
    wordMaps(record: GenerationRecord, sel: { step: number }) {
      c.calls++;
      return {
        width: 2,
        height: 2,
        maps: record.tokens.map((t) => ({
          data: new Float32Array(4).fill(t.position + sel.step),
          width: 2,
          height: 2,
          min: 0,
          max: 1,
        })),
      };
    },
    headTiles() {
      c.calls++;
      return [];
    },
  };
  return c;
}
