/**
 * A small synthetic GenerationRecord with known structure: a red disk on the left and a blue square
 * on the right of a 16×16 image; "red"/"circle" attend to the left, "blue"/"square" to the right,
 * sharper at later steps. Lets export tests check that pictures and data land where they should.
 */
import type { GenerationRecord, StepRecord, TokenInfo } from '../../../src/core/record.ts';
import type { AttentionOutputSpec } from '../../../src/core/manifest-types.ts';

export const PROMPT = 'a red circle and a blue square';
const WORDS = PROMPT.split(' ');
const T = 10;
const IMG = 16;

const LEFT = [0.25, 0.5] as const; // (x, y) as fractions
const RIGHT = [0.75, 0.5] as const;

function focusOf(word: string): readonly [number, number] | null {
  if (word === 'red' || word === 'circle') return LEFT;
  if (word === 'blue' || word === 'square') return RIGHT;
  return null;
}

function cleanImage(): Float32Array {
  const plane = IMG * IMG;
  const img = new Float32Array(3 * plane).fill(0); // mid grey in [-1, 1]
  for (let y = 0; y < IMG; y++) {
    for (let x = 0; x < IMG; x++) {
      const p = y * IMG + x;
      if ((x - 4) ** 2 + (y - 8) ** 2 <= 9) {
        img[p] = 0.9;
        img[plane + p] = -0.8;
        img[2 * plane + p] = -0.8;
      }
      if (x >= 10 && x <= 14 && y >= 6 && y <= 10) {
        img[p] = -0.8;
        img[plane + p] = -0.6;
        img[2 * plane + p] = 0.9;
      }
    }
  }
  return img;
}

/** Deterministic pseudo-noise in [-1, 1]. */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0xffffffff) * 2 - 1;
  });
}

function attention(spec: AttentionOutputSpec, tokens: TokenInfo[], sharp: number): Float32Array {
  const [h, w] = spec.resolution;
  const out = new Float32Array(spec.heads * h * w * T);
  for (let head = 0; head < spec.heads; head++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const logits = tokens.map((t) => {
          const f = focusOf(t.text);
          if (!f) return t.special ? 0.5 : 0;
          const d2 = ((x + 0.5) / w - f[0]) ** 2 + ((y + 0.5) / h - f[1]) ** 2;
          return sharp * (1.5 - 12 * d2) + 0.1 * head;
        });
        const m = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - m));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((v, t) => (out[((head * h + y) * w + x) * T + t] = v / sum));
      }
    }
  }
  return out;
}

export function fakeRecord(steps = 6): GenerationRecord {
  const tokens: TokenInfo[] = [];
  tokens.push({ position: 0, token: '<s>', id: 1, text: '<s>', special: true, wordIndex: null });
  WORDS.forEach((word, i) =>
    tokens.push({
      position: i + 1,
      token: word,
      id: 10 + i,
      text: word,
      special: false,
      wordIndex: i,
    }),
  );
  while (tokens.length < T) {
    tokens.push({
      position: tokens.length,
      token: '<pad>',
      id: 0,
      text: '<pad>',
      special: true,
      wordIndex: null,
    });
  }
  const layers: AttentionOutputSpec[] = [
    { output: 'attn_down_1_0', place: 'down', block: 1, index: 0, resolution: [8, 8], heads: 2 },
    { output: 'attn_mid_0_0', place: 'mid', block: 0, index: 0, resolution: [4, 4], heads: 2 },
  ];
  const clean = cleanImage();
  const stepRecords: StepRecord[] = Array.from({ length: steps }, (_, k) => {
    const a = (k + 1) / steps;
    const n = noise(clean.length, 7 + k);
    return {
      step: k,
      t: 1 - k / steps,
      xt: clean.map((v, i) => (1 - a) * (n[i] ?? 0) + a * v),
      x0: clean.map((v, i) => (1 - a) * 0.5 * (n[i] ?? 0) + a * v),
      attention: layers.map((l) => attention(l, tokens, 0.5 + 3 * a)),
      ms: 1,
    };
  });
  return {
    settings: { prompt: PROMPT, seed: 42, steps, guidance: 3 },
    model: { name: 'fake', version: '0' },
    image: { width: IMG, height: IMG, channels: 3, range: [-1, 1] },
    tokens,
    words: WORDS.map((word, i) => ({ word, token: word, inVocab: true, tokenPosition: i + 1 })),
    truncated: [],
    layers,
    steps: stepRecords,
    final: clean,
    complete: true,
    ep: { name: 'cpu', reason: 'test' },
    timings: { encodeMs: 0, totalMs: 0 },
  };
}
