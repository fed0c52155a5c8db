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
  /** Ids of the rows it writes (what `--only` matches besides the hook's id). */
  rows: readonly string[];
  run(opts: HookOptions): Promise<BenchRow[]>;
}

export const HOOKS: readonly Hook[] = [
  {
    id: 'soak',
    rows: ['soak/heap-growth', 'soak/dom-growth'],
    run: async () => (await import('./soak.ts')).benchSoak(),
  },
  {
    id: 'hover-latency',
    rows: ['ui/hover-latency/512', 'ui/scrub-latency/512', 'ui/chart-hover', 'ui/chart-scrub'],
    run: async () => (await import('./hover-latency.ts')).benchHoverLatency(),
  },
  {
    id: 'gif-export',
    rows: ['gif-export/512/25f'],
    run: async () => (await import('./gif-export.ts')).benchGifExport(),
  },
  {
    id: 'browser-generation',
    rows: [
      'browser/generation/click-to-final',
      'browser/generation/click-to-first-step',
      'browser/generation/last-step-to-final',
      'browser/generation/node-same-run',
      'browser/generation/baseline-click-to-final',
      'browser/generation/vs-baseline',
      'browser/step/worker-unet',
      'browser/step/message-latency',
      'browser/load/cold',
      'browser/load/cached',
      'browser/download/sw-precache',
    ],
    run: async (opts) =>
      (await import('./browser-generation.ts')).benchBrowserGeneration(
        opts.baseline ? { baseline: opts.baseline } : {},
      ),
  },
];

/**
 * `--only TEXT`: the hooks whose id or one of whose row ids contains TEXT (e.g. "chart" → the
 * hover-latency hook, which writes the chart rows); `keep` then keeps a hook's rows whole when
 * TEXT named the hook, else only the rows whose id contains TEXT.
 */
export function onlyHooks(text: string): {
  hooks: Hook[];
  keep(hookId: string, row: BenchRow): boolean;
} {
  const hit = (id: string): boolean => id.includes(text);
  return {
    hooks: HOOKS.filter((h) => hit(h.id) || h.rows.some(hit)),
    keep: (hookId, row) => hit(hookId) || hit(row.id),
  };
}

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
