/**
 * Export in real headless Chromium:
 *  - WebM and MP4 made by export/video.ts (WebCodecs + mediabunny) load in a <video> with the
 *    right duration, seek, and show the right frame after the seek;
 *  - in the app, the export panel is disabled with a hint before a generation; after one, a GIF
 *    export of a pinned word produces a download whose frames = steps and size = the one chosen;
 *    the MP4 choice (named `MP4`) downloads a video that plays; posters come as SVG (parsed as XML,
 *    opened in a page and screenshotted) and PNG, with prompt, settings, colour bar and note;
 *    "On screen" with no word says it shows the content words.
 * Files and screenshots go to test-results/export/ — look at them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGif, decodePng, savePng } from '../unit/export/helpers.ts';
import { playVideo, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import type {} from './pages/video-export.ts';
import { useBrowserSession } from './harness.ts';

const OUT = 'test-results/export';
mkdirSync(OUT, { recursive: true });

const session = useBrowserSession(STABLE_SERVER);

beforeAll(async () => {});

describe('video export (WebCodecs + mediabunny)', () => {
  for (const container of ['webm', 'mp4'] as const) {
    it(`encodes a ${container.toUpperCase()} that plays with its duration, seeks, and shows the right frame`, async () => {
      const page = await session.browser.newPage();
      await page.goto(`${session.server.url}test/browser/pages/video-export.html`);
      await page.waitForFunction(() => typeof window.__videoCheck === 'function');
      const result = await page.evaluate((c) => window.__videoCheck!(c), container);
      console.log(`${container}: ${JSON.stringify(result)}`);
      expect(result.support.supported, JSON.stringify(result.support)).toBe(true);
      expect(Number.isFinite(result.duration)).toBe(true);
      expect(result.duration).toBeCloseTo(2, 1);
      expect(result.seekableEnd).toBeGreaterThan(1.5);
      expect(result.seekedTo).toBeCloseTo(1.25, 2);
      expect(result.bytes).toBeGreaterThan(1000);
      // The frame on screen after the seek is frame 12: its bar is where frame 12 drew it.
      expect(Math.abs(result.barAt - result.barExpected)).toBeLessThanOrEqual(4);
      if (container === 'mp4') {
        expect(result.head).toBe('ftyp');
        // This Chromium encodes H.264: MP4 is H.264, no fallback note.
        expect(result.support.supported && result.support.codec).toBe('avc');
      }
      await page.close();
    });
  }
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

  it('exports an MP4 from the control named MP4; it decodes with one frame per step', async () => {
    await page.getByRole('radio', { name: 'MP4' }).check();
    const button = page.getByRole('button', { name: 'Export MP4' });
    await expect.poll(() => button.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe(
      'wordlight-a-red-circle-on-the-left-s0-red-steps1-4.mp4',
    );
    const path = `${OUT}/${download.suggestedFilename()}`;
    await download.saveAs(path);
    const probe = await playVideo(page, readFileSync(path), 'video/mp4', 0.3);
    // 4 steps at 8 frames/s.
    expect(probe.duration).toBeCloseTo(0.5, 1);
    expect(probe.at).toBeCloseTo(0.3, 2);
    expect(probe.w).toBe(256);
  });

  it('exports the poster as SVG that parses as XML and opens in Chromium, and as PNG', async () => {
    await page.getByRole('radio', { name: 'Poster' }).check();
    expect(await page.getByRole('combobox', { name: 'Cells' }).inputValue()).toBe('256');
    await page.getByRole('combobox', { name: 'File' }).selectOption('svg');
    const button = page.getByRole('button', { name: 'Export poster (SVG)' });
    await expect.poll(() => button.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe(
      'wordlight-a-red-circle-on-the-left-s0-content-words-poster-4steps.svg',
    );
    const path = `${OUT}/${download.suggestedFilename()}`;
    await download.saveAs(path);
    const svg = readFileSync(path, 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const error = doc.querySelector('parsererror')?.textContent ?? null;
      const root = doc.documentElement;
      return {
        error,
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        images: doc.getElementsByTagName('image').length,
        texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent ?? ''),
        gradients: doc.getElementsByTagName('linearGradient').length,
      };
    }, svg);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('svg');
    // Content words red, circle, left: the image once + 3 rows × (4 steps + all steps).
    expect(parsed.images).toBe(1 + 3 * 5);
    expect(parsed.gradients).toBe(1);
    const text = parsed.texts.join('\n');
    expect(text).toContain('“a red circle on the left”');
    expect(text).toMatch(/seed 0 · 4 steps · guidance [\d.]+ · layers: all · heads: all/);
    expect(text).toMatch(/Scale: Shared/);
    expect(parsed.texts).toEqual(
      expect.arrayContaining(['red', 'circle', 'left', 'image', 'all steps']),
    );

    // Open the file itself in a page, as a person would, and look at it.
    const view = await session.browser.newPage();
    await view.setViewportSize({ width: parsed.width, height: parsed.height });
    // The harness blocks file:// and other origins: serve the file's bytes at a same-origin URL.
    const at = `${session.server.url}poster-under-test.svg`;
    await view.route(at, (route) => route.fulfill({ body: svg, contentType: 'image/svg+xml' }));
    await view.goto(at);
    const size = await view.evaluate(() => {
      const r = document.documentElement.getBoundingClientRect();
      return [r.width, r.height];
    });
    expect(size[0]).toBe(parsed.width);
    await view.screenshot({ path: `${OUT}/poster-svg-in-chromium.png`, timeout: 120_000 });
    await view.close();

    await page.getByRole('combobox', { name: 'File' }).selectOption('png');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export poster (PNG)' }).click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/-content-words-poster-4steps\.png$/);
    await png.saveAs(`${OUT}/app-poster.png`);
    const decoded = decodePng(readFileSync(`${OUT}/app-poster.png`));
    expect(decoded.width).toBe(parsed.width);
    // A cell of 256 px: the image cell's left column is the image, not white.
    expect(decoded.width).toBeGreaterThan(6 * 256);
  });

  it('"On screen" with no word pinned says it shows the content words, and does', async () => {
    await page.getByRole('button', { name: 'red', exact: true }).click(); // unpin "red"
    await page.mouse.move(5, 5);
    await page.getByRole('radio', { name: 'PNG' }).check();
    await page.getByRole('radio', { name: 'On screen' }).check();
    await expect
      .poll(() => page.getByTestId('export-words-note').textContent())
      .toMatch(/No word is pinned or hovered: the export shows the content words/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(
      'wordlight-a-red-circle-on-the-left-s0-content-words-step4of4.png',
    );
    await download.saveAs(`${OUT}/app-on-screen-no-word.png`);
  });

  it('left no page errors', () => {
    expect(session.browser.errors).toEqual([]);
  });
});
