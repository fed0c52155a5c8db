import { describe, expect, it } from 'vitest';
import {
  checkScene,
  inspectScene,
  positionsOf,
  type ExpectedObject,
} from '../../../src/scoring/checker.ts';
import { fromModelRange } from '../../../src/scoring/image.ts';
import { heatmapIoU } from '../../../src/scoring/iou.ts';
import {
  PALETTE,
  POSITIONS,
  SHAPES,
  type Colour,
  type Position,
  type Shape,
} from '../../../src/scoring/scene-vocab.ts';
import { findColourObjects } from '../../../src/scoring/segment.ts';
import { CENTRES, RADIUS, draw, truthMask, type DrawObject } from './draw.ts';

const at = (
  colour: Colour,
  shape: Shape,
  position: Position,
  size: 'small' | 'big',
  jx = 0,
  jy = 0,
): DrawObject => ({
  colour,
  shape,
  cx: CENTRES[position][0] + jx,
  cy: CENTRES[position][1] + jy,
  r: RADIUS[size],
});
const expect1 = (colour: Colour, shape: Shape, position: Position): ExpectedObject => ({
  colour,
  shape,
  position,
  size: null,
});

describe('checker on single objects drawn like the training world', () => {
  const colours: Colour[] = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];
  // Every shape × position × size, with sub-pixel jitter as in training (±2 px), cycling colours.
  const jitters: [number, number][] = [
    [0, 0],
    [1.3, -0.7],
    [-1.8, 1.6],
  ];
  let k = 0;
  for (const shape of SHAPES) {
    for (const position of POSITIONS) {
      for (const size of ['small', 'big'] as const) {
        for (const [jx, jy] of jitters) {
          const colour = colours[k++ % colours.length] as Colour;
          it(`${size} ${colour} ${shape} ${position} (jitter ${jx}, ${jy})`, () => {
            const img = draw([at(colour, shape, position, size, jx, jy)]);
            const [check] = checkScene(img, [expect1(colour, shape, position)]);
            expect(check?.colourOk).toBe(true);
            expect(check?.found?.shape).toBe(shape);
            expect(check?.positionOk).toBe(true);
            expect(check?.ok).toBe(true);
          });
        }
      }
    }
  }

  it('finds the object mask scenes.py would give it (IoU ≥ 0.9)', () => {
    const o = at('purple', 'triangle', 'left', 'big', 0.4, 0.3);
    const [check] = checkScene(draw([o]), [expect1('purple', 'triangle', 'left')]);
    const truth = truthMask(o);
    const asHeat = Float32Array.from(truth);
    expect(heatmapIoU(asHeat, check!.found!.mask)).toBeGreaterThanOrEqual(0.9);
  });

  it('tells a small circle from a small square even where both threshold to the same pixels', () => {
    // With training's ±5 % radius jitter, this small circle and small square cover ≥ 0.5 of the
    // very same pixels (a 7×7 block minus its corners): only the soft coverage separates them.
    const circle = { ...at('yellow', 'circle', 'right', 'small'), cx: 24.6, cy: 16.6, r: 3.78 };
    const square = { ...at('yellow', 'square', 'right', 'small'), cx: 24.5, cy: 16.5, r: 3.42 };
    expect(truthMask(circle)).toEqual(truthMask(square));
    expect(
      checkScene(draw([circle]), [expect1('yellow', 'circle', 'right')])[0]?.found?.shape,
    ).toBe('circle');
    expect(
      checkScene(draw([square]), [expect1('yellow', 'square', 'right')])[0]?.found?.shape,
    ).toBe('square');
  });

  it('keeps antialiased orange edges orange (not yellow)', () => {
    const objects = findColourObjects(draw([at('orange', 'circle', 'center', 'big')]));
    expect([...objects.keys()]).toEqual(['orange']);
  });

  it('tolerates the ±0.04 per-channel colour jitter of training', () => {
    const [r, g, b] = PALETTE.green;
    const img = draw([
      { ...at('green', 'square', 'top', 'small'), colour: [r + 0.04, g - 0.04, b + 0.04] },
    ]);
    expect(checkScene(img, [expect1('green', 'square', 'top')])[0]?.ok).toBe(true);
  });

  it('reports the wrong shape and the wrong side', () => {
    const img = draw([at('blue', 'circle', 'right', 'big')]);
    const [check] = checkScene(img, [expect1('blue', 'square', 'left')]);
    expect(check?.colourOk).toBe(true);
    expect(check?.shapeOk).toBe(false);
    expect(check?.positionOk).toBe(false);
    expect(check?.ok).toBe(false);
  });
});

