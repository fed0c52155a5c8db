/** Test helper: runs the wordlight CLI in process (main()) and captures what it printed. */
import { vi } from 'vitest';
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
