/**
 * Issue 13, "a key in the view and in every export": in real headless Chromium with the real model,
 * two pinned words in Compare, then every export of that view — poster SVG and PNG, PNG of the
 * view, GIF, WebM and MP4 — carries the Compare key as the view shows it. The key's text is
 * compared with the view's, and the swatch colours are read back from the files' pixels (the
 * videos decoded by Chromium) and compared with the pair the view chose. Files and pictures in
 * test-results/export-compare/ — look at them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyStripLayout, keyStripSvg } from '../../src/export/compare-key.ts';
import type { CompareKey } from '../../src/render/compare-colours.ts';
import { decodeGif, decodePng, savePng } from '../unit/export/helpers.ts';
import { STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import { useBrowserSession } from './harness.ts';

const OUT = 'test-results/export-compare';
mkdirSync(OUT, { recursive: true });
const EXAMPLE = 'a red circle on the left and a blue square on the right';
const SIZE = 256;
const session = useBrowserSession(STABLE_SERVER);
let page: Page;
/** The view's key and its swatch colours as bytes. */
let key: CompareKey;
let colours: number[][];

const chip = (p: Page, word: string) => p.getByRole('button', { name: word, exact: true }).first();
const radio = (p: Page, group: string, name: string) =>
  p.getByRole('radiogroup', { name: group }).getByRole('radio', { name });
const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

async function download(button: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const path = `${OUT}/${file.suggestedFilename()}`;
  await file.saveAs(path);
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

const rgbAt = (rgba: ArrayLike<number>, w: number, x: number, y: number) =>
  [0, 1, 2].map((c) => rgba[(y * w + x) * 4 + c] ?? -1);
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/** Centres of the swatch rectangles in an SVG (the Compare key's; the page is #ffffff). */
function svgSwatches(svg: string, dy = 0): { x: number; y: number; fill: string }[] {
  const rects =
    /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]{6})"\/>/g;
  return [...svg.matchAll(rects)]
    .map((m) => ({
      x: Math.floor(+m[1]! + +m[3]! / 2),
      y: Math.floor(dy + +m[2]! + +m[4]! / 2),
      fill: m[5]!,
    }))
    .filter((r) => r.fill !== '#ffffff');
}

let posterSvg = '';

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  page.setDefaultNavigationTimeout(180_000);
  await page.goto(`${session.server.url}?ep=wasm#p=${encodeURIComponent(EXAMPLE)}&seed=3&steps=4`);
  await waitForGeneration(page, 280_000);
  await chip(page, 'red').click();
  await chip(page, 'blue').click();
  expect(await radio(page, 'Overlay mode', 'Compare').isChecked()).toBe(true);
  const group = page.getByRole('group', { name: 'Compare key' });
  await group.waitFor();
  // The key is plain data (words, colours, texts): it comes out of the page as JSON.
  key = (await page.evaluate(() => window.__wordlight!.explorer.pair.key))!;
  colours = key.entries.map((e) => e.rgb.map((v) => Math.round(v * 255)));
  // The key in the view, as a person reads it.
  const shown = (await group.textContent()) ?? '';
  expect(shown).toContain('“red”');
  expect(shown).toContain('“blue”');
  expect(await page.getByLabel('Overlap', { exact: true }).textContent()).toBe(key.overlap);
  const swatches = await group
    .locator('.swatch')
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(swatches).toEqual(colours.map((c) => `rgb(${c.join(', ')})`));
  // The chart draws the pair in the same two colours (it drew "red" in red before).
  const strokes = await page.evaluate(() =>
    ['red', 'blue'].map(
      (w) =>
        getComputedStyle(
          document.querySelector(
            `figure[aria-label="Attention over steps"] polyline[data-word="${w}"]`,
          )!,
        ).stroke,
    ),
  );
  expect(strokes).toEqual(swatches);
  console.log(`view key: ${swatches.join(' / ')}; ${key.overlap}`);
  await page.screenshot({ path: `${OUT}/view-compare.png` });
}, 300_000);

