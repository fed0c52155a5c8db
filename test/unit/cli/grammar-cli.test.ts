/**
 * The CLI flags a prompt outside the model's grammar before generating (stderr, and record.json's
 * outsideGrammar), and still generates it. The package is the shipped scenes model with the grammarSpec
 * its export writes (test/fixtures/grammar.json, from training/scenes.py), so the test does not depend
 * on which export the shipped manifest came from.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let tmp = '';
let pkg = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'wl-grammar-'));
  pkg = join(tmp, 'scenes');
  await cp('public/models/scenes', pkg, { recursive: true });
  const fixture = JSON.parse(await readFile('test/fixtures/grammar.json', 'utf8')) as {
    specs: Record<string, unknown>;
  };
  const man = JSON.parse(await readFile(join(pkg, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  man.grammarSpec = fixture.specs.scenes;
  await writeFile(join(pkg, 'manifest.json'), JSON.stringify(man));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

async function generate(prompt: string, out: string): Promise<{ stdout: string; stderr: string }> {
  const args = [
    'bin/wordlight.js',
    'generate',
    '--model',
    pkg,
    '--prompt',
    prompt,
    '--steps',
    '2',
    '--out',
    out,
  ];
  return run(process.execPath, args, { timeout: 110_000 });
}

describe('wordlight generate and the model grammar', () => {
  it('says a three-object prompt is outside a two-object model, what to do instead, and still generates', async () => {
    const out = join(tmp, 'three');
    const prompt =
      'a red circle on the left, a blue square in the center and a green triangle on the right';
    const r = await generate(prompt, out);
    expect(r.stderr).toContain(
      `"${prompt}" is outside model scenes's grammar: 3 objects: this model draws at most 2`,
    );
    expect(r.stderr).toContain(
      'Instead: keep two: “a red circle on the left and a blue square on the right”',
    );
    const record = JSON.parse(await readFile(join(out, 'record.json'), 'utf8')) as {
      outsideGrammar: { problem: string }[];
      words: unknown[];
    };
    expect(record.outsideGrammar).toHaveLength(1);
    expect(record.words).toHaveLength(19); // nothing cut: every word is still in the record
  });

  it('is silent for a prompt inside the grammar', async () => {
    const r = await generate(
      'a red circle on the left and a blue square on the right',
      join(tmp, 'ok'),
    );
    expect(r.stderr).toBe('');
  });
});
