/**
 * "What if" in real headless Chromium with the real model in its worker (WASM): a word's weight
 * changes the image; an edit renders source and edit side by side, one hovered word driving both,
 * with a difference view; the copied link restores weights and the edit; bad input answers in one
 * line and keeps both results. Screenshots go to test-results/explorer/ — look at them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import { finalImage, SHOTS, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';

const PROMPT = 'a red triangle on the left and a blue circle on the right';
const EDITED = 'a red square on the left and a blue circle on the right';
const STEPS = 8;

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(
    `${session.server.url}?ep=wasm#p=${encodeURIComponent(PROMPT)}&seed=3&steps=${STEPS}&g=4`,
    // the first load compiles the app's modules: slow on a busy machine
    { timeout: 180_000 },
  );
  await waitForGeneration(page);
});

const editRecordComplete = (p: Page) =>
  p.waitForFunction(
    () => {
      const ex = window.__wordlight?.explorer;
      return !!ex && !ex.edit.run.running && ex.editRecord?.complete === true;
    },
    null,
    { timeout: 240_000, polling: 200 },
  );

function maxDiff(a: number[], b: number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? 0))), 0);
}

describe('weights and edits', () => {
  it('a weight slider per word changes the image, and shows on the chip and in the URL', async () => {
    const before = await finalImage(page);
    const slider = page.getByRole('slider', { name: 'Weight of red' });
    expect(await slider.inputValue()).toBe('1');
    await slider.fill('0');
    await slider.dispatchEvent('change');
    await page.waitForFunction(
      () => window.__wordlight?.explorer.record?.settings.weights?.red === 0,
    );
    await waitForGeneration(page);
    const after = await finalImage(page);
    expect(maxDiff(before.rgb, after.rgb)).toBeGreaterThan(0.2);
    expect(await page.getByRole('button', { name: 'red', exact: true }).textContent()).toContain(
      '×0',
    );
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('wt=red%3A0');
    await page.screenshot({ path: `${SHOTS}/p2p-01-red-x0.png` });
  });

  it('an edit renders side by side with one hovered word driving both, and a difference view', async () => {
    await page.getByRole('textbox', { name: 'Edited prompt' }).fill(EDITED);
    await page.getByRole('slider', { name: 'Injection' }).fill('0.5');
    await page.getByRole('button', { name: 'Apply edit' }).click();
    await editRecordComplete(page);
    const source = page
      .getByRole('img', { name: 'Source overlay' })
      .or(page.locator('canvas[aria-label="Source overlay"]'));
    await source.first().waitFor();
    expect(await page.locator('canvas[aria-label="Edited overlay"]').count()).toBe(1);
    expect(await page.locator('canvas[aria-label="Image difference"]').count()).toBe(1);
    // Hover "triangle": the edited pane shows the aligned word ("square"), the difference its change.
    await page.getByRole('button', { name: 'triangle', exact: true }).hover();
    await expect
      .poll(() => page.getByText('“triangle → square”', { exact: false }).count())
      .toBe(1);
    const info = await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      const e = ex.editRecord!;
      return { mode: e.edit?.mode, injected: e.edit?.injectedSteps, prompt: e.settings.prompt };
    });
    expect(info).toEqual({ mode: 'swap', injected: 4, prompt: EDITED });
    // The map difference canvas is drawn (not the 1×1 placeholder) and not all white.
    const diffPixels = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Map difference"]')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - d[i + 2]!) > 30) coloured++;
      return { w: c.width, coloured };
    });
    expect(diffPixels.w).toBeGreaterThan(1);
    expect(diffPixels.coloured).toBeGreaterThan(0);
    // One scrubber drives both: step 1 shows both runs' first step.
    await page.getByRole('slider', { name: 'Step' }).fill('0');
    await expect
      .poll(() => page.getByText('Step 1: the scrubber', { exact: false }).count())
      .toBe(1);
    await page.screenshot({ path: `${SHOTS}/p2p-02-edit-side-by-side.png`, fullPage: true });
  });

  it('bad input: one line, both results kept', async () => {
    const box = page.getByRole('textbox', { name: 'Edited prompt' });
    const apply = page.getByRole('button', { name: 'Apply edit' });
    await box.fill('a red dragon on the left');
    await apply.click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'does not know ("dragon")' }).count())
      .toBe(1);
    await box.fill('green square');
    await apply.click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'cannot be aligned' }).count())
      .toBe(1);
    expect(await page.locator('canvas[aria-label="Edited overlay"]').count()).toBe(1);
    expect(
      await page.evaluate(() => window.__wordlight!.explorer.editRecord?.settings.prompt),
    ).toBe(EDITED);
    await box.fill(EDITED);
  });

  it('the copied link restores the weights and the edit', async () => {
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toContain('wt=red%3A0');
    expect(link).toContain('e=');
    const second = await session.browser.newPage();
    await second.setViewportSize({ width: 1280, height: 800 });
    await second.goto(link, { timeout: 180_000 });
    await waitForGeneration(second);
    await editRecordComplete(second);
    expect(await second.getByRole('slider', { name: 'Weight of red' }).inputValue()).toBe('0');
    expect(await second.getByRole('textbox', { name: 'Edited prompt' }).inputValue()).toBe(EDITED);
    expect(await second.getByRole('slider', { name: 'Injection' }).inputValue()).toBe('0.5');
    const same = await second.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      return { w: ex.record?.settings.weights, e: ex.editRecord?.settings.prompt };
    });
    expect(same).toEqual({ w: { red: 0 }, e: EDITED });
    await second.screenshot({ path: `${SHOTS}/p2p-03-reloaded-edit.png`, fullPage: true });
    await second.close();
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
