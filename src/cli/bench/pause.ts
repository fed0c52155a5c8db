/**
 * Holding a headless Chromium still while something else is timed (browser-generation.ts). An idle
 * page of the app is not idle on this machine: its compositor draws every frame with SwiftShader on
 * the CPU (the prompt's caret, the refinement drawn after a run, word scores and map prefetching in
 * idle slices), 0.1–0.3 of a core measured from /proc. Timed beside it, the Node generation shared
 * the two cores with a browser a CLI user does not have open, and each app's clicks shared them with
 * the other app's idle page. SIGSTOP on the browser's whole process tree for the span of the other
 * measurement, SIGCONT after, removes that without closing pages (a reload costs seconds and starts
 * work of its own). Linux only (/proc); elsewhere nothing is paused and `supported` says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium.ts';

export const supported = process.platform === 'linux';

/** pid → parent pid of every process now (Linux /proc). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of stat is the ppid; the command name (field 2) may hold spaces, so cut after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // The process ended while we read the list.
    }
  }
  return out;
}

/** `root` and every process below it (renderers, GPU process, zygotes, utilities). */
function tree(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) byParent.set(ppid, [...(byParent.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    out.push(pid);
    todo.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

function signal(pids: readonly number[], sig: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Gone already: nothing to stop or resume.
    }
  }
}

/** A launched Chromium with the pid of its browser process (this process's new child). */
export interface PausableBrowser {
  browser: Browser;
  /** The browser process, or null where it could not be told apart (nothing is paused then). */
  pid: number | null;
}

/** Launches Chromium (chromium.ts's setup) and finds its browser process among our children. */
export async function launchPausable(): Promise<PausableBrowser> {
  const childrenOf = (): Set<number> =>
    new Set(
      supported
        ? [...parents()].filter(([, ppid]) => ppid === process.pid).map(([pid]) => pid)
        : [],
    );
  const before = childrenOf();
  const browser = await launchChromium();
  const fresh = [...childrenOf()].filter((pid) => !before.has(pid));
  const chromium = fresh.filter((pid) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
  return { browser, pid: chromium.length === 1 ? (chromium[0] ?? null) : null };
}

/** Runs `fn` with every browser in `held` stopped, and resumes them however `fn` ends. */
export async function whilePaused<T>(
  held: readonly Pick<PausableBrowser, 'pid'>[],
  fn: () => Promise<T>,
): Promise<T> {
  const pids = held.flatMap((b) => (b.pid === null ? [] : tree(b.pid)));
  signal(pids, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    signal(pids, 'SIGCONT');
  }
}
