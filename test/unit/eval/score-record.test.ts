import { describe, expect, it } from 'vitest';
import type { GenerationRecord, TokenInfo } from '../../../src/core/record.ts';
import { scoreRecord } from '../../../src/cli/eval/evaluate.ts';
import type { EvalPrompt } from '../../../src/cli/eval/prompts.ts';
import { CENTRES, RADIUS, draw, truthMask, type DrawObject } from './draw.ts';

/** A hand-made record: a drawn image and one 16×16 attention layer whose map for each word is the
 * (downsampled) mask of the object we choose — so the expected IoUs are known without a model. */
function fakeRecord(
  objects: DrawObject[],
  words: string[],
  wordObject: (number | null)[],
): GenerationRecord {
  const T = words.length + 1;
  const img = draw(objects);
  const final = Float32Array.from(img.data, (v) => v * 2 - 1);
  const masks = objects.map(truthMask);
  const attention = new Float32Array(16 * 16 * T); // [heads=1, 16*16, T]
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      wordObject.forEach((o, w) => {
        const m = o === null ? undefined : masks[o];
        // 2×2 block mean of the 32×32 mask: the map a perfect attention layer would give.
        const v = m
          ? ((m[2 * y * 32 + 2 * x] ?? 0) +
              (m[2 * y * 32 + 2 * x + 1] ?? 0) +
              (m[(2 * y + 1) * 32 + 2 * x] ?? 0) +
              (m[(2 * y + 1) * 32 + 2 * x + 1] ?? 0)) /
            4
          : 0.01;
        attention[(y * 16 + x) * T + w + 1] = v;
      });
    }
  }
  const tokens: TokenInfo[] = [
    { position: 0, token: '<s>', id: 1, text: '<s>', special: true, wordIndex: null },
    ...words.map((w, i) => ({
      position: i + 1,
      token: w,
      id: i + 3,
      text: w,
      special: false,
      wordIndex: i,
    })),
  ];
  return {
    settings: { prompt: words.join(' '), seed: 0, steps: 1, guidance: 4 },
    model: { name: 'fake', version: '0' },
    image: { width: 32, height: 32, channels: 3, range: [-1, 1] },
    tokens,
    words: words.map((w, i) => ({ word: w, token: w, inVocab: true, tokenPosition: i + 1 })),
    truncated: [],
    layers: [
      { output: 'attn_up_1_0', place: 'up', block: 1, index: 0, resolution: [16, 16], heads: 1 },
    ],
    steps: [{ step: 0, t: 1, xt: final, x0: final, attention: [attention], ms: 1 }],
    final,
    complete: true,
    ep: { name: 'wasm', reason: 'test' },
    timings: { encodeMs: 0, totalMs: 0 },
  };
}

describe('scoreRecord', () => {
  const red: DrawObject = {
    colour: 'red',
    shape: 'circle',
    cx: CENTRES.left[0],
    cy: CENTRES.left[1],
    r: RADIUS.big,
  };
  const blue: DrawObject = {
    colour: 'blue',
    shape: 'square',
    cx: CENTRES.right[0],
    cy: CENTRES.right[1],
    r: RADIUS.big,
  };
  const prompt: EvalPrompt = {
    id: 'p',
    prompt: 'a red circle on the left and a blue square on the right',
    objects: [
      { colour: 'red', shape: 'circle', position: 'left', size: null },
      { colour: 'blue', shape: 'square', position: 'right', size: null },
    ],
    differentShapes: true,
  };
  const words = prompt.prompt.split(' ');
  const settings = {
    steps: 1,
    guidance: 4,
    separator: 'and',
    heldOut: [['blue', 'square', 'right']] as [string, string, string][],
  };

  it('scores maps that sit on their object high, and maps on the other object at 0', () => {
    // red → red object, circle → the blue object (a wrong map), blue/square/right → blue object.
    const owner = words.map(
      (w) => ({ red: 0, circle: 1, left: 0, blue: 1, square: 1, right: 1 })[w] ?? null,
    );
    const out = scoreRecord(fakeRecord([red, blue], words, owner), prompt, settings);
    expect(out.objects.map((o) => o.ok)).toEqual([true, true]);
    expect(out.heldOut).toBe(true);
    expect(out.unnamed).toEqual([]);
    const iou = new Map(out.words.map((w) => [w.word, w.iou]));
    expect(iou.get('red')).toBeGreaterThan(0.8);
    expect(iou.get('square')).toBeGreaterThan(0.8);
    expect(iou.get('circle')).toBe(0);
    expect(out.words.map((w) => w.object)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('leaves IoU empty (null) for words whose object is missing', () => {
    const owner = words.map(() => 0);
    const out = scoreRecord(fakeRecord([red], words, owner), prompt, settings);
    expect(out.objects.map((o) => o.colourOk)).toEqual([true, false]);
    expect(out.words.filter((w) => w.object === 1).every((w) => w.iou === null)).toBe(true);
  });
});
