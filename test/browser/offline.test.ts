/**
 * Offline after the first visit, on the production build (vite build + vite preview, where the
 * Workbox service worker of vite.config.ts is registered): one online visit that also opens a
 * second model from the `Model` picker; then the network is cut (context.setOffline) and the
 * preview server is shut down, so nothing can come from the network. A reload must still open the
 * app, load the model and generate, and the picker must switch between both models offline.
 *
 * The second model is the default package copied under another name into the build's public
 * folder (models/index.json then lists two), so it is not precached: it is cached when first
 * opened, as any model but the default is.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, waitForGeneration } from './explorer-helpers.ts';
import { launchChromium } from '../../src/cli/chromium.ts';
import { parseModelIndex } from '../../src/state/model-index.ts';

const OTHER = 'scenes-copy';
let work = '';
let server: PreviewServer | null = null;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Page errors and console errors, in order. */
const errors: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wl-offline-'));
  const publicDir = join(work, 'public');
  await cp('public', publicDir, { recursive: true });
  const index = parseModelIndex(JSON.parse(await readFile('public/models/index.json', 'utf8')));
  await cp(join('public/models', index.default), join(publicDir, 'models', OTHER), {
    recursive: true,
  });
  const models = [...index.models, { name: OTHER, title: 'copy', summary: '' }];
  await writeFile(join(publicDir, 'models/index.json'), JSON.stringify({ ...index, models }));
  const outDir = join(work, 'dist');
  // Vitest sets NODE_ENV=test, and Vite derives import.meta.env.PROD from NODE_ENV: built as is,
  // src/main.ts would skip the service worker's registration (production builds only). Build as
  // `npm run build` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ logLevel: 'error', publicDir, build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  server = await preview({
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a local URL');
  // Not harness.launchBrowser: its catch-all request route (to block other origins) keeps the
  // service worker's install from finishing (its precache requests go through the route too).
  // Nothing leaves the origin here anyway: the network is cut before the checks that matter.
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
});

afterAll(async () => {
  // Where it stood, if it failed.
  await page?.screenshot({ path: `${SHOTS}/23-offline-last.png` }).catch(() => undefined);
  await browser?.close();
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

const NAV = { waitUntil: 'commit' } as const;
const picker = (p: Page) => p.getByRole('combobox', { name: 'Model' });

/** Types a prompt, presses Generate and waits for that prompt's finished record. */
async function generate(p: Page, prompt: string): Promise<void> {
  await p.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
  await p.getByRole('button', { name: 'Generate' }).click();
  await p.waitForFunction(
    (want) => {
      const r = window.__wordlight?.explorer.record;
      return r?.complete === true && r.settings.prompt === want;
    },
    prompt,
    { timeout: 240_000, polling: 200 },
  );
}

const t0 = Date.now();
/** Progress in the test output: each phase and its time (a timeout then says where it stood). */
const phase = (what: string): void =>
  console.log(`[offline] ${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}`);

describe('offline after the first visit (production build)', () => {
  it('reloads, generates and switches models with the network cut and the server gone', async () => {
    phase('built and serving; first visit');
    const url = server!.resolvedUrls!.local[0]!;
    await page.goto(`${url}?ep=wasm#p=a%20red%20circle%20on%20the%20left&steps=3`, NAV);
    await waitForGeneration(page);
    // The first visit installs the worker, which precaches the shell and the default model
    // itself (no second visit needed); `ready` resolves once that install has finished.
    phase('first generation done; waiting for the service worker');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 60_000,
    });
    phase('service worker active and in control; opening the second model');
    // Still online: open the second model once from the picker.
    await Promise.all([
      page.waitForURL(new RegExp(`model=${OTHER}`), NAV),
      picker(page).selectOption(OTHER),
    ]);
    await waitForGeneration(page);

    phase('second model generated; going offline');
    await context.setOffline(true);
    await server!.close();
    server = null;

    await page.reload(NAV);
    await waitForGeneration(page);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    expect(await picker(page).inputValue()).toBe(OTHER);
    phase('offline reload generated; Generate with a new prompt');
    await generate(page, 'a blue square at the top');
    phase('generated offline; switching back to the default model');

    const index = parseModelIndex(JSON.parse(await readFile('public/models/index.json', 'utf8')));
    await Promise.all([
      page.waitForURL(new RegExp(`model=${index.default}`), NAV),
      picker(page).selectOption(index.default),
    ]);
    await waitForGeneration(page);
    phase('default model generated offline');
    expect(
      await page.evaluate(() => window.__wordlight!.explorer.record!.steps.length),
    ).toBeGreaterThan(0);
    expect(await page.getByText('The model did not load').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/23-offline-reload.png` });
    expect(errors).toEqual([]);
  }, 600_000);
});
