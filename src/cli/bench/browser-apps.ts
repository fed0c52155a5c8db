/**
 * The browser side of the generation bench (browser-generation.ts), run from Node: opening a built
 * app and waiting for its model, cold loads with the bytes they fetch, and the instrumented page
 * the timed clicks run on.
 */
import type { Browser, Page } from 'playwright-core';
import type { GenerationSettings } from '../../core/record.ts';
import { INSTRUMENT, type PageRun } from './browser-page.ts';
import type { BuiltApp } from './built-app.ts';

/** Opens the app without a prompt (nothing generates) and returns ms from navigation to model ready. */
export async function loadApp(page: Page, url: string): Promise<number> {
  // Generous: on a saturated machine the built app's first load has taken over 30 s.
  await page.goto(`${url}?ep=wasm`, { timeout: 180_000 });
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const poll = (): void => {
          const status = window.__wordlight?.explorer.generation.modelStatus;
          if (status === 'ready') resolve(performance.now());
          else if (status === 'failed') reject(new Error('model load failed'));
          else setTimeout(poll, 5);
        };
        poll();
      }),
  );
}

export interface Measured {
  app: BuiltApp;
  cold: number[];
  downloads: Record<string, number>;
  precached: Record<string, number>;
  page?: Page;
  runs: PageRun[];
}

/** Cold loads in fresh contexts. The first one also counts the .wasm and .onnx bytes fetched: by
 * the page and its worker (what the first generation waits for) apart from those the service
 * worker precaches for offline use in the background (waited for, up to a minute). */
export async function coldLoads(browser: Browser, m: Measured, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx (esbuild keepNames) wraps named inner functions in __name(); evaluated in the page too.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = await context.newPage();
    const bodies: Promise<void>[] = [];
    if (i === 0) {
      // The worker's and the service worker's fetches are reported on the context.
      context.on('response', (res) => {
        const name = res.url().split('/').pop()?.split('?')[0] ?? '';
        if (!/\.(wasm|onnx)$/.test(name)) return;
        const into = res.request().serviceWorker() ? m.precached : m.downloads;
        bodies.push(
          res.body().then(
            (b) => void (into[name] = b.length),
            () => void (into[name] = Number(res.headers()['content-length'] ?? NaN)),
          ),
        );
      });
    }
    m.cold.push(await loadApp(page, m.app.url));
    if (i === 0)
      await page.evaluate(async () => {
        const reg = await navigator.serviceWorker?.getRegistration();
        if (reg) await Promise.race([navigator.serviceWorker.ready, wait(60_000)]);
        function wait(ms: number) {
          return new Promise((res) => setTimeout(res, ms));
        }
      });
    await Promise.all(bodies);
    await context.close();
  }
}

/** A page of the app, instrumented, loaded, with the bench's prompt, seed and guidance set. */
export async function benchPage(
  browser: Browser,
  m: Measured,
  settings: GenerationSettings,
  errors: string[],
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript({ content: INSTRUMENT });
  page.on('pageerror', (e) => errors.push(`${m.app.label}: ${e.message}`));
  await loadApp(page, m.app.url);
  await page.fill('[aria-label="Prompt"]', settings.prompt);
  await page.evaluate((s) => {
    const st = window.__wordlight!.explorer.settings;
    st.seed = s.seed;
    st.guidance = s.guidance;
  }, settings);
  return page;
}

export function measured(app: BuiltApp): Measured {
  return { app, cold: [], downloads: {}, precached: {}, runs: [] };
}
