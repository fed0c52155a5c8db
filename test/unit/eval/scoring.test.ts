import { describe, expect, it } from 'vitest';
import type { PromptWord } from '../../../src/core/record.ts';
import type { SampleOutcome } from '../../../src/cli/eval/evaluate.ts';
import { heatmapIoU } from '../../../src/cli/eval/iou.ts';
import { figures } from '../../../src/cli/eval/metrics.ts';
import {
  caption,
  heldOutTriples,
  isHeldOut,
  loadPromptSet,
} from '../../../src/cli/eval/prompts.ts';
import { scoredWords } from '../../../src/cli/eval/word-objects.ts';

describe('heatmapIoU', () => {
  const mask = { width: 2, height: 2, data: Uint8Array.from([1, 1, 0, 0]) };

  it('thresholds the heatmap at τ (inclusive) and takes intersection over union', () => {
    expect(heatmapIoU([1, 0.4, 0.39, 0], mask)).toBeCloseTo(1);
    expect(heatmapIoU([1, 0, 0.9, 0], mask)).toBeCloseTo(1 / 3);
    expect(heatmapIoU([0, 0, 1, 1], mask)).toBe(0);
    expect(heatmapIoU([0.5, 0.5, 0.5, 0.5], mask, 0.6)).toBe(0);
  });

  it('refuses a heatmap of the wrong size', () => {
    expect(() => heatmapIoU([1, 1, 1], mask)).toThrow(/3 values/);
  });
});

describe('scoredWords', () => {
  const words = (text: string): PromptWord[] =>
    text
      .split(' ')
      .map((word, i) => ({ word, token: word, inVocab: word !== 'zorp', tokenPosition: i + 1 }));

  it('maps each colour/shape/size/position word to its phrase’s object', () => {
    const got = scoredWords(words('a big red circle on the left and a blue square on the right'));
    expect(got.map((w) => [w.word, w.wordClass, w.object, w.tokenPosition])).toEqual([
      ['big', 'size', 0, 2],
      ['red', 'colour', 0, 3],
      ['circle', 'shape', 0, 4],
      ['left', 'position', 0, 7],
      ['blue', 'colour', 1, 10],
      ['square', 'shape', 1, 11],
      ['right', 'position', 1, 14],
    ]);
  });

  it('skips unknown words', () => {
    expect(scoredWords(words('a zorp circle')).map((w) => w.word)).toEqual(['circle']);
  });
});

describe('prompt set', () => {
  it('writes captions in the training grammar, articles included', () => {
    expect(
      caption([
        { colour: 'orange', shape: 'circle', position: 'left', size: null },
        { colour: 'blue', shape: 'square', position: 'right', size: 'small' },
      ]),
    ).toBe('an orange circle on the left and a small blue square on the right');
  });

  it('reads held-out triples from the manifest and tags objects', () => {
    const triples = heldOutTriples({ heldOut: [['red', 'triangle', 'right'], ['bad'], 7] });
    expect(triples).toEqual([['red', 'triangle', 'right']]);
    expect(
      isHeldOut({ colour: 'red', shape: 'triangle', position: 'right', size: 'big' }, triples),
    ).toBe(true);
    expect(
      isHeldOut({ colour: 'red', shape: 'triangle', position: 'left', size: null }, triples),
    ).toBe(false);
    expect(heldOutTriples(undefined)).toEqual([]);
  });

  it('eval/prompts.json: 40 single, 60 two-object at opposite sides with different colours', async () => {
    const set = await loadPromptSet('eval/prompts.json');
    const single = set.prompts.filter((p) => p.objects.length === 1);
    const two = set.prompts.filter((p) => p.objects.length === 2);
    expect(single).toHaveLength(40);
    expect(two).toHaveLength(60);
    const opposite = new Set(['left|right', 'right|left', 'top|bottom', 'bottom|top']);
    for (const p of two) {
      const [a, b] = p.objects;
      expect(opposite.has(`${a?.position}|${b?.position}`)).toBe(true);
      expect(a?.colour).not.toBe(b?.colour);
      expect(p.differentShapes).toBe(a?.shape !== b?.shape);
    }
    expect(two.filter((p) => p.differentShapes)).toHaveLength(40);
    expect(new Set(set.prompts.map((p) => p.prompt)).size).toBe(100);
  });
});

describe('figures', () => {
  const sample = (ok: boolean[], opts: Partial<SampleOutcome> = {}): SampleOutcome => ({
    id: 'x',
    seed: 0,
    twoObject: ok.length === 2,
    differentShapes: ok.length === 2 ? true : null,
    heldOut: false,
    objects: ok.map((o) => ({ colourOk: true, shapeOk: o, positionOk: o, ok: o, seen: null })),
    unnamed: [],
    words: [
      {
        word: 'red',
        wordClass: 'colour',
        object: 0,
        iou: ok[0] ? 0.6 : 0.2,
        iouDaamLayers: ok[0] ? 0.7 : 0.3,
      },
    ],
    ms: 1,
    ...opts,
  });

  it('averages per seed set, then mean and min–max across sets', () => {
    const sets = [
      [sample([true]), sample([false]), sample([true, true])],
      [sample([true]), sample([true]), sample([true, false])],
    ];
    const byId = new Map(figures(sets).map((f) => [f.id, f]));
    const single = byId.get('single.fullyRight');
    expect(single?.perSet).toEqual([0.5, 1]);
    expect(single?.mean).toBeCloseTo(0.75);
    expect([single?.min, single?.max]).toEqual([0.5, 1]);
    expect(byId.get('two.fullyRight')?.perSet).toEqual([1, 0]);
    expect(byId.get('placement')?.perSet[0]).toBeCloseTo(3 / 4);
    expect(byId.get('mIoU.colour')?.perSet[0]).toBeCloseTo((0.6 + 0.2 + 0.6) / 3);
    expect(byId.get('mIoU.colour.daamLayers')?.perSet[0]).toBeCloseTo((0.7 + 0.3 + 0.7) / 3);
    // No held-out prompt in either set: NaN, not a fake 0.
    expect(Number.isNaN(byId.get('mIoU.colour.heldOut')?.mean)).toBe(true);
  });
});
