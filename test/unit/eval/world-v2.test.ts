/**
 * The TypeScript checker of world v2's set against the Python one (training/checker_v2.py) on the same clean
 * renders (test/fixtures/world-v2-renders.json, written by training/world_v2_fixture.py): the true
 * caption and a wrong one (first object's shape changed) per image, every category.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captionWords, checkV2, summariseV2 } from '../../../src/cli/eval/world-v2-score.ts';
import { coverage, type V2Scene } from '../../../src/cli/eval/world-v2.ts';
import type { V2PromptFile } from '../../../src/cli/eval/world-v2-run.ts';

const file = JSON.parse(readFileSync('eval/prompts-v2.json', 'utf8')) as V2PromptFile;
const world = file.world;
interface Sample {
  category: string;
  caption: string;
  scene: V2Scene;
  wrong: V2Scene;
  image: string;
  python: { all_right: boolean; relation: boolean | null; background: boolean };
  pythonWrong: { all_right: boolean; relation: boolean | null; background: boolean };
}
const samples = (
  JSON.parse(readFileSync('test/fixtures/world-v2-renders.json', 'utf8')) as { samples: Sample[] }
).samples;
const image = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return { width: 32, height: 32, data: Float32Array.from(bytes, (v) => v / 255) };
};

describe('world v2 checker (TypeScript) agrees with training/eval_v2.py', () => {
  it('on the true and a wrong caption of clean renders of every category', () => {
    let agree = 0;
    const cats = new Set<string>();
    for (const s of samples) {
      cats.add(s.category);
      const img = image(s.image);
      const t = checkV2(img, s.scene, world);
      const w = checkV2(img, s.wrong, world);
      expect(w.allRight, `wrong caption accepted: ${s.caption}`).toBe(false);
      if (t.allRight === s.python.all_right && w.allRight === s.pythonWrong.all_right) agree++;
      expect(t.background).toBe(s.python.background);
      if (s.scene.form === 'relation') expect(t.relation).toBe(s.python.relation);
    }
    expect(cats).toEqual(new Set(file.categories));
    expect(agree / samples.length).toBeGreaterThanOrEqual(0.97);
    const right = samples.filter((s) => checkV2(image(s.image), s.scene, world).allRight).length;
    expect(right / samples.length).toBeGreaterThanOrEqual(0.9);
  });

  it('writes the captions training writes', () => {
    for (const p of file.prompts) {
      expect(
        captionWords(p.scene, world)
          .map((w) => w.word)
          .join(' '),
      ).toBe(p.caption.replace(',', ''));
    }
  });

  it('renders shapes with the area training measured', () => {
    for (const shape of world.shapes) {
      const cov = coverage(shape, 16, 16, 5, 32);
      const area = cov.reduce((a, b) => a + b, 0) / 25;
      expect(area, shape).toBeCloseTo(world.geometry[shape]![0], 1);
    }
  });

  it('summarises per category with the position, relation and background rows', () => {
    const rows = [
      {
        category: 'relation',
        heldOut: true,
        allRight: true,
        relation: true,
        background: true,
        ious: [['relation', 0.5]] as [string, number][],
      },
      {
        category: 'single',
        heldOut: false,
        allRight: false,
        relation: null,
        background: true,
        ious: [['position_region', 0.25]] as [string, number][],
      },
    ];
    const s = summariseV2(rows, file.categories);
    expect(s.relation).toBe(1);
    expect(s.single).toBe(0);
    expect(s.heldOut).toBe(1);
    expect(s.miou_relation).toBe(0.5);
    expect(s.miou_position_region).toBe(0.25);
    expect(s.triple).toBeNull();
  });
});
