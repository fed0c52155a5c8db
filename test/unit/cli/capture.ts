/** Test helpers: run the wordlight CLI in process (main()) and capture what it printed. */
import { existsSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';

export async function capture(args: string[]): Promise<{ code: number; err: string; log: string }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await main(args);
    return {
      code,
      err: err.mock.calls.map((c) => c.join(' ')).join('\n'),
      log: log.mock.calls.map((c) => c.join(' ')).join('\n'),
    };
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
}

/** The command is refused: exit code ≠ 0, one line on stderr matching `said`, `dir` not created. */
export async function expectRefused(args: string[], dir: string, said: RegExp): Promise<void> {
  const r = await capture(args);
  expect(r.code).not.toBe(0);
  expect(r.err.split('\n')).toHaveLength(1);
  expect(r.err).toMatch(said);
  expect(existsSync(dir)).toBe(false);
}
