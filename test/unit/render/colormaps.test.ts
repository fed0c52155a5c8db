import { describe, expect, it } from 'vitest';
import { COLORMAP_NAMES } from '../../../src/core/overlay-types.ts';
import { colormapLut, colormapLutRgba, lutIndex } from '../../../src/render/colormaps.ts';

/** Entry i of a LUT as [r, g, b] in 0..1. */
function entry(lut: Uint8Array, i: number): number[] {
  return [lut[3 * i], lut[3 * i + 1], lut[3 * i + 2]].map((v) => (v ?? NaN) / 255);
}

function expectRgbClose(actual: number[], expected: number[], tolerance: number): void {
  for (let c = 0; c < 3; c++) {
    expect(Math.abs((actual[c] ?? NaN) - (expected[c] ?? NaN))).toBeLessThanOrEqual(tolerance);
  }
}

// matplotlib's values (matplotlib/_cm_listed.py, _cm.py), as floats.
const HALF_STEP = 0.5 / 255 + 1e-9;

describe('colormaps', () => {
  it('has 256 RGB entries per map, and an RGBA view with opaque alpha', () => {
    for (const name of COLORMAP_NAMES) {
      expect(colormapLut(name)).toHaveLength(256 * 3);
      const rgba = colormapLutRgba(name);
      expect(rgba).toHaveLength(256 * 4);
      expect(rgba[3]).toBe(255);
      expect(rgba[4 * 200]).toBe(colormapLut(name)[3 * 200]);
    }
  });

  it('viridis matches matplotlib at the ends and the middle', () => {
    const lut = colormapLut('viridis');
    expectRgbClose(entry(lut, 0), [0.267004, 0.004874, 0.329415], HALF_STEP);
    expectRgbClose(entry(lut, 64), [0.229739, 0.322361, 0.545706], HALF_STEP);
    expectRgbClose(entry(lut, 128), [0.127568, 0.566949, 0.550556], HALF_STEP);
    expectRgbClose(entry(lut, 255), [0.993248, 0.906157, 0.143936], HALF_STEP);
  });

  it('inferno matches matplotlib at the ends and the middle', () => {
    const lut = colormapLut('inferno');
    expectRgbClose(entry(lut, 0), [0.001462, 0.000466, 0.013866], HALF_STEP);
    expectRgbClose(entry(lut, 128), [0.735683, 0.215906, 0.330245], HALF_STEP);
    expectRgbClose(entry(lut, 192), [0.978422, 0.557937, 0.034931], HALF_STEP);
    expectRgbClose(entry(lut, 255), [0.988362, 0.998364, 0.644924], HALF_STEP);
  });

  it('jet is matplotlib piecewise-linear jet', () => {
    const lut = colormapLut('jet');
    expectRgbClose(entry(lut, 0), [0, 0, 0.5], HALF_STEP);
    // matplotlib: jet(128) = (0.490196, 1.0, 0.477546)
    expectRgbClose(entry(lut, 128), [0.490196, 1.0, 0.477546], HALF_STEP);
    expectRgbClose(entry(lut, 255), [0.5, 0, 0], HALF_STEP);
  });

  it('turbo (Google polynomial) runs dark blue → green → dark red, near matplotlib ends', () => {
    const lut = colormapLut('turbo');
    // The polynomial approximation is off the published table by up to ~0.13 at the very ends.
    expectRgbClose(entry(lut, 0), [0.18995, 0.07176, 0.23217], 0.14);
    expectRgbClose(entry(lut, 255), [0.4796, 0.01583, 0.01055], 0.14);
    const mid = entry(lut, 128);
    expect(mid[1]).toBeGreaterThan(0.9); // green peak in the middle
    const blueish = entry(lut, 40);
    expect(blueish[2]).toBeGreaterThan(blueish[0] ?? 1);
    const reddish = entry(lut, 220);
    expect(reddish[0]).toBeGreaterThan(reddish[2] ?? 1);
  });

  it('viridis and inferno get brighter monotonically (perceptual ordering)', () => {
    for (const name of ['viridis', 'inferno'] as const) {
      const lut = colormapLut(name);
      let prev = -1;
      for (let i = 0; i < 256; i += 15) {
        const [r = 0, g = 0, b = 0] = entry(lut, i);
        const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        expect(luma).toBeGreaterThan(prev);
        prev = luma;
      }
    }
  });

  it('lutIndex picks the nearest entry and clamps', () => {
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(1)).toBe(255);
    expect(lutIndex(0.5)).toBe(128);
    expect(lutIndex(0.5 / 255 - 1e-6)).toBe(0);
    expect(lutIndex(0.5 / 255 + 1e-6)).toBe(1);
    expect(lutIndex(-3)).toBe(0);
    expect(lutIndex(7)).toBe(255);
  });
});
