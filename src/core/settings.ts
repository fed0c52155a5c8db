/**
 * What one generation is asked for: the prompt and the three numbers that, with the model, fix
 * the image, plus the optional attention controls of contract v2 (docs/model-contract-v2.md). The
 * limits each entry point accepts are checked in model/validate.ts.
 */
export interface GenerationSettings {
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
  /** Per-word cross-attention weights (word → factor 0…3, every occurrence); absent = all ×1. */
  weights?: Record<string, number>;
  /** This run is an edit of a cached source run (prompt-to-prompt attention injection). */
  edit?: EditSettings;
}

/** An edit: the source run it injects from (same steps and guidance) and for how long. */
export interface EditSettings {
  source: { prompt: string; seed: number; weights?: Record<string, number> };
  /** Fraction of the denoising steps (from the first) that get the source's maps, 0…1. */
  inject: number;
}
