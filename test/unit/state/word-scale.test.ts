import { describe, expect, it } from 'vitest';
import type { TokenInfo } from '../../../src/core/record.ts';
import type { MapInput } from '../../../src/core/overlay-types.ts';
import { scaledMaps, wordStats } from '../../../src/state/word-scale.ts';
import { MapCache } from '../../../src/state/maps.ts';
import { contentPositions, seriesCsv, stepSeries } from '../../../src/state/step-series.ts';
import { wordMapComputer } from '../../../src/state/word-maps.ts';
import { fakeRecord } from '../export/fake-record.ts';

const map = (values: number[]): MapInput => ({
  data: Float32Array.from(values),
  width: values.length,
  height: 1,
  min: Math.min(...values),
  max: Math.max(...values),
});
const token = (position: number, special: boolean): TokenInfo => ({
  position,
  token: 't',
  id: 0,
  text: 't',
  special,
  wordIndex: special ? null : position,
});

describe('honest scales', () => {
  const maps = [map([0.9, 0.1]), map([0.0, 0.3]), map([0.01, 0.05])];
  const tokens = [token(0, true), token(1, false), token(2, false)];

  it('per word keeps each map its own range; shared gives the words one range, specials left out', () => {
    expect(scaledMaps(maps, tokens, 'word').map((m) => [m.min, m.max])).toEqual(
      maps.map((m) => [m.min, m.max]),
    );
    const shared = scaledMaps(maps, tokens, 'shared');
    for (const m of shared) {
      expect(m.min).toBeCloseTo(0);
      expect(m.max).toBeCloseTo(0.3);
    }
    expect(shared[2]!.data).toBe(maps[2]!.data); // same data, no copy
  });

  it('a weak map lights little under the shared scale, fully under its own', () => {
    const [, , weak] = scaledMaps(maps, tokens, 'shared');
    expect(wordStats(weak!, 0.4, 'minmax')).toEqual({ peak: expect.closeTo(0.05, 6), area: 0 });
    expect(wordStats(maps[2]!, 0.4, 'minmax').area).toBe(0.5);
    expect(wordStats(maps[1]!, 0.2, 'absolute').area).toBe(0.5);
    expect(wordStats(map([0.2, 0.2]), 0.1, 'minmax').area).toBe(0); // flat: 0, as the shader
  });
});

describe('attention over steps', () => {
  const record = fakeRecord();
  it('has one series per content word, a share per step, that add up with the rest to 1', () => {
    const positions = contentPositions(record);
    expect(positions.map((p) => record.tokens[p]!.text)).toEqual([
      'red',
      'circle',
      'blue',
      'square',
    ]);
    const cache = new MapCache(wordMapComputer);
    const series = stepSeries(record, cache, { layer: 'all', head: 'all' });
    expect(series.words).toHaveLength(4);
    for (const w of series.words) expect(w.shares).toHaveLength(record.steps.length);
    // Every token's share at a step, from the same maps, sums to the mean row sum of attention.
    const set = cache.get(record, { step: 0, layer: 'all', head: 'all', cumulative: false })!;
    const mean = (m: MapInput) => m.data.reduce((a, b) => a + b, 0) / m.data.length;
    expect(series.words[0]!.shares[0]).toBeCloseTo(mean(set.maps[positions[0]!]!), 6);
    expect(series.max).toBe(Math.max(...series.words.flatMap((w) => w.shares)));
  });

  it('writes CSV with a header of words and a row per step', () => {
    const series = stepSeries(record, new MapCache(wordMapComputer), { layer: 'all', head: 'all' });
    const lines = seriesCsv(series).trim().split('\n');
    expect(lines[0]).toBe('step,t,red,circle,blue,square');
    expect(lines).toHaveLength(record.steps.length + 1);
    expect(lines[1]!.split(',')).toHaveLength(6);
  });
});
