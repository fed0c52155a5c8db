/**
 * Property-based tests (fast-check) for the three parsers that take untrusted text: the tokenizer
 * (any prompt), the URL-hash parser (any link) and the manifest validator (any JSON).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, MAX_ECHO_CHARS, MAX_PROMPT_CHARS } from '../../../src/core/limits.ts';
import { ManifestError } from '../../../src/core/errors.ts';
import { validateManifest } from '../../../src/model/manifest.ts';
import { splitWords, WordTokenizer } from '../../../src/model/tokenizer.ts';
import {
  COLORMAP_NAMES,
  MAP_NORMALIZATIONS,
  MAP_SCALES,
  OVERLAY_MODES,
} from '../../../src/core/overlay-types.ts';
import {
  HASH_FIELDS,
  parseHashReport,
  serializeHash,
  type HashState,
} from '../../../src/state/url-hash.ts';
import { SCENES_TOKENIZER, validManifest } from '../model/fixtures.ts';

const tokenizer = new WordTokenizer(SCENES_TOKENIZER);
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(fc.constantFrom(...SCENES_TOKENIZER.vocab, 'zebra', '\u200b', ' ', '🔴', '<b>'), {
      maxLength: 60,
    })
    .map((a) => a.join(' ')),
);

describe('tokenizer (properties)', () => {
  it('always yields maxTokens ids, start first, every word accounted for', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const t = tokenizer.tokenize(text);
        const all = splitWords(text);
        expect(t.ids).toHaveLength(SCENES_TOKENIZER.maxTokens);
        expect(t.tokens).toHaveLength(SCENES_TOKENIZER.maxTokens);
        expect(t.ids[0]).toBe(SCENES_TOKENIZER.vocab.indexOf('<s>'));
        // Nothing dropped silently: kept + cut = all words, in order.
        expect([...t.words.map((w) => w.word), ...t.truncated]).toEqual(all);
        for (const w of t.words) {
          expect(w.word).toMatch(/^[a-z0-9]+$/);
          expect(w.inVocab).toBe(
            SCENES_TOKENIZER.vocab.includes(w.word) && !w.word.startsWith('<'),
          );
          expect(t.ids[w.tokenPosition]).toBe(
            SCENES_TOKENIZER.vocab.indexOf(w.inVocab ? w.word : '<unk>'),
          );
        }
        for (const u of t.unknown) expect(all).toContain(u);
      }),
      { numRuns: 500 },
    );
  });

  it('is unchanged by zero-width characters inserted anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SCENES_TOKENIZER.vocab.slice(3)), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (words, cuts) => {
          const text = words.join(' ');
          let dirty = text;
          for (const c of cuts) {
            const at = c % (dirty.length + 1);
            dirty = `${dirty.slice(0, at)}\u200b${dirty.slice(at)}`;
          }
          expect(splitWords(dirty)).toEqual(splitWords(text));
        },
      ),
    );
  });
});

/** Any double in the limit's range (−0 is written "0" and read back as 0). */
function unitDouble(limit: { min: number; max: number }): fc.Arbitrary<number> {
  return fc
    .double({ min: limit.min, max: limit.max, noNaN: true })
    .map((v) => (Object.is(v, -0) ? 0 : v));
}

const hashState: fc.Arbitrary<HashState> = fc.record({
  prompt: fc.string({ unit: 'grapheme', maxLength: 700 }),
  seed: fc.integer({ min: LIMITS.seed.min, max: LIMITS.seed.max }),
  steps: fc.integer({ min: LIMITS.steps.min, max: LIMITS.steps.max }),
  guidance: fc
    .double({ min: LIMITS.guidance.min, max: LIMITS.guidance.max, noNaN: true })
    .map((g) => (Object.is(g, -0) ? 0 : g)),
  words: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { maxLength: 2 }),
  step: fc.integer({ min: 0, max: LIMITS.steps.max - 1 }),
  layer: fc.oneof(fc.constant('all'), fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/)),
  head: fc.oneof(fc.constant('all' as const), fc.integer({ min: 0, max: 255 })),
  colormap: fc.constantFrom(...COLORMAP_NAMES),
  mode: fc.constantFrom(...OVERLAY_MODES),
  cumulative: fc.boolean(),
  opacity: unitDouble(LIMITS.opacity),
  normalize: fc.constantFrom(...MAP_NORMALIZATIONS),
  scale: fc.constantFrom(...MAP_SCALES),
  tau: unitDouble(LIMITS.tau),
  image: fc.constantFrom('x0' as const, 'xt' as const),
  smooth: fc.boolean(),
});

describe('URL hash (properties)', () => {
  it('every state the app or the CLI can produce round-trips exactly, nothing dropped', () => {
    fc.assert(
      fc.property(hashState, (state) => {
        const r = parseHashReport(serializeHash(state));
        expect(r.dropped).toEqual([]);
        const expected: Partial<HashState> = { ...state };
        if (state.words.length === 0) delete expected.words; // an empty list is left out of the link
        expect(r.state).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any text; every field present is either used or dropped with a short reason', () => {
    const keys = Object.values(HASH_FIELDS).map((f) => f.key);
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ maxLength: 3000 }),
      fc.integer().map(String),
    );
    const link = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 12 })
        .map((kv) => `#${kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
    );
    fc.assert(
      fc.property(link, (hash) => {
        const r = parseHashReport(hash);
        const params = new URLSearchParams(hash.replace(/^#/, ''));
        for (const [field, spec] of Object.entries(HASH_FIELDS)) {
          const present = params.get(spec.key) !== null;
          const used = field in r.state;
          const dropped = r.dropped.some((d) => d.field === field);
          expect(used || dropped).toBe(present);
          expect(used && dropped).toBe(false);
        }
        for (const d of r.dropped) expect(d.reason.length).toBeLessThan(MAX_ECHO_CHARS + 160);
        if (r.state.prompt !== undefined)
          expect([...r.state.prompt].length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
      }),
      { numRuns: 500 },
    );
  });
});

/** Sets `value` at a random path of a JSON tree (replacing or deleting what was there). */
function mutate(json: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || json === null || typeof json !== 'object') return value;
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 0) return value;
  const [k, v] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(json) ? [...json] : { ...json };
  const next = mutate(v, path.slice(1), value);
  if (next === undefined) delete (copy as Record<string, unknown>)[k];
  else (copy as Record<string, unknown>)[k] = next;
  return copy;
}

describe('manifest validator (properties)', () => {
  it('any JSON value: a manifest or one ManifestError naming a field, never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          validateManifest(json, 'manifest.json');
        } catch (e) {
          expect(e).toBeInstanceOf(ManifestError);
          expect((e as ManifestError).field.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a valid manifest with one value changed anywhere: accepted or refused by name, one line', () => {
    const base = validManifest();
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (path, value) => {
          const json = mutate(base, path, value);
          try {
            const m = validateManifest(json, 'manifest.json');
            expect(m.attention.length).toBeGreaterThan(0);
          } catch (e) {
            expect(e).toBeInstanceOf(ManifestError);
            expect((e as Error).message).not.toContain('\n');
            expect((e as Error).message).toMatch(/^Could not load manifest\.json: field "/);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
