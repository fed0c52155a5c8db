import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chooseModel,
  FALLBACK_INDEX,
  loadModelIndex,
  parseModelIndex,
  pickerOptions,
  urlWithModel,
} from '../../../src/state/model-index.ts';

describe('model index', () => {
  it('reads the shipped index, whose every package exists', () => {
    const index = parseModelIndex(JSON.parse(readFileSync('public/models/index.json', 'utf8')));
    expect(index.models.map((m) => m.name)).toContain(index.default);
    for (const m of index.models) {
      const man = JSON.parse(readFileSync(`public/models/${m.name}/manifest.json`, 'utf8')) as {
        name: string;
      };
      expect(man.name).toBe(m.name);
    }
  });

  it('drops bad entries and falls back when nothing is left', () => {
    expect(parseModelIndex(null)).toEqual(FALLBACK_INDEX);
    expect(parseModelIndex({ models: [{ name: '../x' }, 3] })).toEqual(FALLBACK_INDEX);
    const i = parseModelIndex({
      default: 'nope',
      models: [{ name: 'a' }, { name: 'b', title: 'B' }],
    });
    expect(i.default).toBe('a');
    expect(i.models[1]).toEqual({ name: 'b', title: 'B', summary: '' });
  });

  it('picks the URL model when plausible, else the default', () => {
    const i = parseModelIndex({ default: 'b', models: [{ name: 'a' }, { name: 'b' }] });
    expect(chooseModel('a', i)).toBe('a');
    expect(chooseModel(null, i)).toBe('b');
    expect(chooseModel('../../etc', i)).toBe('b');
    expect(pickerOptions(i, 'c').map((m) => m.name)).toEqual(['a', 'b', 'c']);
    expect(pickerOptions(i, 'a')).toBe(i.models);
  });

  it('builds a URL that keeps the other query options and the hash', () => {
    expect(
      urlWithModel({ pathname: '/', search: '?ep=wasm' }, '#p=a+red+circle', 'scenes-v2'),
    ).toBe('/?ep=wasm&model=scenes-v2#p=a+red+circle');
    expect(urlWithModel({ pathname: '/app/', search: '?model=scenes' }, '', 'x')).toBe(
      '/app/?model=x',
    );
  });

  it('falls back when the index cannot be fetched', async () => {
    const failing = (() => Promise.reject(new Error('offline'))) as unknown as typeof fetch;
    expect(await loadModelIndex(failing)).toEqual(FALLBACK_INDEX);
    const notFound = (() =>
      Promise.resolve(new Response('', { status: 404 }))) as unknown as typeof fetch;
    expect(await loadModelIndex(notFound)).toEqual(FALLBACK_INDEX);
  });
});
