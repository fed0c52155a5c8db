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
import { scoreRecord } from '../../src/cli/eval/evaluate.ts';
import { useBrowserSession } from './harness.ts';
import {
  bottomOf,
  cornerOnScreen,
  readOverlay,
  recordFromPage,
  SHOTS,
  STABLE_SERVER,
  waitForGeneration,
} from './explorer-helpers.ts';

const EXAMPLE = 'a red circle on the left and a blue square on the right';

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

const chip = (word: string) => page.getByRole('button', { name: word, exact: true }).first();
const radio = (group: string, name: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name });

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  // The first load has Vite compile the app on demand: well over 30 s on a busy machine.
  page.setDefaultNavigationTimeout(120_000);
});

describe('a first visit at 1280×800', () => {
  it('opens on a finished example, numbers steady while the model loads', async () => {
    // Every value the Steps and Guidance fields show, from the document's start (an init script,
    // before the app's own scripts) until the example is done. The app mounts only after it has
    // fetched models/index.json, so for a while there are no fields at all: that reads "?|?".
    await page.addInitScript(() => {
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
    await page.goto(`${session.server.url}?ep=wasm`);
    await waitForGeneration(page, 280_000);
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(
      EXAMPLE,
    );
    const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    // Blank ("" and "…") until the model's defaults are known, then those: never one number, then
    // another. Only values with both numbers count; "?|?" (not mounted yet) is no number.
    const numbers = seen.filter((v) => /^\d+\|\d/.test(v));
    expect(seen[0], 'recording starts before the app mounts').toBe('?|?');
    expect(numbers.length, `values shown: ${seen.join(', ')}`).toBeGreaterThan(0);
    expect(new Set(numbers).size, `values shown: ${seen.join(', ')}`).toBe(1);
    await page.screenshot({ path: `${SHOTS}/newcomer-1280x800.png` });
  });

  it('scores each word live, on its tooltip and in How to read this, as npm run eval does', async () => {
    await page.waitForFunction(() => document.querySelector('button[data-iou]') !== null, null, {
      timeout: 120_000,
      polling: 200,
    });
    const ui = await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      return ex.scores
        .scoresFor(ex.record)!
        .map((s) => ({ position: s.tokenPosition, iou: s.iou }));
    });
    // The same generation, scored in Node by the eval's own scoreRecord.
    const record = await recordFromPage(page);
    const outcome = scoreRecord(
      record,
      {
        id: 'example',
        prompt: EXAMPLE,
        objects: [
          { colour: 'red', shape: 'circle', position: 'left', size: null },
          { colour: 'blue', shape: 'square', position: 'right', size: null },
        ],
        differentShapes: true,
      },
      {
        steps: record.steps.length,
        guidance: record.settings.guidance,
        separator: 'and',
        heldOut: [],
      },
    );
    const scored = record.words.filter((w) => outcome.words.some((o) => o.word === w.word));
    expect(ui.map((u) => u.position)).toEqual(scored.map((w) => w.tokenPosition));
    outcome.words.forEach((o, k) => {
      expect(o.iou, `${o.word}: the eval found its object`).not.toBeNull();
      expect(Math.abs(ui[k]!.iou! - o.iou!), o.word).toBeLessThanOrEqual(1e-6);
    });
    const red = outcome.words.find((o) => o.word === 'red')!;
    console.log(
      `live IoU = eval IoU: ${outcome.words.map((o) => `${o.word} ${o.iou?.toFixed(4)}`).join(', ')}`,
    );
    expect(await chip('red').getAttribute('title')).toContain(`IoU ${red.iou!.toFixed(2)}`);
    await page.getByRole('button', { name: 'How to read this' }).click();
    const panel = page.getByRole('complementary', { name: 'How to read this' });
    expect(await panel.getByTestId('word-scores').textContent()).toContain(red.iou!.toFixed(2));
    await page.screenshot({ path: `${SHOTS}/newcomer-how-to-read-scores.png` });
    await panel.getByRole('button', { name: 'Close' }).click();
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
        (a, b) =>
          (ex.statsOf(a.tokenPosition)?.peak ?? 0) - (ex.statsOf(b.tokenPosition)?.peak ?? 0),
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
    expect(await page.locator(`#${described}`).textContent()).toMatch(
      /^peak ?\d\.\d\d · above τ ?\d+%$/,
    );
    await radio('Scale', 'Shared').check();
    await radio('Overlay mode', 'Heatmap').check();
  });
});

