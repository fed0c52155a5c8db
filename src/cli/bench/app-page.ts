/**
 * The real app for the browser benches (hover/scrub latency, soak): a Vite dev server with its own
 * dependency cache (a server of another run sharing node_modules/.vite would re-optimise dependencies
 * under this one and reload the page mid-measurement), no HMR and no file watching (files edited
 * meanwhile in a shared tree must not reload the page), and one page in the shared headless Chromium
 * (cli/chromium.ts). The page's errors fail the bench.
 */
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { launchChromium } from '../chromium.ts';

export interface AppPageOptions {
  /** Vite's dependency cache for this bench, e.g. node_modules/.vite-soak-bench. */
  cacheDir: string;
  viewport: { width: number; height: number };
  deviceScaleFactor?: number;
  /** Chromium flags beyond the shared ones, e.g. --js-flags=--expose-gc. */
  chromiumArgs?: readonly string[];
}

/** Runs `measure` on a page of the app at `url` (not yet opened), then closes everything. */
export async function withAppPage<T>(
  opts: AppPageOptions,
  measure: (page: Page, url: string) => Promise<T>,
): Promise<T> {
  const server = await createServer({
    cacheDir: opts.cacheDir,
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: { ignored: ['**/*'] } },
    logLevel: 'error',
    clearScreen: false,
  });
  try {
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('Vite did not report a local URL');
    const browser = await launchChromium(opts.chromiumArgs);
    try {
      const page = await browser.newPage({
        viewport: opts.viewport,
        ...(opts.deviceScaleFactor ? { deviceScaleFactor: opts.deviceScaleFactor } : {}),
      });
      // tsx (esbuild keepNames) wraps named inner functions in __name(); serialised into the page
      // by page.evaluate, they need that helper there too.
      await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const result = await measure(page, url);
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      return result;
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}
