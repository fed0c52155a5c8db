import { describe, expect, it } from 'vitest';
import {
  cornerStretch,
  FrameCosts,
  PREVIEW_BUDGET_MS,
  previewScale,
} from '../../../src/render/preview.ts';

describe('previewScale', () => {
  it('draws full frames when they fit the budget or were never measured', () => {
    expect(previewScale(null)).toBe(1);
    expect(previewScale(PREVIEW_BUDGET_MS)).toBe(1);
  });

  it('picks the largest of ½, ¼, ⅛ whose pixels fit the budget, else ⅛', () => {
    for (const ms of [PREVIEW_BUDGET_MS * 1.5, PREVIEW_BUDGET_MS * 10, PREVIEW_BUDGET_MS * 1000]) {
      const s = previewScale(ms);
      expect([0.5, 0.25, 0.125]).toContain(s);
      if (s > 0.125) expect(ms * s * s).toBeLessThanOrEqual(PREVIEW_BUDGET_MS);
      if (s < 0.5) expect(ms * (2 * s) ** 2).toBeGreaterThan(PREVIEW_BUDGET_MS);
    }
    expect(previewScale(PREVIEW_BUDGET_MS * 4)).toBe(0.5);
    expect(previewScale(PREVIEW_BUDGET_MS * 1000)).toBe(0.125);
  });
});

describe('FrameCosts', () => {
  const PLAIN = 0;
  const HEATMAP = 1;
  const MASK = 2;

  it('keeps one moving average per mode, so cheap plain frames do not lower the heatmap cost', () => {
    const costs = new FrameCosts(4);
    expect(costs.ms(HEATMAP)).toBeNull();
    costs.record(HEATMAP, PREVIEW_BUDGET_MS * 20);
    for (let i = 0; i < 20; i++) costs.record(PLAIN, PREVIEW_BUDGET_MS * 3);
    expect(costs.ms(HEATMAP)).toBe(PREVIEW_BUDGET_MS * 20);
    expect(costs.scaleFor(HEATMAP)).toBe(previewScale(PREVIEW_BUDGET_MS * 20));
    expect(costs.scaleFor(PLAIN)).toBe(0.5);
    costs.record(HEATMAP, 70);
    expect(costs.ms(HEATMAP)).toBeCloseTo(0.7 * PREVIEW_BUDGET_MS * 20 + 0.3 * 70, 9);
  });

  it('gives an unmeasured mode the smallest preview once another mode needs previews', () => {
    const costs = new FrameCosts(4);
    expect(costs.scaleFor(MASK)).toBe(1);
    costs.record(PLAIN, PREVIEW_BUDGET_MS / 2);
    expect(costs.scaleFor(MASK)).toBe(1);
    costs.record(PLAIN, PREVIEW_BUDGET_MS * 100);
    expect(costs.scaleFor(MASK)).toBe(0.125);
  });
});

describe('cornerStretch', () => {
  it('is no CSS at full scale', () => {
    expect(cornerStretch(1, 1)).toEqual({ transform: '', clipPath: '' });
  });

  it('scales the bottom-left corner up to the whole box and clips the rest', () => {
    expect(cornerStretch(0.25, 0.5)).toEqual({
      transform: 'scale(4, 2)',
      clipPath: 'inset(50% 75% 0 0)',
    });
  });
});
