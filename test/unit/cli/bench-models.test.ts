import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listedModelDirs } from '../../../src/cli/bench/model-dirs.ts';
import {
  MODEL_BENCH_SETTINGS,
  modelRows,
  type ModelsBench,
} from '../../../src/cli/bench/models.ts';

describe('per-model cost rows', () => {
  const bench = (ratios: number[]): ModelsBench => ({
    threads: 2,
    settings: MODEL_BENCH_SETTINGS,
    models: [
      { name: 'scenes', dir: 'a', ms: [100, 110, 90], ratios: [1, 1, 1] },
      { name: 'scenes-v2', dir: 'b', ms: ratios.map((r) => r * 100), ratios },
    ],
  });

  it('gives one row per later model: the median per-round ratio against the 1.5x budget', () => {
    const [row, ...more] = modelRows(bench([1.2, 1.6, 1.1]));
    expect(more).toEqual([]);
    expect(row?.id).toBe('model-cost/scenes-v2/generation/wasm-2t');
    expect(row?.median).toBe(1.2);
    expect(row?.target).toBe(1.5);
    expect(row?.ratio).toBeCloseTo(0.8);
    expect(row?.extra?.baseline).toBe('scenes');
  });

  it('marks a model over budget as a miss (ratio > 1)', () => {
    expect(modelRows(bench([1.7, 1.8, 1.9]))[0]?.ratio).toBeGreaterThan(1);
  });

  it('has no rows for one model', () => {
    expect(modelRows({ ...bench([1]), models: bench([1]).models.slice(0, 1) })).toEqual([]);
    expect(modelRows(null)).toEqual([]);
  });
});

describe('listedModelDirs', () => {
  it("lists index.json's packages in order when the benched model is one of them", async () => {
    const root = await mkdtemp(join(tmpdir(), 'wl-models-'));
    await mkdir(join(root, 'scenes'));
    await writeFile(
      join(root, 'index.json'),
      JSON.stringify({ default: 'scenes', models: [{ name: 'scenes' }, { name: 'scenes-v2' }] }),
    );
    expect(await listedModelDirs(join(root, 'scenes'))).toEqual([
      join(root, 'scenes'),
      join(root, 'scenes-v2'),
    ]);
    expect(await listedModelDirs(join(root, 'other'))).toEqual([join(root, 'other')]);
  });

  it('benches a model alone when there is no index', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wl-models-'));
    expect(await listedModelDirs(join(root, 'x'))).toEqual([join(root, 'x')]);
  });

  it('lists the shipped packages', async () => {
    const dirs = await listedModelDirs('public/models/scenes');
    expect(dirs[0]).toMatch(/public\/models\/scenes$/);
  });
});
