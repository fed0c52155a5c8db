/**
 * Two models, one code path: the explorer with each package of public/models/index.json — picker,
 * generation, hover, scrub and export — and the URL remembering the model across a picker switch and a
 * reload. While the index lists one package only, a second entry serves that same package under another
 * name (page routes), so the switch itself is still exercised. Screenshots: test-results/models/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import { readOverlay, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import { parseModelIndex, type ModelIndex } from '../../src/state/model-index.ts';
import { examplesFor } from '../../src/state/examples.ts';

const SHOTS = 'test-results/models';
mkdirSync(SHOTS, { recursive: true });
const PROMPT = 'a red circle on the left and a blue square on the right';
const shipped = parseModelIndex(JSON.parse(readFileSync('public/models/index.json', 'utf8')));
const ALIAS = 'scenes-alias';
const index: ModelIndex =
  shipped.models.length >= 2
    ? shipped
    : { ...shipped, models: [...shipped.models, { name: ALIAS, title: 'alias', summary: '' }] };

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.route('**/models/index.json', (route) => route.fulfill({ json: index }));
  if (index !== shipped) {
    await page.route(`**/models/${ALIAS}/*`, (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop() ?? '';
      const path = `public/models/${shipped.default}/${file}`;
      const body = readFileSync(path);
      return route.fulfill({
        body,
        contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      });
    });
  }
});

// The page's load event waits for the model worker's scripts; the tests wait for what they need.
const NAV = { waitUntil: 'domcontentloaded', timeout: 120_000 } as const;
const picker = () => page.getByRole('combobox', { name: 'Model' });
const hashFor = (prompt: string) =>
  `#${new URLSearchParams({ p: prompt, seed: '3', steps: '4' }).toString()}`;

describe('the Model picker', () => {
  it('opens the default model and lists every package', async () => {
    await page.goto(`${session.server.url}?ep=wasm${hashFor(PROMPT)}`, NAV);
    await waitForGeneration(page);
    expect(await picker().inputValue()).toBe(index.default);
    const options = await picker().locator('option').allTextContents();
    expect(options).toEqual(index.models.map((m) => m.title));
    // A copied link names the model even when it is the default: reopened after the default
    // changes, it must still run the model it was made with.
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(new URL(link).searchParams.get('model')).toBe(index.default);
    await page.getByRole('button', { name: 'Close link' }).click();
  });

  for (const model of index.models) {
    it(`works with ${model.name}: generate, hover, scrub, export`, async () => {
      await page.goto(`${session.server.url}?ep=wasm&model=${model.name}${hashFor(PROMPT)}`, NAV);
      await waitForGeneration(page);
      expect(await picker().inputValue()).toBe(model.name);
      await page.mouse.move(0, 0);
      const plain = await readOverlay(page);
      await page.getByRole('button', { name: 'red', exact: true }).hover();
      const hovered = await readOverlay(page);
      let diff = 0;
      for (let i = 0; i < plain.rgba.length; i++)
        diff += Math.abs(plain.rgba[i]! - hovered.rgba[i]!);
      expect(diff / plain.rgba.length, 'hovering a word changes the overlay').toBeGreaterThan(1);
      // The colour bar's end numbers stay on one line each ("5.4e-" over "3" read as two numbers).
      const numberHeights = await page
        .locator('.legend .num')
        .evaluateAll((els) =>
          els.map(
            (e) => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).fontSize),
          ),
        );
      for (const h of numberHeights) expect(h, 'legend number on one line').toBeLessThan(1.8);
      const slider = page.getByRole('slider', { name: 'Step' });
      await slider.focus();
      await page.keyboard.press('Home');
      expect(await slider.inputValue()).toBe('0');
      await page.keyboard.press('End');
      await page.getByRole('button', { name: 'red', exact: true }).click(); // pin it for the export
      const exportButton = page.getByRole('button', { name: /^Export / });
      await expect.poll(() => exportButton.isDisabled()).toBe(false);
      const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
      expect(download.suggestedFilename()).toMatch(/^wordlight-/);
      await page.screenshot({ path: `${SHOTS}/${model.name}.png` });
    });
  }

  it('switches model from the picker, keeps the prompt, and the URL remembers it on reload', async () => {
    await page.goto(
      `${session.server.url}?ep=wasm&model=${index.models[0]!.name}${hashFor(PROMPT)}`,
      NAV,
    );
    await waitForGeneration(page);
    const other = index.models[1]!.name;
    await Promise.all([
      page.waitForURL(new RegExp(`model=${other}`), NAV),
      picker().selectOption(other),
    ]);
    await waitForGeneration(page);
    expect(await picker().inputValue()).toBe(other);
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(
      PROMPT,
    );
    expect(new URL(page.url()).searchParams.get('ep')).toBe('wasm');
    await page.reload(NAV);
    await waitForGeneration(page);
    expect(await picker().inputValue()).toBe(other);
    await page.screenshot({ path: `${SHOTS}/switched.png` });
  });

  it('offers each model its own examples, and a v2 example generates on a v2 model', async () => {
    for (const model of index.models) {
      await page.goto(`${session.server.url}?ep=wasm&model=${model.name}${hashFor(PROMPT)}`, NAV);
      await waitForGeneration(page);
      const file = `public/models/${model.name === ALIAS ? shipped.default : model.name}/manifest.json`;
      const want = examplesFor(JSON.parse(readFileSync(file, 'utf8')) as { examples?: string[] });
      const menu = page.getByRole('combobox', { name: 'Examples' });
      const offered = await menu.locator('option:not([disabled])').allTextContents();
      expect(offered, model.name).toEqual([...want]);
      const relation = want.find((p) => / above /.test(p));
      if (!relation) continue;
      await menu.selectOption(relation);
      await page.waitForFunction(
        (p) => {
          const r = window.__wordlight?.explorer.record;
          return r?.complete === true && r.settings.prompt === p;
        },
        relation,
        { timeout: 240_000 },
      );
      expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(
        relation,
      );
      await page.getByRole('button', { name: 'above', exact: true }).waitFor();
      await page.screenshot({ path: `${SHOTS}/${model.name}-relation-example.png` });
    }
  });

  it('flags a prompt outside the model grammar before generating', async () => {
    const v1 = index.models.find((m) => m.name === 'scenes');
    await page.goto(`${session.server.url}?ep=wasm&model=${v1?.name ?? 'scenes'}`, NAV);
    await page.getByText('WASM', { exact: false }).first().waitFor({ timeout: 120_000 });
    const three =
      'a red circle on the left, a blue square in the center and a green triangle on the right';
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(three);
    const notice = page.getByRole('status', { name: "Outside the model's grammar" });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('this model draws at most 2');
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/grammar-notice.png` });
  });

  it('made no page errors', () => {
    expect(session.browser.errors).toEqual([]);
  });
});
