import { describe, expect, it } from 'vitest';
import {
  chooseComparePair,
  compareKey,
  hsv,
  hueDistance,
  sceneHues,
} from '../../../src/render/compare-colours.ts';
import type { ImageInput } from '../../../src/core/overlay-types.ts';

/** A 32×32 image in [−1, 1] on a near-white background with a block of each colour given. */
function scene(colours: [number, number, number][]): ImageInput {
  const W = 32;
  const n = W * W;
  const data = new Float32Array(3 * n).fill(0.9);
  colours.forEach((rgb, k) => {
    for (let y = 4; y < 14; y++)
      for (let x = 2 + k * 10; x < 10 + k * 10; x++)
        for (let c = 0; c < 3; c++) data[c * n + y * W + x] = rgb[c]! * 2 - 1;
  });
  return { data, channels: 3, width: W, height: W, range: [-1, 1] };
}

const RED: [number, number, number] = [0.86, 0.14, 0.14];
const BLUE: [number, number, number] = [0.15, 0.3, 0.88];
const ORANGE: [number, number, number] = [0.98, 0.52, 0.06];
const GREEN: [number, number, number] = [0.13, 0.63, 0.22];
const PINK: [number, number, number] = [0.95, 0.45, 0.7];

describe('compare colours', () => {
  it('hue and hue distance', () => {
    expect(hsv(1, 0, 0).h).toBe(0);
    expect(hsv(0, 0, 1).h).toBe(240);
    expect(hueDistance(350, 10)).toBe(20);
    expect(hueDistance(0, 180)).toBe(180);
  });

  it('finds the hues of the objects, not of the grey background', () => {
    const hues = sceneHues(scene([RED, BLUE]));
    expect(hues).toHaveLength(2);
    expect(hueDistance(hues[0]!, 0)).toBeLessThan(10);
    expect(hueDistance(hues[1]!, hsv(...BLUE).h)).toBeLessThan(10);
    expect(sceneHues(scene([]))).toEqual([]);
  });

  it('keeps orange/azure without coloured objects, moves away from the scene otherwise', () => {
    expect(chooseComparePair(null).a.name).toBe('orange');
    expect(chooseComparePair(scene([])).b.name).toBe('azure');
    for (const colours of [
      [RED, BLUE],
      [ORANGE, BLUE],
      [GREEN, PINK],
      [RED, GREEN, BLUE],
    ]) {
      const pair = chooseComparePair(scene(colours));
      const hues = colours.map((c) => hsv(...c).h);
      for (const c of [pair.a, pair.b]) {
        const near = Math.min(...hues.map((h) => hueDistance(h, hsv(...c.rgb).h)));
        expect(near, `${c.name} against ${hues.join(', ')}`).toBeGreaterThanOrEqual(40);
      }
      expect(hueDistance(hsv(...pair.a.rgb).h, hsv(...pair.b.rgb).h)).toBeGreaterThanOrEqual(90);
    }
  });

  it('the key names both words, their colours and the IoU', () => {
    const pair = chooseComparePair(scene([RED, BLUE]));
    const key = compareKey(pair, ['red', 'blue'], { iou: 0.2345, tau: 0.4 });
    expect(key.entries.map((e) => e.label)).toEqual(['“red”', '“blue”']);
    expect(key.entries[0].rgb).toEqual(pair.a.rgb);
    expect(key.overlap).toBe('overlap (IoU of τ-masks, τ = 0.40): 0.23');
    expect(compareKey(pair, ['a', 'b'], { iou: null, tau: 0.5 }).overlap).toMatch(/neither/);
  });
});
