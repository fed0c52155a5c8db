/**
 * No source file over 350 lines (the house rule, docs/ARCHITECTURE.md): past that a file usually holds
 * more than one idea and is split into modules that each do one. Counts every source file of the app,
 * the CLI, the scripts, the shaders, the tests and the training recipe; data (test/fixtures/, public/,
 * training/base/) is not source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 350;
const root = resolve(import.meta.dirname, '../../..');
const ROOTS = ['src', 'scripts', 'shaders', 'test', 'training', 'bin'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|svelte|py|glsl|sh|css|html)$/;
const NOT_SOURCE = new Set([
  'test/fixtures',
  'training/base',
  'training/runs',
  'node_modules',
  '__pycache__',
]);

/** Source files under dir, as paths relative to the repository root. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const rel = relative(root, path);
    if (NOT_SOURCE.has(rel) || NOT_SOURCE.has(e.name)) continue;
    if (e.isDirectory()) out.push(...sourceFiles(path));
    else if (e.isFile() && SOURCE.test(e.name)) out.push(rel);
  }
  return out;
}

/** Lines as an editor numbers them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const files = [
  ...ROOTS.flatMap((d) => sourceFiles(join(root, d))),
  ...readdirSync(root).filter((n) => SOURCE.test(n)),
];

describe(`no source file over ${MAX_LINES} lines`, () => {
  it('finds the sources it is meant to check', () => {
    // A walk that silently found nothing would pass; these must be among what it reads.
    for (const f of [
      'src/main.ts',
      'src/App.svelte',
      'scripts/rooms.js',
      'training/train.py',
      'test/browser/harness.ts',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => f.startsWith('test/fixtures/'))).toBe(false);
  });

  it('counts lines as wc -l does for a file with a final newline', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('a\n'.repeat(351))).toBe(351);
  });

  it(`every file has at most ${MAX_LINES} lines`, () => {
    const over = files
      .map((f) => ({ f, n: lineCount(readFileSync(join(root, f), 'utf8')) }))
      .filter(({ n }) => n > MAX_LINES)
      .map(({ f, n }) => `${f}: ${n} lines`);
    expect(over).toEqual([]);
  });
});
