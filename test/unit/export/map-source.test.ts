import { describe, expect, it } from 'vitest';
import { recordImage } from '../../../src/export/map-source.ts';
import { fakeRecord } from './fake-record.ts';

const record = fakeRecord(5);

describe('recordImage', () => {
  it('picks the image of a step', () => {
    expect(recordImage(record, 1, 'x0')?.data).toBe(record.steps[1]?.x0);
    expect(recordImage(record, 1, 'xt')?.data).toBe(record.steps[1]?.xt);
    expect(recordImage(record, 1, 'final')?.data).toBe(record.final);
  });
});
