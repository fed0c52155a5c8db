/**
 * The CLI's file handling as a real process (bin/wordlight.js): writes go through symlinks (the
 * link stays a link), non-regular targets like /dev/full are refused before any model work,
 * missing or unwritable directories get a named one-line error, `--out -` streams to stdout, the
 * default model is found from any working directory, and exit codes are the documented ones.
 */
import { execFile, spawn } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = resolve('bin/wordlight.js');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wl-files-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function wordlight(
  args: string[],
  cwd = process.cwd(),
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd,
      timeout: 110_000,
      encoding: 'buffer',
      maxBuffer: 64 * 2 ** 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr.toString() };
  } catch (e) {
    const err = e as { code?: number; stdout?: Buffer; stderr?: Buffer };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? Buffer.alloc(0),
      stderr: err.stderr?.toString() ?? '',
    };
  }
}

const PNG = ['export', '--prompt', 'a red circle on the left', '--format', 'png', '--steps', '2'];
const isPng = (b: Buffer) => b.subarray(0, 4).toString('latin1') === '\x89PNG';
const oneLine = (s: string) => s.trim().split('\n');

describe('wordlight file writes', () => {
  it('writes through a symlink: the link stays a link, its target gets the file', async () => {
    const target = join(dir, 'target.png');
    const link = join(dir, 'link.png');
    await writeFile(target, 'old');
    await symlink(target, link);
    const r = await wordlight([...PNG, '--out', link]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(isPng(await readFile(target))).toBe(true);
  }, 120_000);

  // A FIFO in a temporary directory stands in for /dev/full: a regression must not be able to
  // replace a real device node on the test machine (as root the old code did exactly that).
  it('refuses a non-regular target (a named pipe, a directory), before any model work', async () => {
    const fifo = join(dir, 'pipe');
    await run('mkfifo', [fifo]);
    const t0 = Date.now();
    const r = await wordlight([...PNG, '--out', fifo]);
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toEqual([
      `wordlight export: cannot write ${fifo}: it is a named pipe, not a regular file; give a file path, or - for stdout`,
    ]);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const d = await wordlight([...PNG, '--out', dir]);
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(/it is a directory, not a regular file/);
  }, 60_000);

  it('names a missing directory and an existing file where a directory is needed', async () => {
    const missing = await wordlight([...PNG, '--out', join(dir, 'no/such/dir/x.png')]);
    expect(missing.code).toBe(3);
    expect(oneLine(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toMatch(
      /cannot write .*x\.png: directory .*no\/such\/dir does not exist/,
    );
    expect(missing.stderr).not.toMatch(/unexpected|ENOENT/);

    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const gen = await wordlight([
      'generate',
      '--prompt',
      'a red circle',
      '--steps',
      '1',
      '--out',
      file,
    ]);
    expect(gen.code).toBe(3);
    expect(gen.stderr).toMatch(/cannot write .*a-file: it is a file, not a directory/);
  }, 60_000);

  it('names an unwritable directory', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o500 });
    const r = await wordlight([...PNG, '--out', join(locked, 'x.png')]);
    // root can write anywhere: then the write succeeds, which is also not a silent failure.
    if (process.getuid?.() === 0) expect(r.code).toBe(0);
    else {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/cannot write .*x\.png: permission denied/);
    }
  }, 120_000);

  it('--out - writes the file to stdout', async () => {
    const r = await wordlight([...PNG, '--out', '-']);
    expect(r.code).toBe(0);
    expect(isPng(r.stdout)).toBe(true);
    expect(r.stderr).toMatch(/^-: png, \d+ KB in \d+ ms\n$/);
  }, 120_000);

  it('--out - into a reader that stops early (| head -c 8) exits 3 quietly, no stack trace', async () => {
    // 1024-px cells: a PNG of ~0.5 MB, far over what the pipe (64 KB) and this reader's stream buffer
    // can absorb before destroy(), so the write must meet the closed pipe. (At the default size the
    // PNG was ~154 KB and, on a loaded machine, sometimes fitted: the CLI then finished normally.)
    const child = spawn(process.execPath, [BIN, ...PNG, '--size', '1024', '--out', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const head = await new Promise<Buffer>((res) =>
      child.stdout.once('readable', () => {
        const first = child.stdout.read(8) as Buffer | null;
        child.stdout.destroy(); // what `head -c 8` does after its 8 bytes
        res(first ?? Buffer.alloc(0));
      }),
    );
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(isPng(head)).toBe(true);
    expect(stderr).toBe('');
    expect(code).toBe(3);
  }, 120_000);

  it('finds the default model from any working directory', async () => {
    const out = join(dir, 'elsewhere');
    const r = await wordlight(
      ['generate', '--prompt', 'a red circle', '--steps', '1', '--out', out],
      tmpdir(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(isPng(await readFile(join(out, 'image.png')))).toBe(true);
  }, 120_000);

  it('refuses --word flags the format would drop', async () => {
    const r = await wordlight([
      ...PNG,
      '--word',
      'red',
      '--word',
      'circle',
      '--word',
      'left',
      '--out',
      join(dir, 'w.png'),
    ]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /png shows one word \(two with --mode compare\); got 3: red, circle, left/,
    );
    const zip = await wordlight([
      'export',
      '--prompt',
      'a red circle',
      '--format',
      'zip',
      '--word',
      'red',
      '--out',
      join(dir, 'w.zip'),
    ]);
    expect(zip.code).toBe(2);
    expect(zip.stderr).toMatch(/zip holds every word; drop --word/);
  }, 60_000);

  it('documents the exit codes in --help', async () => {
    const r = await wordlight(['--help']);
    const text = r.stdout.toString();
    expect(r.code).toBe(0);
    for (const line of [
      /0\s+success/,
      /1\s+.*model/,
      /2\s+.*usage/i,
      /3\s+.*file/,
      /130\s+.*cancel/i,
    ]) {
      expect(text).toMatch(line);
    }
  });
});
