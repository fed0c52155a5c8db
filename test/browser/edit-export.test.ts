/**
 * Export of a comparison (issue 10): after an edit in the app (real model, WASM), the Comparison
 * panel exports a poster (PNG and SVG: source | edited | difference, the SVG parsed as XML) and an
 * animation over the steps (GIF: one frame per step, three panels wide; WebM: plays with its
 * duration). Files go to test-results/edit-export/ — look at the poster.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGif, decodePng, savePng } from '../unit/export/helpers.ts';
import { playVideo, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import { useBrowserSession } from './harness.ts';

const OUT = 'test-results/edit-export';
mkdirSync(OUT, { recursive: true });
const PROMPT = 'a red triangle on the left and a blue circle on the right';
const EDITED = 'a red square on the left and a blue circle on the right';
const STEPS = 4;

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(
    `${session.server.url}?ep=wasm#p=${encodeURIComponent(PROMPT)}&seed=3&steps=${STEPS}&g=4`,
    { timeout: 180_000 },
  );
  await waitForGeneration(page);
  await page.getByRole('textbox', { name: 'Edited prompt' }).fill(EDITED);
  await page.getByRole('slider', { name: 'Injection' }).fill('0.5');
  await page.getByRole('button', { name: 'Apply edit' }).click();
  await page.waitForFunction(
    () => {
      const ex = window.__wordlight?.explorer;
      return !!ex && !ex.edit.run.running && ex.editRecord?.complete === true;
    },
    null,
    { timeout: 240_000, polling: 200 },
  );
});

async function download(name: string): Promise<{ file: string; path: string }> {
  const button = page.getByRole('button', { name });
  await expect.poll(() => button.isDisabled(), { timeout: 30_000 }).toBe(false);
  const [d] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = `${OUT}/${d.suggestedFilename()}`;
  await d.saveAs(path);
  return { file: d.suggestedFilename(), path };
}

describe('comparison export', () => {
  it('says what it shows with no word pinned', async () => {
    await page.mouse.move(5, 5);
    expect(await page.getByTestId('edit-export-note').textContent()).toMatch(
      /No word pinned: the poster shows the content words/,
    );
  });

  it('exports the poster as PNG: source | edited | difference, a row per content word', async () => {
    const { file, path } = await download('Export comparison poster (PNG)');
    expect(file).toBe(
      'wordlight-a-red-square-on-the-left-s3-edit-red-triangle-left-blue-circle-right-poster-4steps.png',
    );
    const png = decodePng(readFileSync(path));
    savePng('edit-export/poster.png', png.rgba, png.width, png.height);
    // Three 256-px columns beside the labels; the image row + 6 content-word rows.
    expect(png.width).toBeGreaterThan(3 * 256);
    expect(png.height).toBeGreaterThan(7 * 256);
  });

  it('exports the poster as SVG that parses as XML', async () => {
    await page.getByRole('button', { name: 'triangle', exact: true }).click(); // pin
    const { file, path } = await download('Export comparison poster (SVG)');
    expect(file).toMatch(/-s3-edit-triangle-poster-4steps\.svg$/);
    const svg = readFileSync(path, 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        images: doc.getElementsByTagName('image').length,
        texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent ?? ''),
        bars: doc.getElementsByTagName('linearGradient').length,
      };
    }, svg);
    expect(parsed.error).toBeNull();
    // Images row + the pinned word's row, three cells each.
    expect(parsed.images).toBe(6);
    expect(parsed.bars).toBe(2);
    expect(parsed.texts).toEqual(
      expect.arrayContaining(['source', 'edited', 'difference', 'triangle → square']),
    );
    expect(parsed.texts.join(' ')).toMatch(/word swap · source maps injected in \d\/4 steps/);
  });

  it('exports a GIF over the steps, three panels wide, and a WebM that plays', async () => {
    const gifFile = await download('Export comparison GIF');
    expect(gifFile.file).toMatch(/-s3-edit-triangle-steps1-4\.gif$/);
    const gif = decodeGif(readFileSync(gifFile.path));
    expect(gif.frames).toHaveLength(STEPS);
    expect([gif.width, gif.height]).toEqual([3 * 256, 256]);
    savePng('edit-export/gif-last-frame.png', gif.frames[STEPS - 1]!, gif.width, gif.height);

    const webm = await download('Export comparison WebM');
    const probe = await playVideo(page, readFileSync(webm.path), 'video/webm', 0.3);
    expect(probe.duration).toBeCloseTo(STEPS / 8, 1);
    expect(probe.at).toBeCloseTo(0.3, 2);
    expect([probe.w, probe.h]).toEqual([3 * 256, 256]);
  });

  it('left no page errors', () => {
    expect(session.browser.errors).toEqual([]);
  });
});
