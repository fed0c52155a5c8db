/**
 * GenerationRecord: everything one generation produced, as typed arrays.
 *
 * Layout (all float32, row-major):
 *   StepRecord.xt          [C, H, W]          sample x_t entering step k (model range, e.g. [-1, 1])
 *   StepRecord.x0          [C, H, W]          predicted clean image at step k
 *   StepRecord.attention[l] [heads, h*w, T]   post-softmax cross-attention of layer l (same order as
 *                                             `layers`), conditional half of the CFG batch only;
 *                                             row y*w + x, column = token position.
 *   GenerationRecord.image [C, H, W]          final image (x at t = 0), present once complete.
 * Maps are kept at native resolution; upsampling happens at draw time (GPU) or in attention/.
 * The record is plain data (no class instances) so it can cross a worker boundary by structured
 * clone with its buffers transferred.
 */
import type { AttentionOutputSpec } from './manifest-types.ts';
import type { GenerationSettings } from './settings.ts';

export type { GenerationSettings };

export interface TokenInfo {
  /** Position in the token sequence (0 = start token). */
  position: number;
  /** Vocabulary token at that position (`<unk>` for unknown words, `<pad>` for padding). */
  token: string;
  id: number;
  /** The word as the user typed it (after normalisation), or the special token itself. */
  text: string;
  special: boolean;
  /** Index into `GenerationRecord.words`, or null for special tokens. */
  wordIndex: number | null;
}

export interface PromptWord {
  /** Normalised word (lower-case, punctuation stripped). */
  word: string;
  /** Token it maps to: the word itself, or the unknown token. */
  token: string;
  inVocab: boolean;
  /** Column of this word in every attention tensor. */
  tokenPosition: number;
}

/** What an edit did, recorded with the edited run. */
export interface EditRecord {
  /** 'swap': equal word counts, position by position; 'refine': aligned words only. */
  mode: 'swap' | 'refine';
  /** Per edited token position, the source position whose maps were injected, or −1. */
  sourceOf: number[];
  /** Number of steps that received the injection (round(inject · steps)). */
  injectedSteps: number;
}

export interface StepRecord {
  /** 0-based step index. */
  step: number;
  /** Flow time at the start of the step (1 → 0). */
  t: number;
  xt: Float32Array;
  x0: Float32Array;
  attention: Float32Array[];
  /** Wall time of this step (both CFG halves), milliseconds. */
  ms: number;
}

export type ExecutionProviderName = 'webgpu' | 'wasm' | 'cpu';

export interface ExecutionProviderChoice {
  name: ExecutionProviderName;
  /** Human-readable reason for the choice, e.g. "WebGPU adapter is a fallback (software) adapter". */
  reason: string;
  threads?: number;
}

export interface GenerationRecord {
  settings: GenerationSettings;
  model: { name: string; version: string };
  image: { width: number; height: number; channels: number; range: [number, number] };
  /** All T token positions, specials and padding included. */
  tokens: TokenInfo[];
  /** The prompt's words in order (after truncation). */
  words: PromptWord[];
  /** Words cut because the prompt exceeded the token limit, in order. */
  truncated: string[];
  layers: AttentionOutputSpec[];
  steps: StepRecord[];
  /** Final image [C, H, W]; null until complete. */
  final: Float32Array | null;
  complete: boolean;
  ep: ExecutionProviderChoice;
  timings: { encodeMs: number; totalMs: number };
  /** Present when the run was an edit. */
  edit?: EditRecord;
}
