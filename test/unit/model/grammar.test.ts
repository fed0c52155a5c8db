import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GrammarSpec } from '../../../src/core/manifest-types.ts';
import { checkGrammar, grammarSpecOf } from '../../../src/model/grammar.ts';
import { examplesFor } from '../../../src/state/examples.ts';

// Written by training/grammar_fixture.py from scenes.py / scenes_v2.py (a pytest keeps it current).
const fixture = JSON.parse(readFileSync('test/fixtures/grammar.json', 'utf8')) as {
  specs: Record<string, unknown>;
  captions: Record<string, string[]>;
};
const spec = (name: string): GrammarSpec => {
  const s = grammarSpecOf({ grammarSpec: fixture.specs[name] });
  if (!s) throw new Error(`fixture spec ${name} does not parse`);
  return s;
};
const v1 = spec('scenes');
const v2 = spec('scenes-v2');
const text = (prompt: string, s: GrammarSpec): string =>
  checkGrammar(prompt, s)
    .map((i) => `${i.problem} | ${i.instead}`)
    .join('\n');

describe('grammar check', () => {
  it('accepts every caption training writes, under its own model', () => {
    for (const cap of fixture.captions.v1 ?? []) {
      expect(checkGrammar(cap, v1), cap).toEqual([]);
      expect(checkGrammar(cap, v2), cap).toEqual([]); // v2 is a superset
    }
    for (const [set, caps] of Object.entries(fixture.captions)) {
      if (!set.startsWith('v2-')) continue;
      for (const cap of caps) expect(checkGrammar(cap, v2), cap).toEqual([]);
    }
  });

  it('flags three objects on the v1 model and says what it can do instead', () => {
    const p =
      'a red circle on the left, a blue square in the center and a green triangle on the right';
    expect(checkGrammar(p, v2)).toEqual([]);
    const t = text(p, v1);
    expect(t).toContain('3 objects: this model draws at most 2');
    expect(t).toContain('a red circle on the left and a blue square on the right');
  });

  it('flags a relation on the v1 model with the positions that say the same', () => {
    const t = text('a red circle above a blue square', v1);
    expect(t).toContain('knows no relations');
    expect(t).toContain('a red circle at the top and a blue square at the bottom');
    expect(checkGrammar('a red circle to the left of a blue square', v2)).toEqual([]);
    expect(text('a red circle on the left to the left of a blue square', v2)).toContain(
      'a relation joins exactly two objects without positions',
    );
  });

  it('flags two objects on one side, a wrong order of three, a background the model lacks', () => {
    expect(text('a red circle on the left and a blue square on the left', v1)).toContain(
      'both objects on the left',
    );
    expect(text('a red circle on the left and a blue square on the left', v1)).toContain(
      'put the second one on the right',
    );
    expect(text('a red circle on the left and a blue square at the top', v2)).toContain(
      'opposite positions',
    );
    expect(
      text(
        'a red circle on the right, a blue square in the center and a green ring on the left',
        v2,
      ),
    ).toContain('three objects go in a row or a column');
    expect(text('a red circle on a dark background', v1)).toContain(
      'always paints a light background',
    );
    expect(checkGrammar('a red circle on a dark background', v2)).toEqual([]);
  });

  it('flags a colour that would not show on its background', () => {
    expect(text('a white circle in the center', v2)).toContain('on a dark background');
    expect(checkGrammar('a white circle in the center on a dark background', v2)).toEqual([]);
    expect(text('a black ring at the top on a dark background', v2)).toContain(
      'on a light background',
    );
  });

  it('has nothing to say about an empty prompt or a manifest without a grammar', () => {
    expect(checkGrammar('   ', v1)).toEqual([]);
    expect(grammarSpecOf({ name: 'x' })).toBeUndefined();
    expect(grammarSpecOf({ grammarSpec: { colours: 'red' } })).toBeUndefined();
  });
});

describe('grammarSpec in the manifest', () => {
  it('is kept when well-formed and names the field when not', async () => {
    const { validateManifest } = await import('../../../src/model/manifest.ts');
    const { validManifest } = await import('./fixtures.ts');
    const good = { ...validManifest(), grammarSpec: fixture.specs['scenes-v2'] };
    expect(validateManifest(good, 'm.json').grammarSpec?.maxObjects).toBe(3);
    expect(validateManifest(validManifest(), 'm.json').grammarSpec).toBeUndefined();
    expect(() =>
      validateManifest({ ...validManifest(), grammarSpec: { colours: 1 } }, 'm.json'),
    ).toThrow(/grammarSpec/);
  });
});

describe('shipped packages', () => {
  const index = JSON.parse(readFileSync('public/models/index.json', 'utf8')) as {
    models: { name: string }[];
  };
  it.each(index.models.map((m) => m.name))(
    '%s offers examples inside its own grammar (a v2 package its own)',
    (name) => {
      const manifest = JSON.parse(
        readFileSync(`public/models/${name}/manifest.json`, 'utf8'),
      ) as unknown;
      const spec = grammarSpecOf(manifest) ?? v1;
      const own = (manifest as { examples?: string[] }).examples;
      if (spec.version === 2) expect(own?.length, 'examples').toBeGreaterThan(3);
      for (const prompt of examplesFor(manifest as { examples?: string[] }))
        expect(text(prompt, spec), prompt).toBe('');
    },
  );
});
