/**
 * `wordlight export` end to end on the real model package (public/models/scenes): the command as a
 * person runs it, the files decoded back, bad input refused in one line, and a cancelled export
 * leaving no file behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExportArgs, runCliExport } from '../../../src/cli/export.ts';
import { ExportCancelledError } from '../../../src/export/errors.ts';
import { decodeGif, decodePng, savePng } from '../export/helpers.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'wordlight-export-'));
const PROMPT = 'a red circle on the left and a blue square on the right';
const HAVE_MODEL = existsSync('public/models/scenes/manifest.json');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['bin/wordlight.js', 'export', ...args],
      {
        encoding: 'utf8',
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('wordlight export: bad input (no model work)', () => {
  it('names the accepted sizes and formats', () => {
    expect(() =>
      parseExportArgs(['--prompt', 'a', '--format', 'gif', '--size', '300', '--out', 'x']),
    ).toThrow('Unsupported size "300": use one of 256, 512, 1024.');
    expect(() => parseExportArgs(['--prompt', 'a', '--format', 'mp4', '--out', 'x'])).toThrow(
      'Unsupported format "mp4": use one of gif, png, poster, zip.',
    );
    expect(() => parseExportArgs(['--prompt', 'a', '--format', 'gif'])).toThrow(/missing --out/);
  });

  it('poster cells default to 256 px, as the app\'s "Cells 256 px"; scale and words are checked', () => {
    const o = parseExportArgs(['--prompt', 'a', '--format', 'poster', '--out', 'x.svg']);
    expect(o !== 'help' && [o.size, o.scale, o.wordSet]).toEqual([256, 'shared', 'content']);
    expect(() =>
      parseExportArgs(['--prompt', 'a', '--format', 'poster', '--out', 'x', '--scale', 'global']),
    ).toThrow('--scale must be one of word, shared (got "global").');
    expect(() =>
      parseExportArgs([
        '--prompt',
        'a red',
        '--format',
        'poster',
        '--out',
        'x',
        '--word',
        'red',
        '--words',
        'all',
      ]),
    ).toThrow('use --word W… or --words content|all, not both.');
  });
});

describe.skipIf(!HAVE_MODEL)('wordlight export on the real model', () => {
  it('writes a GIF with one frame per step at the size asked for', async () => {
    const out = join(dir, 'red.gif');
    const r = await cli(
      '--prompt',
      PROMPT,
      '--word',
      'red',
      '--steps',
      '5',
      '--format',
      'gif',
      '--size',
      '256',
      '--out',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/red\.gif: gif, 5 frames/);
    const gif = decodeGif(readFileSync(out));
    expect(gif.frames).toHaveLength(5);
    expect([gif.width, gif.height]).toEqual([256, 256]);
    savePng('cli-export-gif-last-frame.png', gif.frames[4] ?? new Uint8ClampedArray(), 256, 256);
  });

  it('refuses a word that is not in the prompt, listing the prompt words, exit ≠ 0, no file', async () => {
    const out = join(dir, 'nope.gif');
    const r = await cli(
      '--prompt',
      PROMPT,
      '--word',
      'triangle',
      '--steps',
      '2',
      '--format',
      'gif',
      '--out',
      out,
    );
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'wordlight export: "triangle" is not a word of the prompt; its words are: a, red, circle, on, the, left, and, blue, square, right.',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unsupported size with the accepted values, exit ≠ 0', async () => {
    const r = await cli(
      '--prompt',
      PROMPT,
      '--format',
      'png',
      '--size',
      '2048',
      '--out',
      join(dir, 'x.png'),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(
      'wordlight export: Unsupported size "2048": use one of 256, 512, 1024.',
    );
  });

  it('writes a poster and a data zip numpy can index', async () => {
    const poster = await runCliExport(parse('poster', join(dir, 'poster.png'), ['--size', '256']));
    const png = decodePng(readFileSync(poster.file));
    expect(png.width).toBeGreaterThan(5 * 256); // image + 3 steps + cumulative, 256-px cells
    savePng('cli-export-poster.png', png.rgba, png.width, png.height);

    const zip = await runCliExport(parse('zip', join(dir, 'data.zip'), []));
    const entries = unzipSync(readFileSync(zip.file));
    const index = JSON.parse(strFromU8(entries['index.json'] ?? new Uint8Array())) as {
      files: { path: string; shape: number[] }[];
    };
    const attn = index.files.find((f) => f.path === 'attention/attn_down_1_0.npy');
    expect(attn?.shape).toEqual([3, 4, 256, 20]);
  });

  it('names a poster written into a directory after prompt, seed, words and step; writes SVG for *.svg', async () => {
    const sub = join(dir, 'posters');
    mkdirSync(sub);
    const named = await runCliExport(parse('poster', `${sub}/`, ['--seed', '7']));
    expect(named.file).toBe(
      join(sub, 'wordlight-a-red-circle-on-the-left-s7-content-words-poster-3steps.png'),
    );
    expect(decodePng(readFileSync(named.file)).width).toBeGreaterThan(5 * 256);

    const svg = await runCliExport(parse('poster', join(sub, 'fig.svg'), ['--seed', '7']));
    const text = readFileSync(svg.file, 'utf8');
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text).toContain('“a red circle on the left and a blue square on the right”');
    // Content words red, circle, left, blue, square, right: the image once + 6 rows × (3 steps + all).
    expect(text.match(/<image /g)).toHaveLength(1 + 6 * 4);
    expect(text).toContain('Scale: Shared');
    expect(text).toMatch(/seed 7 · 3 steps/);

    const perWord = await runCliExport(
      parse('poster', join(sub, 'word.svg'), ['--seed', '7', '--scale', 'word', '--words', 'all']),
    );
    const t2 = readFileSync(perWord.file, 'utf8');
    expect(t2).toContain('Scale: Per word');
    // Every word: 13 rows.
    expect(t2.match(/<image /g)).toHaveLength(1 + 13 * 4);
  });

  it('--mode compare: PNG, GIF and poster carry the Compare key in colours chosen against the image', async () => {
    const pair = ['--mode', 'compare', '--word', 'red', '--word', 'blue', '--seed', '3'];
    // magenta / green: the example's red and blue objects rule out orange / azure.
    const want = [
      [230, 26, 204],
      [51, 191, 26],
    ];
    const svg = readFileSync(
      (await runCliExport(parse('poster', join(dir, 'pair.svg'), pair))).file,
      'utf8',
    );
    expect(svg).toContain('>red + blue</text>');
    expect(svg).toContain('>Compare key</text>');
    expect(svg).toMatch(/>overlap \(IoU of τ-masks, τ = 0\.40\): \d\.\d\d<\/text>/);
    expect([...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1])).toEqual([
      '#ffffff',
      '#e61acc',
      '#33bf1a',
    ]);
    for (const format of ['png', 'gif'] as const) {
      const out = await runCliExport(parse(format, join(dir, `pair.${format}`), pair));
      const bytes = readFileSync(out.file);
      const frame =
        format === 'png'
          ? decodePng(bytes)
          : (({ width, height, frames }) => ({ width, height, rgba: frames.at(-1)! }))(
              decodeGif(bytes),
            );
      // 512² image + the key strip below it.
      expect(frame.width).toBe(512);
      expect(frame.height).toBeGreaterThan(512 + 40);
      if (format === 'png')
        savePng('cli-export-compare.png', frame.rgba, frame.width, frame.height);
      // Both swatch colours are in the strip (a GIF's palette may move them a little).
      for (const c of want) {
        let found = 0;
        for (let i = 512 * 512 * 4; i < frame.rgba.length; i += 4) {
          const d = Math.max(...c.map((v, k) => Math.abs(v - frame.rgba[i + k]!)));
          if (d <= (format === 'png' ? 1 : 12)) found++;
        }
        expect(found, `${format}: pixels of ${c} in the strip`).toBeGreaterThan(100);
      }
    }
  });

  it('a cancelled export leaves no file and no partial file', async () => {
    const out = join(dir, 'cancelled.gif');
    const controller = new AbortController();
    const opts = parse('gif', out, ['--word', 'blue']);
    const running = runCliExport(opts, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 3) controller.abort();
      },
    });
    await expect(running).rejects.toBeInstanceOf(ExportCancelledError);
    expect(readdirSync(dir).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  });
});

function parse(format: string, out: string, extra: string[]) {
  const o = parseExportArgs([
    '--prompt',
    PROMPT,
    '--steps',
    '3',
    '--format',
    format,
    '--out',
    out,
    ...extra,
  ]);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}
