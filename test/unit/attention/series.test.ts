import { describe, expect, it } from 'vitest';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { wordMaps } from '../../../src/attention/word-maps.ts';
import { fakeRecord } from '../export/fake-record.ts';

const record = fakeRecord(5);

describe('wordMapSeries', () => {
  it('gives the DAAM aggregation of one step, unnormalised, with its min and max', () => {
    const m = wordMapSeries(record).map(2, 3, false);
    const direct = wordMaps(record, {
      tokenPositions: [2],
      steps: { kind: 'one', step: 3 },
      normalize: 'none',
    }).maps[0];
    expect(m?.width).toBe(8);
    expect(Array.from(m?.data ?? [])).toEqual(Array.from(direct?.data ?? []));
    expect(m?.min).toBeCloseTo(direct?.min ?? NaN, 7);
    expect(m?.max).toBeCloseTo(direct?.max ?? NaN, 7);
  });

  it('builds cumulative maps as running sums equal to aggregating the step range', () => {
    const source = wordMapSeries(record, { positions: [6] });
    for (const step of [0, 2, 4]) {
      const cum = source.map(6, step, true);
      const direct = wordMaps(record, {
        tokenPositions: [6],
        steps: { kind: 'range', from: 0, to: step },
        normalize: 'none',
      }).maps[0];
      const a = cum?.data ?? new Float32Array();
      const b = direct?.data ?? new Float32Array();
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] ?? NaN, 5);
      expect(cum?.max).toBeCloseTo(direct?.max ?? NaN, 5);
    }
  });

  it('answers positions outside its batch, and null for a step that does not exist', () => {
    const source = wordMapSeries(record, { positions: [2] });
    expect(source.map(7, 1, false)?.data.length).toBe(64);
    expect(source.map(2, 5, false)).toBeNull();
  });
});
