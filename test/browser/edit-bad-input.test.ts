/**
 * Bad input to the "what if" controls in real headless Chromium with the real model in its worker
 * (WASM): a weight out of range or not a number (through the weight slider's input handler, and in a
 * link), a weight for a word the prompt lacks (link), and an edit on a model without control inputs
 * (a contract v1 package: manifest and UNet from git history, served by a page route). Each gives
 * one specific line on the page and loses nothing: the prompt text and the result on screen stay.
 * Screenshots go to test-results/explorer/ — look at them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import { finalImage, SHOTS, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import { v1PackageFile } from '../unit/model/v1-package.ts';

const PROMPT = 'a red triangle on the left and a blue circle on the right';
const EDITED = 'a red square on the left and a blue circle on the right';
const V1 = 'scenes-v1-test';

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.route('**/models/index.json', async (route) => {
    const index = (await (await route.fetch()).json()) as { models: object[] };
    index.models.push({ name: V1, title: 'scenes without control (test)', summary: '' });
    return route.fulfill({ json: index });
  });
  await page.route(`**/models/${V1}/*`, (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop() ?? '';
    return route.fulfill({
      body: v1PackageFile(file),
      contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    });
  });
});

const NAV = { waitUntil: 'domcontentloaded', timeout: 180_000 } as const;
const link = (extra: Record<string, string>, model = '') =>
  `${session.server.url}?ep=wasm${model}#${new URLSearchParams({ p: PROMPT, seed: '3', steps: '4', ...extra }).toString()}`;

/** Resolves when the run ended: a complete result, or a notice that it failed. */
const settled = (p: Page) =>
  p.waitForFunction(
    () => {
      const ex = window.__wordlight?.explorer;
      return !!ex && !ex.generation.running && (!!ex.record?.complete || !!ex.generation.notice);
    },
    null,
    { timeout: 240_000, polling: 200 },
  );

/** Visible elements whose own text matches, anywhere on the page. */
const lines = (p: Page, text: RegExp) => p.getByText(text).filter({ visible: true });

async function kept(p: Page): Promise<void> {
  expect(await p.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(PROMPT);
  const rec = await p.evaluate(() => {
    const r = window.__wordlight!.explorer.record;
    return { prompt: r?.settings.prompt, complete: r?.complete, weights: r?.settings.weights };
  });
  expect(rec).toEqual({ prompt: PROMPT, complete: true, weights: undefined });
  expect(await p.evaluate(() => window.__wordlight!.explorer.generation.notice)).toBeNull();
}

describe('weights and edits: bad input', () => {
  it('a weight out of range or not a number from the slider: one line, nothing changed', async () => {
    await page.goto(link({}), NAV);
    await waitForGeneration(page);
    const before = await finalImage(page);
    const slider = page.getByRole('slider', { name: 'Weight of red' });
    for (const [typed, said] of [
      ['7', /Weight of "red" must be from ×0 to ×3 \(got ×7\); it stays ×1\./],
      ['lots', /Weight of "red" must be a number from ×0 to ×3 \(got "lots"\); it stays ×1\./],
    ] as const) {
      // A range input clamps what it is given, so a bad value can only reach the slider's input
      // handler from a script or a broken assistive tool: hand it one through the element.
      await slider.evaluate((el, v) => {
        const input = el as HTMLInputElement;
        input.type = 'text';
        input.value = v;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
        input.type = 'range';
      }, typed);
      await expect.poll(() => lines(page, said).count()).toBe(1);
      expect(await lines(page, /Weight of "red" must be/).count()).toBe(1);
      expect(await slider.inputValue()).toBe('1');
      expect(await page.evaluate(() => window.__wordlight!.explorer.settings.weightOf('red'))).toBe(
        1,
      );
      expect(await page.evaluate(() => window.__wordlight!.explorer.generation.running)).toBe(
        false,
      );
      await kept(page);
      expect((await finalImage(page)).rgb).toEqual(before.rgb);
    }
    await page.screenshot({ path: `${SHOTS}/arch-01-weight-slider-bad.png`, fullPage: true });
    // A good value afterwards clears the line.
    await slider.fill('2');
    await expect.poll(() => lines(page, /Weight of "red" must be/).count()).toBe(0);
  });

  it.each([
    ['red:5', /weight of "red" must be from 0 to 3 \(got 5\)/],
    ['red:lots', /weight of "red" must be a number from 0 to 3 \(got "lots"\)/],
    ['purple:2', /"purple" is not a word of the prompt/],
  ])(
    'a link with wt=%s: one line in the link notice, the rest of the link works',
    async (wt, said) => {
      // A fresh page: a link opened over the running app only changes the hash, and the app keeps
      // what the link does not set (the slider test's weight) — not what is tested here.
      await page.goto('about:blank');
      await page.goto(link({ wt }), NAV);
      await settled(page);
      const notice = page.getByRole('status', { name: 'Link fields not used' });
      await expect.poll(() => notice.filter({ hasText: said }).count()).toBe(1);
      expect(await lines(page, said).count()).toBe(1);
      await kept(page);
      await page.screenshot({
        path: `${SHOTS}/arch-02-link-wt-${wt.replace(':', '-')}.png`,
        fullPage: true,
      });
    },
  );

  it('an edit on a model without control inputs: one line saying why, prompt and result kept', async () => {
    await page.goto('about:blank');
    await page.goto(link({ e: EDITED, inj: '0.5' }, `&model=${V1}`), NAV);
    await settled(page);
    expect(
      await page.evaluate(() => window.__wordlight!.explorer.generation.model?.manifest.control),
    ).toBeUndefined();
    const reason = /has no attention-control inputs \(model contract v1\)/;
    await expect.poll(() => lines(page, reason).count()).toBe(1);
    await kept(page);
    expect(await page.getByRole('textbox', { name: 'Edited prompt' }).inputValue()).toBe(EDITED);
    expect(await page.getByRole('button', { name: 'Apply edit' }).isDisabled()).toBe(true);
    expect(await page.evaluate(() => window.__wordlight!.explorer.editRecord)).toBeNull();
    // The edit box is off too (it keeps the link's text), so nothing else can be applied.
    expect(await page.getByRole('textbox', { name: 'Edited prompt' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/arch-03-edit-without-control.png`, fullPage: true });
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
