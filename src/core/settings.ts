/**
 * What one generation is asked for: the prompt and the three numbers that, with the model, fix
 * the image. The limits each entry point accepts are checked in model/validate.ts.
 */
export interface GenerationSettings {
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
}
