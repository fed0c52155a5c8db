/** Hand-made specs for unit tests (mirror training/scenes.py's vocabulary and limits). */
import type { ModelManifest, TokenizerSpec } from '../../../src/core/manifest-types.ts';

const WORDS = [
  'a',
  'an',
  'and',
  'on',
  'at',
  'in',
  'the',
  'red',
  'green',
  'blue',
  'yellow',
  'purple',
  'orange',
  'circle',
  'square',
  'triangle',
  'small',
  'big',
  'left',
  'right',
  'top',
  'bottom',
  'center',
].sort();

export const SCENES_TOKENIZER: TokenizerSpec = {
  kind: 'word',
  vocab: ['<pad>', '<s>', '<unk>', ...WORDS],
  maxTokens: 20,
  lowercase: true,
  special: { pad: '<pad>', start: '<s>', unknown: '<unk>' },
  phraseSeparator: 'and',
};

/** A valid manifest; tests break one field at a time. */
export function validManifest(): ModelManifest {
  return {
    name: 'scenes',
    version: '1.0.0',
    license: 'MIT',
    image: { width: 32, height: 32, channels: 3, range: [-1, 1], layout: 'NCHW' },
    tokenizer: structuredClone(SCENES_TOKENIZER),
    textEncoder: 'text_encoder.onnx',
    unet: 'unet.onnx',
    embeddingDim: 128,
    scheduler: {
      kind: 'rectified-flow-euler',
      trainTimesteps: 1000,
      predictionType: 'velocity',
      timestepScale: 1000,
      guidanceUncond: '',
    },
    defaults: { steps: 25, guidance: 4, seed: 0 },
    attention: [
      {
        output: 'attn_down_1_0',
        place: 'down',
        block: 1,
        index: 0,
        resolution: [16, 16],
        heads: 4,
      },
      { output: 'attn_mid_0_0', place: 'mid', block: 0, index: 0, resolution: [8, 8], heads: 4 },
    ],
  };
}
