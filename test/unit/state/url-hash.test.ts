import { describe, expect, it } from 'vitest';
import { parseHash, serializeHash, type HashState } from '../../../src/state/url-hash.ts';

const full: HashState = {
  prompt: 'a red circle on the left & a blue square',
  seed: 42,
  steps: 20,
  guidance: 3.5,
  words: [3, 9],
  step: 7,
  layer: 'attn_up_1_0',
  head: 2,
  colormap: 'viridis',
  mode: 'mask',
};

describe('url hash', () => {
  it('round-trips every field, special characters included', () => {
    expect(parseHash(serializeHash(full))).toEqual(full);
    expect(parseHash(serializeHash({ ...full, head: 'all', layer: 'all', words: [] }))).toEqual({
      ...full,
      head: 'all',
      layer: 'all',
      words: undefined,
    });
  });

  it('ignores garbage field by field and keeps the valid fields', () => {
    const h = parseHash(
      '#p=a%20red%20circle&seed=-5&steps=abc&g=NaN&w=1,x&s=3&layer=<script>&head=99999&cmap=rainbow&mode=mask',
    );
    expect(h).toEqual({ prompt: 'a red circle', step: 3, mode: 'mask' });
  });

  it('never throws on malformed input', () => {
    for (const hash of [
      '',
      '#',
      '#%',
      '#%E0%A4%A',
      '#=&&=',
      '#p',
      '#steps=1e3',
      '#seed=9'.repeat(500),
    ]) {
      expect(() => parseHash(hash)).not.toThrow();
    }
    expect(parseHash('#steps=1e3')).toEqual({});
    expect(parseHash('#steps=0')).toEqual({});
    expect(parseHash('#steps=100')).toEqual({ steps: 100 });
  });

  it('keeps at most two pinned words, without duplicates', () => {
    expect(parseHash('#w=1,1,4,5').words).toEqual([4, 5]);
  });

  it('rejects an overlong prompt', () => {
    expect(parseHash(`#p=${'a'.repeat(501)}`).prompt).toBeUndefined();
  });
});
