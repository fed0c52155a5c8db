/**
 * The explorer's bad-input contract in real Chromium: empty prompt, only unknown words, too many
 * words, garbage in the URL hash, a Cancel mid-generation (the previous result stays explorable),
 * the model failing to load (file, reason, Retry) and no WebGL2. Screenshots: test-results/explorer/.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODEL_INDEX_FILE, parseModelIndex } from '../../src/state/model-index.ts';
import { launchBrowser, useBrowserSession } from './harness.ts';
import { readOverlay, SHOTS, STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 1000 });
});

/** maxTokens of the package the app opens by default (public/models/index.json). */
/** The token limit of the package the app opens by default, read the way the app reads the index. */
async function defaultMaxTokens(): Promise<number> {
  const read = async (f: string): Promise<unknown> => JSON.parse(await readFile(f, 'utf8'));
  const index = parseModelIndex(await read(`public/${MODEL_INDEX_FILE}`));
  const manifest = (await read(`public/models/${index.default}/manifest.json`)) as {
    tokenizer: { maxTokens: number };
  };
  return manifest.tokenizer.maxTokens;
}

const prompt = () => page.getByRole('textbox', { name: 'Prompt', exact: true });
const generate = () => page.getByRole('button', { name: 'Generate' });

describe('explorer bad input', () => {
  it('ignores garbage in the URL hash field by field', async () => {
    const hash =
      '#p=a%20blue%20circle%20in%20the%20center&seed=abc&steps=4&g=-3&cmap=rainbow&mode=xx' +
      '&s=999&w=1,foo&layer=%3Cscript%3E&head=-1&%E0%A4%A=%';
    await page.goto(`${session.server.url}?ep=wasm${hash}`);
    await waitForGeneration(page);
    expect(await prompt().inputValue()).toBe('a blue circle in the center');
    expect(await page.getByRole('spinbutton', { name: 'Steps' }).inputValue()).toBe('4');
    expect(await page.getByRole('combobox', { name: 'Colormap' }).inputValue()).toBe('inferno');
    expect(await page.getByRole('radio', { name: 'Heatmap' }).isChecked()).toBe(true);
    expect(await page.getByRole('slider', { name: 'Step' }).inputValue()).toBe('3');
    expect(await page.getByRole('combobox', { name: 'Layers' }).inputValue()).toBe('all');
    expect(
      await page.getByRole('button', { name: 'blue', exact: true }).getAttribute('aria-pressed'),
    ).toBe('false');
  });

  it('disables Generate for an empty or blank prompt, with a hint', async () => {
    await prompt().fill('   ');
    expect(await generate().isDisabled()).toBe(true);
    expect(await page.getByText('Type a prompt to generate').isVisible()).toBe(true);
  });

  it('warns before generating when no word is in the vocabulary, and marks unknown words', async () => {
    await prompt().fill('zebra xylophone quietly');
    const alert = page.getByRole('alert').filter({ hasText: 'None of these words' });
    expect(await alert.isVisible()).toBe(true);
    await prompt().fill('a red zebra');
    expect(await alert.count()).toBe(0);
    const unknown = page.locator('.tok.unknown');
    expect(await unknown.allTextContents()).toEqual(['zebra']);
    expect(await unknown.getAttribute('title')).toContain('not in the model');
    await page.screenshot({ path: `${SHOTS}/10-unknown-word.png` });
  });

  it('names the words cut when the prompt is too long', async () => {
    // The default model's own limit (v1: 20 tokens, v2: 28): <s> + maxTokens − 1 words fit, so with
    // maxTokens + 3 words the last four are cut, named in order.
    const maxTokens = await defaultMaxTokens();
    const words: string[] = Array.from({ length: maxTokens + 2 }, (_, i) =>
      i % 2 ? 'red' : 'blue',
    );
    words.push('finalword');
    await prompt().fill(words.join(' '));
    const notice = page.getByText('Too many words');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('“red”, “blue”, “red”, “finalword”');
    await page.screenshot({ path: `${SHOTS}/11-too-many-words.png` });
  });

  it('a Cancel mid-generation brings the previous result back, still explorable', async () => {
    await prompt().fill('a green triangle at the top and an orange square at the bottom');
    // 200 steps (the most allowed): the run must outlast the first live step's delivery (at most every
    // 100 ms) plus the click, even on an idle machine where 40 steps finished before the click landed.
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('200');
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await generate().click();
    await page.waitForFunction(
      () => {
        const ex = window.__wordlight!.explorer;
        return ex.generation.running && ex.stepCount >= 1;
      },
      null,
      { timeout: 120_000, polling: 100 },
    );
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Generation cancelled').waitFor();
    const state = await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      return {
        running: ex.generation.running,
        prompt: ex.record?.settings.prompt,
        complete: ex.record?.complete,
      };
    });
    expect(state).toEqual({
      running: false,
      prompt: 'a blue circle in the center',
      complete: true,
    });
    // Still explorable: hover a word of the previous prompt and the overlay shows its map.
    await page.getByRole('button', { name: 'blue', exact: true }).hover();
    expect(await page.evaluate(() => window.__wordlight!.explorer.overlay.a !== null)).toBe(true);
    const frame = await readOverlay(page);
    expect(new Set(frame.rgba).size).toBeGreaterThan(20);
    await page.screenshot({ path: `${SHOTS}/12-after-cancel.png` });
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });

  it('shows the file, the reason and a Retry when the model fails to load', async () => {
    const other = await launchBrowser(session.server.origin, { consoleErrors: false });
    try {
      const p = other.page;
      await p.setViewportSize({ width: 1280, height: 900 });
      await p.goto(`${session.server.url}?ep=wasm&model=missing`);
      const alert = p.getByRole('alert').filter({ hasText: 'The model did not load' });
      await alert.waitFor({ timeout: 120_000 });
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('models/missing/manifest.json');
      expect(text).toMatch(/404|missing/i);
      await p.getByRole('textbox', { name: 'Prompt', exact: true }).fill('a red circle');
      expect(await p.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
      await p.screenshot({ path: `${SHOTS}/13-model-load-failed.png` });
      await p.getByRole('button', { name: 'Retry' }).click();
      await alert.waitFor();
      expect(other.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('says so when there is no WebGL2', async () => {
    const p = await session.browser.newPage();
    await p.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (
        this: HTMLCanvasElement,
        type: string,
        ...rest: unknown[]
      ) {
        if (type === 'webgl2') return null;
        return (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
      } as typeof original;
    });
    await p.goto(`${session.server.url}?ep=wasm#p=`);
    const alert = p.getByRole('alert').filter({ hasText: 'No WebGL2' });
    await alert.waitFor();
    expect(await p.getByRole('textbox', { name: 'Prompt', exact: true }).isVisible()).toBe(true);
    await p.screenshot({ path: `${SHOTS}/14-no-webgl2.png` });
    await p.close();
    expect(session.browser.errors).toEqual([]);
  });
});
