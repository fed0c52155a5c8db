/**
 * The wordlight CLI end to end (a real process via bin/wordlight.js) and its bad-input handling
 * (in-process through main(), plus real processes for exit codes and the no-stack-trace rule).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../../src/attention/npy.ts';
import type { ModelManifest } from '../../../src/core/manifest-types.ts';
import { capture } from './capture.ts';

const run = promisify(execFile);
let out = '';

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'wl-cli-'));
});
afterAll(async () => rm(out, { recursive: true, force: true }));

/** Runs bin/wordlight.js; never rejects, returns code and output. */
async function wordlight(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['bin/wordlight.js', ...args], { timeout: 110_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

async function npy(path: string) {
  return decodeNpy(new Uint8Array(await readFile(path)));
}

describe('wordlight generate (process)', () => {
  it('writes image.png, words.json, heatmaps.npy, attention/*.npy and record.json', async () => {
    const dir = join(out, 'one');
    const r = await wordlight([
      'generate',
      '--prompt',
      'a red circle on the left and a crimson square',
      '--seed',
      '5',
      '--steps',
      '3',
      '--out',
      dir,
    ]);
    // The second object has no position: the grammar check warns (one line) and generates anyway.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^warning: .* is outside model scenes's grammar: an object without a position/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not in vocabulary: crimson');

    const png = await readFile(join(dir, 'image.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(32); // IHDR width
    expect(png.readUInt32BE(20)).toBe(32); // IHDR height

    const words = JSON.parse(await readFile(join(dir, 'words.json'), 'utf8')) as {
      words: { word: string; token: string; inVocab: boolean }[];
    };
    expect(words.words.map((w) => w.word)).toEqual([
      'a',
      'red',
      'circle',
      'on',
      'the',
      'left',
      'and',
      'a',
      'crimson',
      'square',
    ]);
    expect(words.words[8]).toEqual({ word: 'crimson', token: '<unk>', inVocab: false });

    const heat = await npy(join(dir, 'heatmaps.npy'));
    expect(heat.shape).toEqual([10, 32, 32]); // [words, H, W]
    const first = heat.data.subarray(0, 1024);
    expect(Math.min(...first)).toBeCloseTo(0, 5);
    expect(Math.max(...first)).toBeCloseTo(1, 5);

    // one file per attention output of the manifest, [steps, heads, h*w, T]
    const manifest = JSON.parse(
      await readFile('public/models/scenes/manifest.json', 'utf8'),
    ) as ModelManifest;
    const files = (await readdir(join(dir, 'attention'))).sort();
    expect(files).toEqual(manifest.attention.map((a) => `${a.output}.npy`).sort());
    for (const a of manifest.attention) {
      const [h, w] = a.resolution;
      expect((await npy(join(dir, 'attention', `${a.output}.npy`))).shape).toEqual([
        3,
        a.heads,
        h * w,
        20,
      ]);
    }

    const record = JSON.parse(await readFile(join(dir, 'record.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(record).toMatchObject({
      prompt: 'a red circle on the left and a crimson square',
      seed: 5,
      settings: { steps: 3, guidance: 4 },
      model: { name: 'scenes' },
      ep: { name: 'wasm' },
    });
    expect((record.timings as { stepMs: number[] }).stepMs).toHaveLength(3);
  }, 120_000);

  it.each([
    [['generate', '--prompt', '   ', '--out', 'x'], /Prompt is empty/],
    [
      ['generate', '--prompt', 'a red circle', '--steps', '10000', '--out', 'x'],
      /Steps must be a whole number from 1 to 200 \(got 10000\)/,
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--model', '/nonexistent'],
      /manifest\.json: file not found/,
    ],
  ])(
    'exits non-zero with one line for %j',
    async (args, pattern) => {
      const r = await wordlight(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    120_000,
  );
});

describe('wordlight (in process)', () => {
  it.each([
    [[], /Usage/, 'log'],
    [['paint'], /unknown command "paint"/, 'err'],
    [['generate', '--out', 'x'], /missing --prompt/, 'err'],
    [['generate', '--prompt', 'a red circle'], /missing --out/, 'err'],
    [['generate', '--prompt', 'a', '--prompts', 'f', '--out', 'x'], /not both/, 'err'],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--steps', 'ten'],
      /--steps must be a whole number \(got "ten"\)/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--steps', '0'],
      /Steps must be a whole number from 1 to 200 \(got 0\)/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--guidance', '-1'],
      /Guidance must be a number from 0 to 30/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--guidance', '1e400'],
      /--guidance must be a number/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--seed', '-3'],
      /Seed must be a whole number from 0/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--ep', 'webgpu'],
      /--ep must be wasm or cpu/,
      'err',
    ],
    [
      ['generate', '--prompt', 'a red circle', '--out', 'x', '--colour', 'red'],
      /Unknown option '--colour'/,
      'err',
    ],
    [
      ['generate', '--prompts', '/nonexistent/prompts.txt', '--out', 'x'],
      /cannot read --prompts file/,
      'err',
    ],
  ])('%j fails with one line', async (args, pattern, stream) => {
    const r = await capture(args);
    expect(r.code).not.toBe(0);
    const text = stream === 'log' ? r.log : r.err;
    expect(text).toMatch(pattern);
    if (stream === 'err') expect(text.split('\n')).toHaveLength(1);
  });

  it('--prompts writes 000/, 001/ with seed + index, and names a bad line before any output', async () => {
    const file = join(out, 'prompts.txt');
    await writeFile(file, 'a red circle\n\na blue square on the right\n');
    const dir = join(out, 'many');
    const r = await capture([
      'generate',
      '--prompts',
      file,
      '--seed',
      '10',
      '--steps',
      '2',
      '--out',
      dir,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['000', '001']);
    const seeds = await Promise.all(
      ['000', '001'].map(
        async (d) =>
          JSON.parse(await readFile(join(dir, d, 'record.json'), 'utf8')) as {
            seed: number;
            prompt: string;
          },
      ),
    );
    expect(seeds.map((s) => [s.seed, s.prompt])).toEqual([
      [10, 'a red circle'],
      [11, 'a blue square on the right'],
    ]);

    await writeFile(file, 'a red circle\ncrimson hexagon\n');
    const bad = await capture([
      'generate',
      '--prompts',
      file,
      '--steps',
      '2',
      '--out',
      join(out, 'bad'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /prompts\.txt prompt 2: None of the prompt's words are in the model's vocabulary \("crimson", "hexagon"\)/,
    );
    await expect(readdir(join(out, 'bad'))).rejects.toThrow();
  }, 120_000);
});
