/**
 * Benches owned by other parts of the app, picked up when their file exists so this command works
 * before (and without) them:
 *   hover-latency.ts  export async function benchHoverLatency(): Promise<BenchRow[]>   (UI)
 *   gif-export.ts     export async function benchGifExport(): Promise<BenchRow[]>      (export)
 *   soak.ts           export async function benchSoak(): Promise<BenchRow[]>           (reliability)
 *   browser-generation.ts  export async function benchBrowserGeneration(): Promise<BenchRow[]>
 *                     (the built app in Chromium: click → final frame, load, per-step breakdown)
 * A hook that throws becomes a row saying so; it never sinks the whole bench.
 */
import { existsSync } from 'node:fs';
import type { BenchRow } from './types.ts';

interface Hook {
  file: string;
  exportName: string;
  id: string;
}

export const HOOKS: readonly Hook[] = [
  { file: 'hover-latency.ts', exportName: 'benchHoverLatency', id: 'hover-latency' },
  { file: 'gif-export.ts', exportName: 'benchGifExport', id: 'gif-export' },
  { file: 'soak.ts', exportName: 'benchSoak', id: 'soak' },
  {
    file: 'browser-generation.ts',
    exportName: 'benchBrowserGeneration',
    id: 'browser-generation',
  },
];

export interface HookOutcome {
  id: string;
  status: 'ran' | 'absent' | 'failed';
  rows: BenchRow[];
  error?: string;
  /** Wall time the hook took (set by the caller). */
  seconds?: number;
}

export async function runHook(hook: Hook): Promise<HookOutcome> {
  const url = new URL(`./${hook.file}`, import.meta.url);
  if (!existsSync(url)) return { id: hook.id, status: 'absent', rows: [] };
  try {
    // A computed specifier: the module may not exist when this file is type-checked.
    const mod = (await import(url.href)) as Record<string, unknown>;
    const fn = mod[hook.exportName];
    if (typeof fn !== 'function')
      throw new Error(`${hook.file} does not export ${hook.exportName}()`);
    const rows = (await (fn as () => Promise<BenchRow[]>)()) ?? [];
    return { id: hook.id, status: 'ran', rows };
  } catch (e) {
    return {
      id: hook.id,
      status: 'failed',
      rows: [],
      error: e instanceof Error ? e.message : String(e),
    };
  }
}
