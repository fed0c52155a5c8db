/**
 * `wordlight generate --weight` and `wordlight edit` in process (real engine, real files) and their
 * bad input: one line, non-zero exit, nothing written.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeV1Package } from '../model/v1-package.ts';
import { capture, expectRefused } from './capture.ts';

let out = '';
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'wl-edit-'));
});
afterAll(async () => rm(out, { recursive: true, force: true }));

const SOURCE = 'a big red triangle on the left and a small blue circle on the right';
const TARGET = 'a big red square on the left and a small blue circle on the right';

describe('wordlight edit', () => {
  it('writes source/, edited/, diff.png and edit.json', async () => {
    const dir = join(out, 'swap');
    const r = await capture([
      'edit',
      '--prompt',
      SOURCE,
      '--to',
      TARGET,
      '--inject',
      '0.5',
      '--seed',
      '3',
      '--steps',
      '6',
      '--out',
      dir,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['diff.png', 'edit.json', 'edited', 'source']);
    for (const sub of ['source', 'edited']) {
      expect((await readdir(join(dir, sub))).sort()).toEqual([
        'attention',
        'heatmaps.npy',
        'image.png',
        'record.json',
        'words.json',
      ]);
    }
    const e = JSON.parse(await readFile(join(dir, 'edit.json'), 'utf8')) as {
      alignment: { mode: string; tokens: { token: string; sourceToken: string | null }[] };
      injection: { fraction: number; injectedSteps: number };
      words: { word: string; sourceWord: string | null; iou: number | null }[];
      image: { changedPixelShare: number };
    };
    expect(e.alignment.mode).toBe('swap');
    expect(e.alignment.tokens[4]).toMatchObject({ token: 'square', sourceToken: 'triangle' });
    expect(e.injection).toMatchObject({ fraction: 0.5, injectedSteps: 3 });
    expect(e.words.find((w) => w.word === 'square')?.sourceWord).toBe('triangle');
    expect(e.image.changedPixelShare).toBeGreaterThan(0);
    const png = await readFile(join(dir, 'diff.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('generate --weight records the weight and changes the image', async () => {
    const a = join(out, 'w1');
    const b = join(out, 'w0');
    const args = ['generate', '--prompt', SOURCE, '--seed', '2', '--steps', '4', '--out'];
    expect((await capture([...args, a])).code).toBe(0);
    expect((await capture([...args, b, '--weight', 'red=0', '--weight', 'blue=2'])).code).toBe(0);
    const rec = JSON.parse(await readFile(join(b, 'record.json'), 'utf8')) as {
      settings: { weights: Record<string, number> };
    };
    expect(rec.settings.weights).toEqual({ red: 0, blue: 2 });
    expect(
      Buffer.compare(await readFile(join(a, 'image.png')), await readFile(join(b, 'image.png'))),
    ).not.toBe(0);
  }, 120_000);

  it.each([
    [['--weight', 'red=4'], /Weight of "red" must be from 0 to 3/],
    [['--weight', 'red=lots'], /factor must be a number/],
    [['--weight', 'red'], /--weight must be WORD=FACTOR/],
    [['--weight', 'purple=2'], /Cannot weigh "purple": it is not a word of the prompt/],
  ])(
    'generate %j: one line, exit ≠ 0, nothing written',
    async (extra, pattern) => {
      const dir = join(out, 'bad-weight');
      const args = ['generate', '--prompt', SOURCE, '--steps', '2', '--out', dir, ...extra];
      await expectRefused(args, dir, pattern);
    },
    60_000,
  );

  it.each([
    [['--to', 'a big red dragon on the left', '--inject', '1'], /does not know \("dragon"\)/],
    [['--to', 'green square', '--inject', '1'], /cannot be aligned/],
    [['--to', TARGET, '--inject', '2'], /Injection must be a number from 0 to 1/],
    [['--to', TARGET, '--inject', 'half'], /--inject must be a number/],
    [['--to', TARGET], /missing --inject/],
  ])(
    'edit %j: one line, exit ≠ 0, nothing written',
    async (extra, pattern) => {
      const dir = join(out, 'bad-edit');
      await expectRefused(
        ['edit', '--prompt', SOURCE, '--steps', '2', '--out', dir, ...extra],
        dir,
        pattern,
      );
    },
    60_000,
  );

  it.each([
    [['edit', '--prompt', SOURCE, '--to', TARGET, '--inject', '1']],
    [['generate', '--prompt', SOURCE, '--weight', 'red=2']],
  ])(
    '%j on a model without control inputs: one line saying why, exit ≠ 0, nothing written',
    async (args) => {
      const model = join(out, 'v1-model');
      if (!existsSync(model)) {
        await mkdir(model);
        writeV1Package(model);
      }
      const dir = join(out, 'v1-out');
      await expectRefused(
        [...args, '--steps', '2', '--model', model, '--out', dir],
        dir,
        /has no attention-control inputs \(model contract v1\)/,
      );
    },
    60_000,
  );
});
