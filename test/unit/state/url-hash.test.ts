import { describe, expect, it } from 'vitest';
import { LIMITS, MAX_PROMPT_CHARS } from '../../../src/core/limits.ts';
import {
  checkModelFields,
  parseHash,
  parseHashReport,
  serializeHash,
  type HashState,
} from '../../../src/state/url-hash.ts';

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
  cumulative: true,
  opacity: 0.35,
  normalize: 'absolute',
  scale: 'word',
  tau: 0.55,
  image: 'xt',
  smooth: true,
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

  it('reads the view fields and drops bad ones with a reason, keeping the prompt', () => {
    expect(parseHash('#p=a&cum=0&op=1&norm=minmax&scale=shared&tau=0&img=x0&smooth=false')).toEqual(
      {
        prompt: 'a',
        cumulative: false,
        opacity: 1,
        normalize: 'minmax',
        scale: 'shared',
        tau: 0,
        image: 'x0',
        smooth: false,
      },
    );
    const r = parseHashReport(
      '#p=a%20red%20circle&cum=yes&op=1.5&norm=log&scale=x&tau=-0.1&img=final&smooth=2',
    );
    expect(r.state).toEqual({ prompt: 'a red circle' });
    const why = Object.fromEntries(r.dropped.map((d) => [d.key, d.reason]));
    expect(why).toEqual({
      cum: 'Cumulative must be 1 or 0 (got "yes")',
      op: 'Opacity must be a number from 0 to 1 (got 1.5)',
      norm: 'unknown normalisation "log" (use minmax, absolute)',
      scale: 'unknown scale "x" (use word, shared)',
      tau: 'Threshold τ must be a number from 0 to 1 (got -0.1)',
      img: 'unknown image "final" (use x0, xt)',
      smooth: 'Smooth must be 1 or 0 (got "2")',
    });
  });

  it('keeps at most two pinned words, without duplicates', () => {
    expect(parseHash('#w=1,1,4,5').words).toEqual([4, 5]);
  });

  it('round-trips a long prompt and the CLI-valid extremes', () => {
    const long = 'a red circle on the left and a blue square on the right '.repeat(12).trim();
    expect(long.length).toBeGreaterThan(500);
    const extremes = {
      ...full,
      prompt: long,
      seed: LIMITS.seed.max,
      steps: LIMITS.steps.max,
      guidance: LIMITS.guidance.max,
      step: LIMITS.steps.max - 1,
    };
    expect(parseHash(serializeHash(extremes))).toEqual(extremes);
    expect(parseHash('#seed=4294967295&steps=200&g=30')).toEqual({
      seed: 4294967295,
      steps: 200,
      guidance: 30,
    });
  });

  it('says which field was dropped and why', () => {
    const r = parseHashReport(
      `#p=${'a'.repeat(MAX_PROMPT_CHARS + 1)}&steps=0&seed=-1&g=abc&cmap=x`,
    );
    expect(r.state).toEqual({});
    const why = Object.fromEntries(r.dropped.map((d) => [d.field, d.reason]));
    expect(Object.keys(why).sort()).toEqual(['colormap', 'guidance', 'prompt', 'seed', 'steps']);
    expect(why.prompt).toMatch(/10001 characters, over the 10000 limit/);
    expect(why.steps).toBe('Steps must be a whole number from 1 to 200 (got 0)');
    expect(why.seed).toMatch(/Seed must be a whole number from 0 to 4294967295 \(got -1\)/);
    expect(why.guidance).toMatch(/Guidance must be a number from 0 to 30 \(got "abc"\)/);
  });

  it('caps user text echoed in a reason', () => {
    const r = parseHashReport(`#cmap=${'x'.repeat(100_000)}`);
    expect(r.dropped[0]!.reason.length).toBeLessThan(120);
  });

  it('reports a layer or head the model does not have', () => {
    const model = {
      name: 'scenes',
      layers: [
        { output: 'attn_a', heads: 4 },
        { output: 'attn_b', heads: 2 },
      ],
    };
    expect(checkModelFields({ layer: 'attn_a', head: 3 }, model)).toEqual([]);
    expect(checkModelFields({ layer: 'all', head: 'all' }, model)).toEqual([]);
    const [layer] = checkModelFields({ layer: 'attn_zz' }, model);
    expect(layer?.field).toBe('layer');
    expect(layer?.reason).toContain('has no layer "attn_zz"');
    const [head] = checkModelFields({ layer: 'attn_b', head: 2 }, model);
    expect(head?.reason).toBe('head 3 does not exist: that layer has 2 heads');
    expect(checkModelFields({ layer: 'all', head: 3 }, model)[0]?.field).toBe('head');
  });

  it('keeps word weights of the prompt, and drops a bad list saying which entry and why', () => {
    const p = 'p=a%20red%20circle%20and%20a%20blue%20square';
    expect(parseHash(`#${p}&wt=red:2,blue:0.5`).weights).toEqual({ red: 2, blue: 0.5 });
    expect(parseHash(`#${p}&wt=red:0`).weights).toEqual({ red: 0 });
    for (const [wt, reason] of [
      ['red:5', 'weight of "red" must be from 0 to 3 (got 5)'],
      ['red:-1', 'weight of "red" must be from 0 to 3 (got -1)'],
      ['red:lots', 'weight of "red" must be a number from 0 to 3 (got "lots")'],
      ['red:', 'weight of "red" must be a number from 0 to 3 (got "")'],
      ['blue:1,purple:2', '"purple" is not a word of the prompt'],
      ['red2', '"red2" is not word:factor'],
    ]) {
      const r = parseHashReport(`#${p}&wt=${wt}`);
      expect(r.state.weights, wt).toBeUndefined();
      expect(r.state.prompt).toBe('a red circle and a blue square');
      expect(r.dropped, wt).toEqual([{ field: 'weights', key: 'wt', reason }]);
    }
    // Without a prompt in the link the words cannot be checked here (the engine checks them).
    expect(parseHash('#wt=purple:2').weights).toEqual({ purple: 2 });
  });
});
