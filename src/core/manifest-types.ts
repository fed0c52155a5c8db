/**
 * The model package contract (`public/models/<name>/manifest.json`), as TypeScript types.
 * `manifest.json` is the single source of truth: nothing about a model is hard-coded in `src/`.
 * Validation lives in `src/model/manifest.ts`; docs/ARCHITECTURE.md ("The model package")
 * is the prose contract.
 */

/** What a model can draw (manifest `grammarSpec`); model/grammar.ts checks prompts against it. */
export interface GrammarSpec {
  version: number;
  colours: string[];
  shapes: string[];
  sizes: string[];
  /** Position word → its phrase ("left" → "on the left"). */
  positions: Record<string, string>;
  /** Allowed position pairs of two-object prompts, in either order. */
  pairs: [string, string][];
  /** Allowed position triples of three-object prompts, in caption order. */
  triples: string[][];
  /** Relation name → phrase ("above" → "above", "left" → "to the left of"). */
  relations: Record<string, string>;
  backgrounds: string[];
  /** Colours that show on one background only ("white" → "dark"). */
  colourBackground: Record<string, string>;
  maxObjects: number;
}

export type AttentionPlace = 'down' | 'mid' | 'up';

/** One cross-attention output of the UNet graph. */
export interface AttentionOutputSpec {
  /** ONNX output name, `attn_<place>_<block>_<index>`. Tensor: float32 [B, heads, h*w, T]. */
  output: string;
  place: AttentionPlace;
  /** Resolution level (0 = full resolution); mid uses 0. */
  block: number;
  /** Which attention within the block. */
  index: number;
  /** Spatial size of the query grid, [h, w]; h*w rows are row-major (y*w + x). */
  resolution: [number, number];
  heads: number;
}

export interface TokenizerSpec {
  kind: 'word';
  /** Index in this list is the token id. */
  vocab: string[];
  /** T: every sequence is padded or truncated to this many tokens, start token included. */
  maxTokens: number;
  lowercase: boolean;
  special: { pad: string; start: string; unknown: string };
  /** Word that separates phrases (the phrase-scoped text encoder splits on it). */
  phraseSeparator?: string;
}

export interface SchedulerSpec {
  /** 'rectified-flow-euler': x_t = (1-t)·x0 + t·ε, model predicts v = ε − x0, Euler from t=1 to 0. */
  kind: 'rectified-flow-euler';
  trainTimesteps: number;
  predictionType: 'velocity';
  /** The UNet's `timestep` input is t · timestepScale. */
  timestepScale: number;
  /** Prompt used for the unconditional half of classifier-free guidance. */
  guidanceUncond: string;
}

/**
 * Model contract v2 (optional): UNet inputs that control every cross-attention, prompt-to-prompt
 * style. Per layer, on the post-softmax probabilities p [heads, h*w, T]: first
 * p ← p + w·(inject − p) per token (w = injectWeight [B, T]; 0 keeps the model's own map, 1 takes the
 * injected one [B, heads, h*w, T]), then p ← p·s (s = tokenScale [B, T]), with no renormalisation over
 * tokens. s = 1 and w = 0 are exact no-ops. The attention outputs are the controlled probabilities.
 * A package without this block (contract v1) loads the same; the controls are then unavailable.
 */
export interface ControlSpec {
  /** UNet input name of the per-token scale, float32 [B, T]. */
  tokenScale: string;
  /** UNet input name of the per-token injection weight, float32 [B, T]. */
  injectWeight: string;
  /** Attention output name → UNet input name of the maps injected there, float32 [B, heads, h*w, T]. */
  inject: Record<string, string>;
  order: 'inject-then-scale';
  renormalised: false;
}

export interface ModelManifest {
  name: string;
  version: string;
  license: string;
  description?: string;
  image: {
    width: number;
    height: number;
    channels: number;
    /** Value range of the model's pixel space, e.g. [-1, 1]. */
    range: [number, number];
    layout: 'NCHW';
  };
  tokenizer: TokenizerSpec;
  /** File name of the text encoder, relative to the manifest. */
  textEncoder: string;
  /** File name of the UNet, relative to the manifest. */
  unet: string;
  /** Optional int8-convolution UNet (training/quantize.py), same inputs and outputs: the provider
   * table (execution-providers.ts, `unet: 'int8'`) loads it instead of `unet` on WASM. */
  unetInt8?: string;
  /** Present for a guidance-distilled model (training/distill.py): the UNet takes the guidance
   * scale as the float32 [B] input named `input`, and runs once per step at batch 1 on the prompt
   * (no unconditional row). `range`: the scales it was distilled on. */
  guidance?: { distilled: true; input: string; range: [number, number] };
  embeddingDim: number;
  scheduler: SchedulerSpec;
  defaults: { steps: number; guidance: number; seed: number };
  attention: AttentionOutputSpec[];
  /** Contract v2 control inputs; absent in v1 packages. */
  control?: ControlSpec;
  /** How the model was made (free-form record from training/export.py). */
  training?: Record<string, unknown>;
  /** The prompt grammar the model was trained on; prompts outside it are flagged (grammar.ts). */
  grammarSpec?: GrammarSpec;
  /** Prompts that show what this model can do (the Examples menu; the first opens a first visit);
   * absent: the first package's examples (src/state/examples.ts). */
  examples?: string[];
}