describe('Saved …, Cancel', () => {
  it('"Saved …" belongs to its result', async () => {
    await page.mouse.move(0, 0);
    await chip('red').click();
    await radio('Export format', 'PNG').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    expect(await page.getByText(/^Saved wordlight-/).isVisible()).toBe(true);
  });
});

describe('the next generation', () => {
  it('shows the map of the first word hovered right after it finishes', async () => {
    await page.mouse.move(0, 0);
    await chip('red').click(); // unpin: only the hover may bring a map
    expect(await page.evaluate(() => window.__wordlight!.explorer.selection.pinned.length)).toBe(0);
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('11');
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('6');
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await page.getByRole('button', { name: 'Generate' }).click();
    // As the newcomer did: switch to Mask while it runs, then hover a chip the moment it is done.
    await radio('Overlay mode', 'Mask').check();
    await page.mouse.move(0, 0);
    await page.waitForFunction(
      () => {
        const ex = window.__wordlight?.explorer;
        return !!ex && !ex.generation.running && ex.record?.complete === true;
      },
      null,
      { timeout: 240_000, polling: 10 },
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await chip('red').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
    // The top-left corner is background, away from the red object: Mask dims it to a quarter.
    await page.waitForTimeout(1500);
    const soon = await cornerOnScreen(page);
    await page.screenshot({ path: `${SHOTS}/newcomer-first-hover.png` });
    await page.waitForTimeout(4500);
    const later = await cornerOnScreen(page);
    expect(await page.evaluate(() => window.__wordlight!.explorer.selection.hovered)).not.toBe(
      null,
    );
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1000);
    const plain = await cornerOnScreen(page);
    console.log(
      `corner brightness: 1.5 s ${soon.toFixed(0)}, 6 s ${later.toFixed(0)}, plain ${plain.toFixed(0)}`,
    );
    expect(plain, 'the plain image is light there').toBeGreaterThan(150);
    expect(soon, 'dimmed by the mask within 1.5 s').toBeLessThan(plain / 2);
    expect(later, 'and still after 6 s').toBeLessThan(plain / 2);
    // The new result is not the one that was saved.
    expect(await page.getByText(/^Saved wordlight-/).count()).toBe(0);
  });

  it('after Cancel, the bar and the pins describe the result still on screen', async () => {
    await radio('Overlay mode', 'Heatmap').check();
    await chip('blue').click();
    const pinned = await page.evaluate(() => [...window.__wordlight!.explorer.selection.pinned]);
    expect(pinned.length).toBeGreaterThan(0);
    const shown = await page.evaluate(() => window.__wordlight!.explorer.record!.steps.length);
    await page
      .getByRole('textbox', { name: 'Prompt', exact: true })
      .fill('a green triangle at the top');
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('100');
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForFunction(
      () =>
        (window.__wordlight?.explorer.stepCount ?? 0) >= 1 &&
        window.__wordlight!.explorer.record!.settings.steps === 100,
      null,
      { polling: 20 },
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Generation cancelled').waitFor();
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(shown));
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(shown));
    expect(await page.locator('.progress .text').textContent()).toContain(`step ${shown}/${shown}`);
    expect(await page.evaluate(() => [...window.__wordlight!.explorer.selection.pinned])).toEqual(
      pinned,
    );
    expect(await chip('blue').getAttribute('aria-pressed')).toBe('true');
  });

  it('at 1920×1080 too, image, words and steps are in view', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await chip('red').hover();
    expect(await bottomOf(page.locator('canvas').first())).toBeLessThanOrEqual(1080);
    expect(await bottomOf(chip('right'))).toBeLessThanOrEqual(1080);
    expect(await bottomOf(page.getByRole('slider', { name: 'Step' }))).toBeLessThanOrEqual(1080);
    await page.screenshot({ path: `${SHOTS}/newcomer-1920x1080.png` });
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