describe('every export of a Compare view carries its key', () => {
  it('poster SVG: the Compare row, the key text and swatches equal to the view’s', async () => {
    await radio(page, 'Export format', 'Poster').check();
    await page.getByRole('combobox', { name: 'File' }).selectOption('svg');
    const { bytes } = await download('Export poster (SVG)');
    posterSvg = bytes.toString('utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent ?? ''),
      };
    }, posterSvg);
    expect(parsed.error).toBeNull();
    expect(parsed.texts).toEqual(
      expect.arrayContaining(['red + blue', 'Compare key', '“red”', '“blue”', key.overlap]),
    );
    expect(parsed.texts.join('\n')).not.toMatch(/drawn as one heatmap per word/);
    expect(svgSwatches(posterSvg).map((r) => r.fill)).toEqual(colours.map(hex));
  });

  it('poster PNG: the swatches’ pixels are the view’s colours', async () => {
    await page.getByRole('combobox', { name: 'File' }).selectOption('png');
    const { name, bytes } = await download('Export poster (PNG)');
    const png = decodePng(bytes);
    const swatches = svgSwatches(posterSvg);
    expect(swatches).toHaveLength(2);
    swatches.forEach((s, i) => expect(rgbAt(png.rgba, png.width, s.x, s.y)).toEqual(colours[i]));
    console.log(`poster PNG ${name} ${png.width}×${png.height}`);
  });

  it('PNG of the view: the key strip under the image, swatches in the view’s colours', async () => {
    await radio(page, 'Export format', 'PNG').check();
    await page.locator('#export-size').selectOption(String(SIZE));
    await radio(page, 'Words to export', 'On screen').check();
    const { name, bytes } = await download('Export PNG');
    const png = decodePng(bytes);
    const strip = keyStripLayout(SIZE, ['red', 'blue']);
    expect([png.width, png.height]).toEqual([SIZE, SIZE + strip.height]);
    const swatches = svgSwatches(keyStripSvg(key, SIZE, strip), SIZE);
    expect(swatches.map((s) => s.fill)).toEqual(colours.map(hex));
    swatches.forEach((s, i) => expect(rgbAt(png.rgba, SIZE, s.x, s.y)).toEqual(colours[i]));
    console.log(`view PNG ${name}`);
  });

  it('GIF: every frame carries the strip; swatches within the palette’s rounding', async () => {
    await radio(page, 'Export format', 'GIF').check();
    const { name, bytes } = await download('Export GIF');
    const gif = decodeGif(bytes);
    const strip = keyStripLayout(SIZE, ['red', 'blue']);
    expect([gif.width, gif.height]).toEqual([SIZE, SIZE + strip.height]);
    const swatches = svgSwatches(keyStripSvg(key, SIZE, strip), SIZE);
    const worst = Math.max(
      ...gif.frames.flatMap((f) =>
        swatches.map((s, i) => maxDiff(rgbAt(f, SIZE, s.x, s.y), colours[i]!)),
      ),
    );
    console.log(`GIF ${name}: ${gif.frames.length} frames, swatch off by ≤ ${worst}`);
    savePng('export-compare/gif-last-frame.png', gif.frames.at(-1)!, gif.width, gif.height);
    expect(gif.frames).toHaveLength(4);
    expect(worst).toBeLessThanOrEqual(12);
  });

  for (const format of ['WebM', 'MP4'] as const) {
    it(`${format}: decoded frames carry the strip; swatches within the codec’s rounding`, async () => {
      await radio(page, 'Export format', format).check();
      const { name, bytes } = await download(`Export ${format.toUpperCase()}`);
      const strip = keyStripLayout(SIZE, ['red', 'blue']);
      const swatches = svgSwatches(keyStripSvg(key, SIZE, strip), SIZE);
      const probe = await page.evaluate(
        async ({ b64, mime, points }) => {
          const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const video = document.createElement('video');
          video.muted = true;
          video.src = URL.createObjectURL(new Blob([bin], { type: mime }));
          await new Promise((r, j) => {
            video.onloadeddata = r;
            video.onerror = () => j(new Error(`video error ${video.error?.code}`));
          });
          video.currentTime = 0.2;
          await new Promise((r) => (video.onseeked = r));
          const canvas = document.createElement('canvas');
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(video, 0, 0);
          const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          return {
            w: video.videoWidth,
            h: video.videoHeight,
            at: points.map(({ x, y }) =>
              [0, 1, 2].map((c) => all[(y * canvas.width + x) * 4 + c]!),
            ),
            png: canvas.toDataURL('image/png'),
          };
        },
        {
          b64: bytes.toString('base64'),
          mime: format === 'MP4' ? 'video/mp4' : 'video/webm',
          points: swatches,
        },
      );
      const file = Buffer.from(probe.png.split(',')[1]!, 'base64');
      writeFileSync(`${OUT}/${format.toLowerCase()}-frame.png`, file);
      const off = probe.at.map((c, i) => maxDiff(c, colours[i]!));
      console.log(
        `${format} ${name}: ${probe.w}×${probe.h}, swatches ${JSON.stringify(probe.at)} vs ${JSON.stringify(colours)}`,
      );
      expect([probe.w, probe.h]).toEqual([SIZE, SIZE + strip.height]);
      // Lossy video with 4:2:0 chroma: the swatch's colour comes back close, not exact.
      for (const d of off) expect(d).toBeLessThanOrEqual(24);
    });
  }

  it('left no page errors', () => {
    expect(session.browser.errors).toEqual([]);
  });
});
