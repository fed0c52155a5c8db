/**
 * Export in real headless Chromium:
 *  - a WebM made by export/webm.ts (WebCodecs + our muxer) loads in a <video> with a finite
 *    duration > 0 and seeks;
 *  - in the app, the export panel is disabled with a hint before a generation; after one, a GIF
 *    export of a pinned word produces a download whose frames = steps and size = the one chosen.
 * The downloaded GIF's last frame goes to test-results/export/ — look at it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGif, savePng } from '../unit/export/helpers.ts';
import { STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import type {} from './pages/webm-export.ts';
import { useBrowserSession } from './harness.ts';

const OUT = 'test-results/export';
mkdirSync(OUT, { recursive: true });

const session = useBrowserSession(STABLE_SERVER);

beforeAll(async () => {});

describe('WebM export', () => {
  it('encodes a WebM that plays with a finite duration and seeks', async () => {
    const page = await session.browser.newPage();
    await page.goto(`${session.server.url}test/browser/pages/webm-export.html`);
    await page.waitForFunction(() => typeof window.__webmCheck === 'function');
    const result = await page.evaluate(() => window.__webmCheck!());
    expect(result.support.supported, JSON.stringify(result.support)).toBe(true);
    expect(Number.isFinite(result.duration)).toBe(true);
    expect(result.duration).toBeCloseTo(2, 1);
    expect(result.seekableEnd).toBeGreaterThan(1.5);
    expect(result.seekedTo).toBeGreaterThan(1);
    expect(result.bytes).toBeGreaterThan(1000);
    await page.close();
  });
});

describe('export panel in the app', () => {
  let page: Page;
  const STEPS = 4;

  beforeAll(async () => {
    page = await session.browser.newPage();
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.goto(`${session.server.url}?ep=wasm#p=`);
  });

  it('is disabled with a hint before anything is generated', async () => {
    const button = page.getByRole('button', { name: /^Export / });
    await expect.poll(() => button.isDisabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('export-hint').textContent()).toMatch(/Generate an image first/);
  });

  it('exports a GIF of a pinned word as a download: frames = steps, size as chosen', async () => {
    await page.getByRole('spinbutton', { name: 'Steps' }).fill(String(STEPS));
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await page
      .getByRole('textbox', { name: 'Prompt', exact: true })
      .fill('a red circle on the left');
    await page.getByRole('button', { name: 'Generate' }).click();
    await waitForGeneration(page);
    await page.getByRole('button', { name: 'red', exact: true }).click(); // pin "red"
    await page.locator('#export-size').selectOption('256');
    const button = page.getByRole('button', { name: 'Export GIF' });
    await expect.poll(() => button.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^wordlight-.*\.gif$/);
    const path = `${OUT}/${download.suggestedFilename()}`;
    await download.saveAs(path);
    const gif = decodeGif(readFileSync(path));
    expect(gif.frames).toHaveLength(STEPS);
    expect([gif.width, gif.height]).toEqual([256, 256]);
    savePng(
      'export/app-gif-last-frame.png',
      gif.frames[STEPS - 1] ?? new Uint8ClampedArray(),
      256,
      256,
    );
    expect(await page.getByText(/^Saved wordlight-/).isVisible()).toBe(true);
  });

  it('left no page errors', () => {
    expect(session.browser.errors).toEqual([]);
  });
});
