// The browser bench stops the browsers that are not being timed (src/cli/bench/pause.ts): a whole
// process tree must stop and come back, also when the timed work throws.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { supported, whilePaused } from '../../../src/cli/bench/pause.ts';

/** Scheduler state of a process ('S' sleeping, 'T' stopped, …). */
const state = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '?';
};

/** The direct children of `pid` (the shell's two sleeps). */
const children = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

describe.skipIf(!supported)('whilePaused', () => {
  let shell: ChildProcess | null = null;
  afterEach(() => {
    if (shell?.pid) process.kill(-shell.pid, 'SIGKILL');
    shell = null;
  });

  /** A shell with two children, in its own process group (so afterEach can end all three). */
  async function tree(): Promise<number[]> {
    shell = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const root = shell.pid as number;
    for (let i = 0; i < 100 && children(root).length < 2; i++)
      await new Promise((res) => setTimeout(res, 20));
    return [root, ...children(root)];
  }

  it('stops the whole tree for the span of the call and resumes it after', async () => {
    const pids = await tree();
    expect(pids).toHaveLength(3);
    const during = await whilePaused([{ pid: pids[0]! }], async () => pids.map(state));
    expect(during).toEqual(['T', 'T', 'T']);
    expect(pids.map(state)).not.toContain('T');
  });

  it('resumes the tree when the timed work throws', async () => {
    const pids = await tree();
    await expect(
      whilePaused([{ pid: pids[0]! }], () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(pids.map(state)).not.toContain('T');
  });

  it('pauses nothing for a browser whose process was not found', async () => {
    expect(await whilePaused([{ pid: null }], async () => 42)).toBe(42);
  });
});
