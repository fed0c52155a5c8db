/** Runs wasm-child.ts in a fresh Node process (see there for why) and reads its results. */
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmProfile } from './profile.ts';
import type { WasmChildArgs, WasmChildResult } from './wasm-child.ts';

const CHILD = fileURLToPath(new URL('./wasm-child.ts', import.meta.url));

export async function runWasmChild(args: Omit<WasmChildArgs, 'out'>): Promise<WasmChildResult> {
  const dir = await mkdtemp(join(tmpdir(), 'wordlight-bench-'));
  const out = join(dir, 'result.json');
  const stdoutPath = join(dir, 'stdout.txt');
  // The child's stdout (ORT's WASM profiler trace, ~0.5 MB) goes to a file, not a pipe: the WASM
  // module writes it with blocking writes to fd 1, which can stall on a full pipe.
  const stdout = await open(stdoutPath, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, JSON.stringify({ ...args, out })],
        {
          stdio: ['ignore', stdout.fd, 'inherit'],
        },
      );
      // If the bench itself is interrupted, take the child down with it (never leave one running).
      const stop = (signal: NodeJS.Signals): void => {
        child.kill('SIGKILL');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      child.on('error', reject);
      child.on('exit', (code) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(code);
      });
    });
    if (code !== 0)
      throw new Error(`the ${args.threads}-thread bench process exited with code ${code}`);
    const result = JSON.parse(await readFile(out, 'utf8')) as WasmChildResult;
    if (args.profileRuns)
      result.wasmProfile = wasmProfile(await readFile(stdoutPath, 'utf8'), args.profileRuns);
    return result;
  } finally {
    await stdout.close();
    await rm(dir, { recursive: true, force: true });
  }
}