describe('checker on two objects', () => {
  const img = draw([
    at('red', 'circle', 'left', 'big', 1, -1),
    at('blue', 'square', 'right', 'small', -1, 1),
  ]);

  it('finds both, each with its own shape and side', () => {
    const checks = checkScene(img, [
      expect1('red', 'circle', 'left'),
      expect1('blue', 'square', 'right'),
    ]);
    expect(checks.map((c) => c.ok)).toEqual([true, true]);
  });

  it('fails binding when the caption swaps the shapes', () => {
    const checks = checkScene(img, [
      expect1('red', 'square', 'left'),
      expect1('blue', 'circle', 'right'),
    ]);
    expect(checks.map((c) => c.colourOk)).toEqual([true, true]);
    expect(checks.map((c) => c.shapeOk)).toEqual([false, false]);
  });

  it('fails placement when the caption swaps the sides', () => {
    const checks = checkScene(img, [
      expect1('red', 'circle', 'right'),
      expect1('blue', 'square', 'left'),
    ]);
    expect(checks.map((c) => c.positionOk)).toEqual([false, false]);
  });

  it('handles top/bottom pairs and two triangles', () => {
    const pair = draw([
      at('yellow', 'triangle', 'top', 'big'),
      at('green', 'triangle', 'bottom', 'small'),
    ]);
    const checks = checkScene(pair, [
      expect1('yellow', 'triangle', 'top'),
      expect1('green', 'triangle', 'bottom'),
    ]);
    expect(checks.map((c) => c.ok)).toEqual([true, true]);
  });

  it('lists coloured objects the caption does not name', () => {
    expect(inspectScene(img, [expect1('red', 'circle', 'left')]).unnamed).toEqual(['blue']);
    expect(
      inspectScene(img, [expect1('red', 'circle', 'left'), expect1('blue', 'square', 'right')])
        .unnamed,
    ).toEqual([]);
  });

  it('says a colour that is not in the image is missing', () => {
    const [check] = checkScene(img, [expect1('orange', 'circle', 'left')]);
    expect(check?.found).toBeNull();
    expect(check?.ok).toBe(false);
  });
});

describe('checker on images without objects', () => {
  it('finds nothing in an empty (background-only) image', () => {
    const empty = draw([]);
    expect(findColourObjects(empty).size).toBe(0);
    const checks = checkScene(empty, [expect1('red', 'circle', 'left')]);
    expect(checks[0]?.colourOk).toBe(false);
    expect(checks[0]?.ok).toBe(false);
  });

  it('ignores a grey blob and a two-pixel speck', () => {
    const img = draw([
      { colour: [0.5, 0.5, 0.52], shape: 'circle', cx: 10, cy: 10, r: 5 },
      { colour: 'red', shape: 'square', cx: 25, cy: 25, r: 0.9 },
    ]);
    expect(findColourObjects(img).size).toBe(0);
  });

  it('works on a darker grey background and from the model range [-1, 1]', () => {
    const img = draw([at('purple', 'circle', 'bottom', 'big')], [0.82, 0.83, 0.81]);
    const model = Float32Array.from(img.data, (v) => v * 2 - 1);
    const back = fromModelRange(model, 32, 32, [-1, 1]);
    expect(checkScene(back, [expect1('purple', 'circle', 'bottom')])[0]?.ok).toBe(true);
  });
});

describe('positionsOf', () => {
  it('splits halves and keeps the center to the middle eighth', () => {
    expect(positionsOf(8, 16, 32, 32)).toEqual(['left', 'bottom']);
    expect(positionsOf(24, 8, 32, 32)).toEqual(['right', 'top']);
    expect(positionsOf(16, 16, 32, 32)).toEqual(['right', 'bottom', 'center']);
    expect(positionsOf(12, 20, 32, 32)).toEqual(['left', 'bottom', 'center']);
    expect(positionsOf(11.9, 16, 32, 32)).not.toContain('center');
  });
});
