/**
 * The UNet's control inputs (model contract v2, manifest `control`) for one generation: per-word
 * weights become `token_scale`, an edit's cached source maps become `inject_<output>` and
 * `inject_weight`. Only the conditional row (row 0) of the CFG batch is controlled; the unconditional
 * row always gets the neutral values (scale 1, weight 0). Prompt-to-prompt does the same (its
 * AttentionControl edits attn[h // 2:], the conditional half, unless LOW_RESOURCE), and the cached
 * record holds only the conditional half's maps, so there is nothing to inject there anyway.
 * A v1 package (no `control`) gets no control feeds at all; asking it for weights or an edit is an
 * InvalidInputError.
 */
import type { GenerationRecord } from '../core/record.ts';
import type { TokenAlignment } from './align.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ModelManifest } from '../core/manifest-types.ts';
import type { Ort, OrtTensor } from './ort.ts';
import type { TokenizedPrompt } from './tokenizer-types.ts';

export const WEIGHT_RANGE = { min: 0, max: 3 } as const;

/** Per-word attention weights: word (as normalised in the prompt) → factor; every occurrence. */
export type WordWeights = Record<string, number>;

/** The reason the controls are off for a package, or null when it has them. */
export function controlUnavailable(manifest: ModelManifest): string | null {
  return manifest.control
    ? null
    : `The model "${manifest.name}" ${manifest.version} has no attention-control inputs (model contract v1): re-export it with training/export.py to weigh words or edit prompts.`;
}

/** Throws InvalidInputError('weight', …) for a factor out of range or a word not in the prompt. */
export function validateWeights(weights: WordWeights, tokenized: TokenizedPrompt): void {
  const words = tokenized.words.map((w) => w.word);
  for (const [word, factor] of Object.entries(weights)) {
    if (typeof factor !== 'number' || !Number.isFinite(factor)) {
      throw new InvalidInputError(
        'weight',
        `Weight of "${word}" must be a number from ${WEIGHT_RANGE.min} to ${WEIGHT_RANGE.max} (got ${String(factor)}).`,
      );
    }
    if (factor < WEIGHT_RANGE.min || factor > WEIGHT_RANGE.max) {
      throw new InvalidInputError(
        'weight',
        `Weight of "${word}" must be from ${WEIGHT_RANGE.min} to ${WEIGHT_RANGE.max} (got ${factor}); 1 leaves the word as it is.`,
      );
    }
    if (!words.includes(word)) {
      throw new InvalidInputError(
        'weight',
        `Cannot weigh "${word}": it is not a word of the prompt (${words.join(' ')}).`,
      );
    }
  }
}

/** Weights without the neutral ×1 entries, in prompt word order (for records, URLs and files). */
export function activeWeights(weights: WordWeights | undefined): WordWeights {
  const out: WordWeights = {};
  for (const [w, f] of Object.entries(weights ?? {})) if (f !== 1) out[w] = f;
  return out;
}

/** Scale per token position (length T): the word's factor at each of its positions, else 1. */
export function tokenScale(weights: WordWeights, tokenized: TokenizedPrompt): Float32Array {
  const scale = new Float32Array(tokenized.ids.length).fill(1);
  for (const w of tokenized.words) {
    const f = weights[w.word];
    if (f !== undefined) scale[w.tokenPosition] = f;
  }
  return scale;
}

export interface Injection {
  /** Complete record of the source generation (same step count). */
  source: GenerationRecord;
  alignment: TokenAlignment;
  /** The first `steps` denoising steps get the source's maps. */
  steps: number;
}

/** Builds the control feeds of every UNet call of one generation (batch 2: cond, uncond; batch 1,
 * the conditional row alone, for a guidance-distilled model). */
export class ControlFeeds {
  readonly #batch: number;
  readonly #scale: Float32Array; // [B, T]
  readonly #weight: Float32Array; // [B, T]
  readonly #maps: Float32Array[]; // per layer [B, heads, hw, T]
  readonly #injectWeight: Float32Array; // [T]: weight of row 0 while injecting

  constructor(
    readonly manifest: ModelManifest,
    readonly ort: Ort,
    scale: Float32Array | null,
    readonly injection: Injection | null,
  ) {
    const T = manifest.tokenizer.maxTokens;
    const B = (this.#batch = manifest.guidance ? 1 : 2);
    this.#scale = new Float32Array(B * T).fill(1);
    if (scale) this.#scale.set(scale, 0);
    this.#weight = new Float32Array(B * T);
    this.#maps = manifest.attention.map(
      (a) => new Float32Array(B * a.heads * a.resolution[0] * a.resolution[1] * T),
    );
    this.#injectWeight = Float32Array.from(injection?.alignment.sourceOf ?? [], (s) =>
      s < 0 ? 0 : 1,
    );
  }

  /** Whether step `i`'s feeds differ from step i − 1's: the first step, every injecting step and
   * the first one after (the maps and weights drop to zero); the token scale never changes. */
  changedAt(i: number): boolean {
    return i === 0 || (this.injection !== null && i <= this.injection.steps);
  }

  /** The feeds of step `i`: the source's maps of step i, remapped to the edited token positions. */
  feeds(i: number): Record<string, OrtTensor> {
    const { manifest, ort, injection } = this;
    const control = manifest.control;
    if (!control) return {};
    const T = manifest.tokenizer.maxTokens;
    const injecting = injection !== null && i < injection.steps;
    this.#weight.fill(0);
    if (injecting) {
      this.#weight.set(this.#injectWeight, 0);
      const src = injection.source.steps[i];
      const sourceOf = injection.alignment.sourceOf;
      manifest.attention.forEach((a, l) => {
        const from = src?.attention[l];
        const to = this.#maps[l] as Float32Array;
        if (!from) throw new InvalidInputError('edit', 'The source record has no attention maps.');
        const rows = a.heads * a.resolution[0] * a.resolution[1];
        for (let r = 0; r < rows; r++) {
          const o = r * T;
          for (let j = 0; j < T; j++) {
            const s = sourceOf[j] as number;
            to[o + j] = s < 0 ? 0 : (from[o + s] as number);
          }
        }
      });
    }
    const B = this.#batch;
    const feeds: Record<string, OrtTensor> = {
      [control.tokenScale]: new ort.Tensor('float32', this.#scale, [B, T]),
      [control.injectWeight]: new ort.Tensor('float32', this.#weight, [B, T]),
    };
    manifest.attention.forEach((a, l) => {
      const name = control.inject[a.output] as string;
      const hw = a.resolution[0] * a.resolution[1];
      feeds[name] = new ort.Tensor('float32', this.#maps[l] as Float32Array, [B, a.heads, hw, T]);
    });
    return feeds;
  }
}
