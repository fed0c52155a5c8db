import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../../src/render/colormaps.ts';
import {
  cubicWeight,
  mapInput,
  normalisedMap,
  renderOverlay,
  sampleImage,
  upsampleBicubic,
} from '../../../src/render/cpu-renderer.ts';
import {
  DEFAULT_OVERLAY_PARAMS,
  type ImageInput,
  type OverlayParams,
} from '../../../src/core/overlay-types.ts';

/** A constant image in model range [-1, 1] whose display value is `gray` on every channel. */
function grayImage(gray: number, size = 4): ImageInput {
  return {
    data: new Float32Array(3 * size * size).fill(gray * 2 - 1),
    channels: 3,
    width: size,
    height: size,
    range: [-1, 1],
  };
}

function params(over: Partial<OverlayParams>): OverlayParams {
  return { ...DEFAULT_OVERLAY_PARAMS, ...over };
}

function px(rgba: Uint8ClampedArray, w: number, x: number, y: number): number[] {
  const o = (y * w + x) * 4;
  return [rgba[o] ?? -1, rgba[o + 1] ?? -1, rgba[o + 2] ?? -1, rgba[o + 3] ?? -1];
}

describe('Catmull-Rom kernel', () => {
  it('interpolates (1 at 0, 0 at the integers) with the a = -0.5 lobes', () => {
    expect(cubicWeight(0)).toBeCloseTo(1, 12);
    expect(cubicWeight(1)).toBeCloseTo(0, 12);
    expect(cubicWeight(-2)).toBeCloseTo(0, 12);
    expect(cubicWeight(0.5)).toBeCloseTo(0.5625, 12);
    expect(cubicWeight(1.5)).toBeCloseTo(-0.0625, 12);
    expect(cubicWeight(0.25)).toBeCloseTo(0.8671875, 12);
    expect(cubicWeight(2.5)).toBe(0);
  });

  it('weights at any phase sum to 1', () => {
    for (const f of [0, 0.1, 0.25, 0.5, 0.9]) {
      const sum = [-1, 0, 1, 2].reduce((s, m) => s + cubicWeight(f - m), 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});

describe('bicubic upsampling (half-pixel centres, clamp-to-edge)', () => {
  it('reproduces a linear ramp in the interior and overshoots at a clamped edge', () => {
    const up = upsampleBicubic(Float32Array.from([0, 1, 2, 3]), 4, 1, 8, 1);
    // x = 3: u = 3.5/8·4 − 0.5 = 1.25 → exactly linear.
    expect(up[3]).toBeCloseTo(1.25, 10);
    // x = 0: u = −0.25, taps clamp to [0, 0, 0, 1]: K(−1.25) · 1 = −0.0703125.
    expect(up[0]).toBeCloseTo(-0.0703125, 10);
    // Symmetric at the other end: 3 + 0.0703125.
    expect(up[7]).toBeCloseTo(3.0703125, 10);
  });

  it('spreads a 2-D impulse as the product of the 1-D weights', () => {
    const map = new Float32Array(9);
    map[4] = 1; // centre of 3×3
    const up = upsampleBicubic(map, 3, 3, 6, 6);
    // (2, 2): u = 2.5/6·3 − 0.5 = 0.75, the centre tap has weight K(0.75 − 1) = K(0.25).
    expect(up[2 * 6 + 2]).toBeCloseTo(0.8671875 ** 2, 10);
    // (0, 2): u = −0.25 (x), 0.75 (y): x weight of index 1 is K(−0.25 − 1) = K(1.25).
    expect(up[2 * 6 + 0]).toBeCloseTo(cubicWeight(1.25) * 0.8671875, 10);
    // Symmetry.
    expect(up[3 * 6 + 3]).toBeCloseTo(up[2 * 6 + 2] ?? NaN, 12);
  });

  it('keeps a constant map constant', () => {
    const up = upsampleBicubic(new Float32Array(16).fill(0.3), 4, 4, 13, 7);
    for (const v of up) expect(v).toBeCloseTo(0.3, 6);
  });
});

describe('normalisation', () => {
  it("'minmax' uses the low-res min/max and clamps the overshoot", () => {
    const m = mapInput(Float32Array.from([2, 4, 6, 8]), 4, 1);
    expect(m.min).toBe(2);
    expect(m.max).toBe(8);
    const n = normalisedMap(m, 8, 1, 'minmax');
    expect(n[0]).toBe(0); // overshoot below min clamped
    expect(n[3]).toBeCloseTo((4.5 - 2) / 6, 10); // u = 1.25 → 4.5
    expect(n[7]).toBe(1);
  });

  it("'absolute' keeps raw probabilities; a flat map normalises to 0", () => {
    const abs = normalisedMap(mapInput(new Float32Array(4).fill(0.2), 2, 2), 4, 4, 'absolute');
    for (const v of abs) expect(v).toBeCloseTo(0.2, 6);
    const flat = normalisedMap(mapInput(new Float32Array(4).fill(0.2), 2, 2), 4, 4, 'minmax');
    for (const v of flat) expect(v).toBe(0);
  });
});

describe('image sampling', () => {
  const img: ImageInput = {
    // 1 channel (replicated), 2×1, model range [-1, 1]: black then white.
    data: Float32Array.from([-1, 1]),
    channels: 1,
    width: 2,
    height: 1,
    range: [-1, 1],
  };

  it('nearest ("pixelated") picks floor((x + 0.5) / S · W)', () => {
    const rgb = sampleImage(img, 4, 1, false);
    expect([rgb[0], rgb[3], rgb[6], rgb[9]]).toEqual([0, 0, 1, 1]);
    expect(rgb[1]).toBe(0); // green = red for one channel
  });

  it('bilinear ("smooth") has half-pixel centres and clamps at the edges', () => {
    const rgb = sampleImage(img, 4, 1, true);
    // u = −0.25, 0.25, 0.75, 1.25 → 0, 0.25, 0.75, 1
    expect(rgb[0]).toBeCloseTo(0, 10);
    expect(rgb[3]).toBeCloseTo(0.25, 10);
    expect(rgb[6]).toBeCloseTo(0.75, 10);
    expect(rgb[9]).toBeCloseTo(1, 10);
  });

  it('maps the model range to 0..255 and clamps values outside it', () => {
    const wide: ImageInput = { ...img, data: Float32Array.from([-3, 0]) };
    const out = renderOverlay({ width: 2, height: 1, image: wide, mapA: null, params: params({}) });
    expect(px(out, 2, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(out, 2, 1, 0)).toEqual([128, 128, 128, 255]);
  });
});

describe('blend modes', () => {
  // 4×4 map with one hot cell at (3, 3) → top-left of a 16×16 frame is far from it.
  const map = new Float32Array(16);
  map[15] = 1;
  const mapA = mapInput(map, 4, 4);

  it('heatmap: mix(img, colormap(v), opacity)', () => {
    const out = renderOverlay({
      width: 16,
      height: 16,
      image: grayImage(0.8),
      mapA,
      params: params({ mode: 'heatmap', colormap: 'viridis', opacity: 0.5 }),
    });
    const lut = colormapLut('viridis');
    // Far corner: v = 0 → viridis[0]; near the hot cell v = 1 → viridis[255].
    const far = px(out, 16, 0, 0);
    const near = px(out, 16, 15, 15);
    for (let c = 0; c < 3; c++) {
      expect(far[c]).toBeCloseTo(Math.round((0.8 + ((lut[c] ?? 0) / 255 - 0.8) * 0.5) * 255), -0.5);
      const hot = lut[255 * 3 + c] ?? 0;
      expect(near[c]).toBeCloseTo(Math.round((0.8 + (hot / 255 - 0.8) * 0.5) * 255), -0.5);
    }
  });

  it('heatmap with opacity 0 is the image', () => {
    const out = renderOverlay({
      width: 8,
      height: 8,
      image: grayImage(0.8),
      mapA,
      params: params({ mode: 'heatmap', opacity: 0 }),
    });
    expect(px(out, 8, 3, 5)).toEqual([204, 204, 204, 255]);
  });

  it('mask dims the image outside v ≥ τ to a quarter and keeps it inside', () => {
    const out = renderOverlay({
      width: 16,
      height: 16,
      image: grayImage(0.8),
      mapA,
      params: params({ mode: 'mask', tau: 0.4 }),
    });
    expect(px(out, 16, 0, 0)).toEqual([51, 51, 51, 255]); // 0.8 · 0.25 · 255
    expect(px(out, 16, 15, 15)).toEqual([204, 204, 204, 255]);
    const kept = [];
    for (let p = 0; p < 256; p++) kept.push(out[p * 4] === 204);
    // The kept region is a corner blob: some pixels, not most.
    const n = kept.filter(Boolean).length;
    expect(n).toBeGreaterThan(4);
    expect(n).toBeLessThan(64);
  });

  it('compare paints map A orange, map B azure, mixed by max(a, b) · opacity', () => {
    const b = new Float32Array(16);
    b[0] = 1; // hot at (0, 0)
    const out = renderOverlay({
      width: 16,
      height: 16,
      image: grayImage(0),
      mapA,
      mapB: mapInput(b, 4, 4),
      params: params({ mode: 'compare', opacity: 1 }),
    });
    expect(px(out, 16, 15, 15)).toEqual([255, 102, 13, 255]); // (1, 0.4, 0.05)
    expect(px(out, 16, 0, 0)).toEqual([13, 140, 255, 255]); // (0.05, 0.55, 1)
    expect(px(out, 16, 15, 0)).toEqual([0, 0, 0, 255]); // neither word: the (black) image
  });

  it('without a map it draws the plain image whatever the mode', () => {
    const out = renderOverlay({
      width: 4,
      height: 4,
      image: grayImage(0.5),
      mapA: null,
      params: params({ mode: 'mask' }),
    });
    expect(px(out, 4, 2, 2)).toEqual([128, 128, 128, 255]);
  });

  it('reuses the output buffer it is given', () => {
    const buf = new Uint8ClampedArray(4 * 4 * 4);
    const out = renderOverlay(
      { width: 4, height: 4, image: grayImage(0.5), mapA: null, params: params({}) },
      buf,
    );
    expect(out).toBe(buf);
  });
});

describe('burned-in label', () => {
  it('draws white glyphs on a darkened box in the bottom-left corner only', () => {
    const out = renderOverlay({
      width: 128,
      height: 128,
      image: grayImage(0.5, 2),
      mapA: null,
      params: params({}),
      label: 'RED 1/5',
    });
    let white = 0;
    let whiteTop = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        if (out[(y * 128 + x) * 4] === 255) {
          white++;
          if (y < 64) whiteTop++;
        }
      }
    }
    expect(white).toBeGreaterThan(20);
    expect(whiteTop).toBe(0);
    expect(px(out, 128, 3, 124)[0]).toBeLessThan(128); // darkened box
    expect(px(out, 128, 120, 10)).toEqual([128, 128, 128, 255]); // untouched elsewhere
  });
});
