/**
 * The bench rows that need more than a model session: the explorer's hover and scrub latency in
 * headless Chromium (hover-latency.ts), a 25-frame GIF export (gif-export.ts) and the built app's
 * click-to-final-frame generation in Chromium (browser-generation.ts) and a 100-generation soak
 * (soak.ts). Each is imported
 * when its turn comes, so the step timings do not pay for loading Vite and Playwright. A hook that
 * throws becomes an outcome saying so, without rows; it never sinks the whole bench.
 */
import type { BenchRow } from './types.ts';

/** Options of `npm run bench` that some hooks take. */
export interface HookOptions {
  /** `--baseline REF`: the browser generation bench also times the app built from REF. */
  baseline?: string;
}

interface Hook {
  id: string;
  run(opts: HookOptions): Promise<BenchRow[]>;
}

export const HOOKS: readonly Hook[] = [
  { id: 'soak', run: async () => (await import('./soak.ts')).benchSoak() },
  {
    id: 'hover-latency',
    run: async () => (await import('./hover-latency.ts')).benchHoverLatency(),
  },
  { id: 'gif-export', run: async () => (await import('./gif-export.ts')).benchGifExport() },
  {
    id: 'browser-generation',
    run: async (opts) =>
      (await import('./browser-generation.ts')).benchBrowserGeneration(
        opts.baseline ? { baseline: opts.baseline } : {},
      ),
  },
];

export interface HookOutcome {
  id: string;
  status: 'ran' | 'failed';
  rows: BenchRow[];
  error?: string;
  /** Wall time the hook took (set by the caller). */
  seconds?: number;
}

export async function runHook(hook: Hook, opts: HookOptions = {}): Promise<HookOutcome> {
  try {
    return { id: hook.id, status: 'ran', rows: await hook.run(opts) };
  } catch (e) {
    return {
      id: hook.id,
      status: 'failed',
      rows: [],
      error: e instanceof Error ? e.message : String(e),
    };
  }
}
