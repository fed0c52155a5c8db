/** The app's MapComputer: explorer selections → word-map engine queries, stale choices falling back. */
import { describe, expect, it } from 'vitest';
import { headMaps, wordMaps } from '../../../src/attention/word-maps.ts';
import { wordMapComputer } from '../../../src/state/word-maps.ts';
import { randomRecord, T } from '../attention/random-record.ts';

describe('wordMapComputer', () => {
  const rec = randomRecord(3);
  const all = Array.from({ length: T }, (_, i) => i);
  const engine = (
    steps: { kind: 'one'; step: number } | { kind: 'range'; from: number; to: number },
    layers: number[],
    heads: number[] | 'all',
  ) => wordMaps(rec, { tokenPositions: all, steps, layers, heads, normalize: 'none' });

  it('gives every token position its map (index = position), this step or cumulative', () => {
    const one = wordMapComputer.wordMaps(rec, {
      step: 1,
      layer: 'all',
      head: 'all',
      cumulative: false,
    });
    const ref = engine({ kind: 'one', step: 1 }, [0, 1, 2], 'all');
    expect([one.height, one.width]).toEqual([16, 16]);
    expect(one.maps).toHaveLength(T);
    one.maps.forEach((m, p) => expect(m.data).toEqual(ref.maps[p]!.data));
    const cum = wordMapComputer.wordMaps(rec, {
      step: 2,
      layer: 'all',
      head: 'all',
      cumulative: true,
    });
    expect(cum.maps[4]!.data).toEqual(
      engine({ kind: 'range', from: 0, to: 2 }, [0, 1, 2], 'all').maps[4]!.data,
    );
  });

  it('selects a layer by its output name and a head, falling back to all when stale', () => {
    const one = wordMapComputer.wordMaps(rec, {
      step: 1,
      layer: 'attn_mid_0_0',
      head: 3,
      cumulative: false,
    });
    expect(one.maps[2]!.data).toEqual(engine({ kind: 'one', step: 1 }, [1], [3]).maps[2]!.data);
    // Head 3 does not exist in the 2-head layer: all heads instead of an error.
    const allHeads = wordMapComputer.wordMaps(rec, {
      step: 0,
      layer: 'all',
      head: 3,
      cumulative: false,
    });
    expect(allHeads.maps[0]!.data).toEqual(
      engine({ kind: 'one', step: 0 }, [0, 1, 2], 'all').maps[0]!.data,
    );
    // A layer name from another model: all layers.
    const stale = wordMapComputer.wordMaps(rec, {
      step: 0,
      layer: 'attn_up_9_9',
      head: 'all',
      cumulative: false,
    });
    expect(stale.maps[0]!.data).toEqual(allHeads.maps[0]!.data);
  });

  it('gives the layer × head tiles of one position at native resolution, named by output', () => {
    const tiles = wordMapComputer.headTiles(rec, { step: 0, layer: 'all', cumulative: true }, 3);
    expect(tiles).toHaveLength(4 + 4 + 2);
    expect(tiles[0]).toMatchObject({
      layer: 'attn_down_1_0',
      head: 0,
      map: { width: 16, height: 16 },
    });
    expect(tiles[9]).toMatchObject({ layer: 'attn_up_2_0', head: 1, map: { width: 6, height: 4 } });
    const ref = headMaps(rec, {
      tokenPositions: [3],
      steps: { kind: 'range', from: 0, to: 0 },
      normalize: 'none',
    });
    tiles.forEach((t, i) => expect(t.map.data).toEqual(ref[i]!.data));
  });
});
