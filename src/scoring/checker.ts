/**
 * The procedural checker: does a generated scenes image contain what its caption names?
 * Each named object is looked up by its colour (the scenes world gives two objects different
 * colours), then its shape and its position are judged on that colour's largest component.
 */
import type { Mask, RgbImage } from './image.ts';
import type { Colour, Position, Shape, Size } from './scene-vocab.ts';
import { DEFAULT_SEGMENT, findColourObjects, type SegmentOptions } from './segment.ts';
import { classifyShape, shapeFeatures, type ShapeFeatures } from './shape.ts';

export interface ExpectedObject {
  colour: Colour;
  shape: Shape;
  position: Position;
  size: Size | null;
}

export interface FoundObject {
  mask: Mask;
  /** Soft coverage of the object's colour around the mask (see segment.ts). */
  coverage: Float32Array;
  features: ShapeFeatures;
  shape: Shape;
  /** Which positions the bbox centre satisfies (left/right and top/bottom always one each; center
   * only near the middle). The bbox centre, not the centroid: scenes.py places a shape by its box
   * centre, and a triangle's centroid sits a third of its half-height lower. */
  positions: Position[];
}

export interface ObjectCheck {
  expected: ExpectedObject;
  /** The expected colour's object, or null when that colour is absent. */
  found: FoundObject | null;
  colourOk: boolean;
  shapeOk: boolean;
  positionOk: boolean;
  /** Colour, shape and position all right. */
  ok: boolean;
}

/**
 * Positions a point satisfies. Left/right and top/bottom split the image in halves; "center"
 * is the middle square whose half-side is an eighth of the image (4 px at 32): halfway between
 * the training centres (16) and the side centres (8 / 24).
 */
export function positionsOf(cx: number, cy: number, width: number, height: number): Position[] {
  const out: Position[] = [cx < width / 2 ? 'left' : 'right', cy < height / 2 ? 'top' : 'bottom'];
  if (Math.abs(cx - width / 2) <= width / 8 && Math.abs(cy - height / 2) <= height / 8)
    out.push('center');
  return out;
}

export function describeObject(mask: Mask, coverage: Float32Array): FoundObject {
  const features = shapeFeatures(mask, coverage);
  return {
    mask,
    coverage,
    features,
    shape: classifyShape(features),
    positions: positionsOf(
      (features.bbox.x0 + features.bbox.x1 + 1) / 2,
      (features.bbox.y0 + features.bbox.y1 + 1) / 2,
      mask.width,
      mask.height,
    ),
  };
}

export interface SceneCheck {
  checks: ObjectCheck[];
  /** Colours present as an object that the caption does not name (spurious objects). */
  unnamed: Colour[];
}

export function inspectScene(
  img: RgbImage,
  expected: readonly ExpectedObject[],
  opts: SegmentOptions = DEFAULT_SEGMENT,
): SceneCheck {
  const objects = findColourObjects(img, opts);
  const checks = expected.map((e) => {
    const obj = objects.get(e.colour);
    const found = obj ? describeObject(obj.mask, obj.coverage) : null;
    const colourOk = found !== null;
    const shapeOk = found?.shape === e.shape;
    const positionOk = found?.positions.includes(e.position) ?? false;
    return {
      expected: e,
      found,
      colourOk,
      shapeOk,
      positionOk,
      ok: colourOk && shapeOk && positionOk,
    };
  });
  const named = new Set(expected.map((e) => e.colour));
  return { checks, unnamed: [...objects.keys()].filter((c) => !named.has(c)) };
}

export function checkScene(
  img: RgbImage,
  expected: readonly ExpectedObject[],
  opts: SegmentOptions = DEFAULT_SEGMENT,
): ObjectCheck[] {
  return inspectScene(img, expected, opts).checks;
}
