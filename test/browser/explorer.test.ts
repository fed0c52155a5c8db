/**
 * The explorer end to end in real headless Chromium with the real model in its worker (WASM):
 * type a prompt, generate, watch it arrive step by step, switch to Mask, hover a colour word and
 * check that the lit region lies on that object's pixels (IoU with the object's colour mask in the
 * generated image), hover the other colour word and check its object lights instead, scrub to the
 * first step, copy the link and reload it. No request may leave the origin, no page error.
 * Screenshots go to test-results/explorer/ — look at them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import {
  colourMask,
  count,
  finalImage,
  iou,
  litCells,
  readOverlay,
  SHOTS,
  STABLE_SERVER,
  waitForGeneration,
  type Readback,
} from './explorer-helpers.ts';

const PROMPT = 'a red circle on the left and a blue square on the right';
// Long enough that the run outlasts the Cancel check and several live updates (the page gets at most
// 10 step updates a second) on an idle machine, where 12 steps took well under a second.
const STEPS = 40;
const SEED = 7;

const session = useBrowserSession(STABLE_SERVER);
let page: Page;

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(`${session.server.url}?ep=wasm#p=`);
});

const chip = (word: string) => page.getByRole('button', { name: word, exact: true });

describe('explorer', () => {
  it('starts with Generate disabled and a hint, then takes a typed prompt', async () => {
    const generate = page.getByRole('button', { name: 'Generate' });
    await expect.poll(() => generate.isDisabled()).toBe(true);
    expect(await page.getByText('Type a prompt to generate').isVisible()).toBe(true);
    await page.getByRole('spinbutton', { name: 'Steps' }).fill(String(STEPS));
    await page.getByRole('spinbutton', { name: 'Steps' }).blur();
    await page.getByRole('spinbutton', { name: 'Seed' }).fill(String(SEED));
    await page.getByRole('spinbutton', { name: 'Seed' }).blur();
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(PROMPT);
    expect(await generate.isDisabled()).toBe(false);
  });

  it('generates on Enter, live: steps arrive one by one and hover works meanwhile', async () => {
    // The model finishes loading first (the badge names the provider).
    await page.getByText('WASM', { exact: false }).first().waitFor({ timeout: 120_000 });
    // Record, in the page, every step count seen while the model runs.
    await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      const seen = new Set<number>();
      (window as unknown as { __seen: Set<number> }).__seen = seen;
      const timer = setInterval(() => {
        if (ex.generation.running) seen.add(ex.stepCount);
        else if (seen.size > 0) clearInterval(timer);
      }, 5);
    });
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).press('Enter');
    await page.getByRole('button', { name: 'Cancel' }).waitFor();
    // Hover a word while the model is still running (checked in the same task as the hover):
    // the map shows and a frame is drawn right away.
    const live = await page.evaluate(async () => {
      const ex = window.__wordlight!.explorer;
      await new Promise<void>((resolve) => {
        const poll = (): void => {
          if (ex.generation.running && ex.stepCount >= 2) resolve();
          else setTimeout(poll, 2);
        };
        poll();
      });
      const running = ex.generation.running;
      const steps = ex.stepCount;
      const before = ex.renderer!.frames;
      const chip = [...document.querySelectorAll('button[data-position]')].find(
        (b) => b.textContent === 'red',
      );
      chip!.dispatchEvent(new PointerEvent('pointerenter'));
      await new Promise((r) => setTimeout(r, 0));
      return {
        running,
        steps,
        drew: ex.renderer!.frames > before,
        mapShown: ex.overlay.a !== null,
      };
    });
    expect(live).toMatchObject({ running: true, drew: true, mapShown: true });
    expect(live.steps).toBeLessThan(STEPS);
    await page.screenshot({ path: `${SHOTS}/01-live.png` });
    await page.evaluate(() => {
      window.__wordlight!.explorer.selection.hovered = null;
    });
    await waitForGeneration(page);
    const seen = await page.evaluate(() => [
      ...(window as unknown as { __seen: Set<number> }).__seen,
    ]);
    expect(seen.length, `step counts seen while running: ${seen.join(',')}`).toBeGreaterThanOrEqual(
      4,
    );
    const bar = page.getByRole('progressbar', { name: 'Generation progress' });
    expect(await bar.getAttribute('aria-valuenow')).toBe(String(STEPS));
    expect(await bar.getAttribute('aria-valuemax')).toBe(String(STEPS));
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  let plain: Readback;
  const lit: Record<string, boolean[]> = {};
  const objects: Record<string, boolean[]> = {};

  it('in Mask mode, hovering a colour word lights that object', async () => {
    // DAAM's τ-mask: each word's map min–max normalised on its own (the eval's IoU, too).
    await page
      .getByRole('radiogroup', { name: 'Scale' })
      .getByRole('radio', { name: 'Per word' })
      .check();
    await page
      .getByRole('radiogroup', { name: 'Overlay mode' })
      .getByRole('radio', { name: 'Mask' })
      .check();
    await page.mouse.move(0, 0);
    await page.evaluate(() => {
      window.__wordlight!.explorer.selection.hovered = null;
    });
    plain = await readOverlay(page);
    await page.screenshot({ path: `${SHOTS}/02-final.png` });
    const img = await finalImage(page);
    for (const colour of ['red', 'blue']) objects[colour] = colourMask(img, colour);
    // The model must have painted both objects, or the attention check below means nothing.
    expect(count(objects.red!), 'red pixels in the generated image').toBeGreaterThan(12);
    expect(count(objects.blue!), 'blue pixels in the generated image').toBeGreaterThan(12);

    for (const colour of ['red', 'blue']) {
      await chip(colour).hover();
      const frame = await readOverlay(page);
      await page.screenshot({ path: `${SHOTS}/03-mask-${colour}.png` });
      lit[colour] = litCells(frame, plain, img.w, img.h);
    }
    const other = { red: 'blue', blue: 'red' } as const;
    for (const colour of ['red', 'blue'] as const) {
      const own = iou(lit[colour]!, objects[colour]!);
      const wrong = iou(lit[colour]!, objects[other[colour]]!);
      console.log(
        `${colour}: lit ${count(lit[colour]!)} px, IoU own ${own.toFixed(2)}, other ${wrong.toFixed(2)}`,
      );
      expect(count(lit[colour]!), `${colour}: some region is lit`).toBeGreaterThan(0);
      expect(own, `${colour}: IoU with its own object`).toBeGreaterThan(0.3);
      expect(own, `${colour}: lights its own object, not the other`).toBeGreaterThan(wrong + 0.15);
    }
    // The two words light different regions.
    expect(iou(lit.red!, lit.blue!)).toBeLessThan(0.5);
  });

  it('shows the heatmap, pins, and compares two pinned words', async () => {
    await page
      .getByRole('radiogroup', { name: 'Overlay mode' })
      .getByRole('radio', { name: 'Heatmap' })
      .check();
    await chip('red').hover();
    await page.screenshot({ path: `${SHOTS}/04-heatmap-red.png` });
    await chip('red').click();
    await chip('blue').click();
    expect(await chip('red').getAttribute('aria-pressed')).toBe('true');
    expect(await chip('blue').getAttribute('aria-pressed')).toBe('true');
    await page.mouse.move(0, 0);
    expect(await page.getByRole('radio', { name: 'Compare' }).isChecked()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/05-compare.png` });
    // Keyboard: Tab to a chip, arrows move, Enter pins.
    await chip('blue').click(); // unpin blue: back to one pin
    await chip('a').first().focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('red');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await chip('circle').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await chip('circle').getAttribute('aria-pressed')).toBe('false');
  });

  it('shows special tokens behind a toggle, and explains how to read the maps, live', async () => {
    expect(await chip('<s>').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Show special tokens' }).check();
    await chip('<s>').hover();
    expect(await page.evaluate(() => window.__wordlight!.explorer.selection.hovered)).toBe(0);
    await page.mouse.move(0, 0);
    await page.getByRole('button', { name: 'How to read this' }).click();
    const panel = page.getByRole('complementary', { name: 'How to read this' });
    await panel.waitFor();
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('descriptive');
    expect(text).toContain('not importance');
    expect(text).toMatch(/Special tokens take \d+%/);
    expect(await panel.locator('.bars .name').count()).toBeGreaterThan(10);
    await page.screenshot({ path: `${SHOTS}/05b-how-to-read.png` });
    await panel.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('checkbox', { name: 'Show special tokens' }).uncheck();
  });

  it('scrubbing to the first step changes the image', async () => {
    await page
      .getByRole('radiogroup', { name: 'Overlay mode' })
      .getByRole('radio', { name: 'Mask' })
      .check();
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const last = await readOverlay(page);
    const slider = page.getByRole('slider', { name: 'Step' });
    await slider.focus();
    await page.keyboard.press('Home');
    expect(await slider.inputValue()).toBe('0');
    const first = await readOverlay(page);
    let diff = 0;
    for (let i = 0; i < first.rgba.length; i++) diff += Math.abs(first.rgba[i]! - last.rgba[i]!);
    expect(diff / first.rgba.length, 'mean per-channel change').toBeGreaterThan(5);
    await page.screenshot({ path: `${SHOTS}/06-first-step.png` });
    await page.getByRole('radio', { name: 'xₜ noisy' }).check();
    await page.screenshot({ path: `${SHOTS}/07-first-step-xt.png` });
    await page.getByRole('radio', { name: 'x̂₀ predicted' }).check();
  });

  it('previews a hover in a corner of the full-size buffer, then refines without CSS', async () => {
    const r = await page.evaluate(async () => {
      const renderer = window.__wordlight!.explorer.renderer!;
      const canvas = renderer.renderer.domElement;
      const nextFrame = () =>
        new Promise<void>((resolve) => {
          renderer.onFrame = () => {
            renderer.onFrame = null;
            resolve();
          };
        });
      const look = () => ({
        scale: renderer.drawScale,
        size: [canvas.width, canvas.height],
        transform: canvas.style.transform,
        clipPath: canvas.style.clipPath,
      });
      const word = [...document.querySelectorAll('button[data-position]')].find(
        (b) => b.textContent === 'blue',
      )!;
      const before = look();
      let frame = nextFrame();
      word.dispatchEvent(new PointerEvent('pointerenter'));
      await frame;
      const preview = look();
      frame = nextFrame();
      await frame; // the full-resolution refinement, once nothing changes
      const refined = look();
      word.dispatchEvent(new PointerEvent('pointerleave'));
      return { before, preview, refined };
    });
    // SwiftShader (these tests) is far too slow for full frames on hover: a preview comes first.
    expect(r.preview.scale).toBeLessThan(1);
    // The drawing buffer is never resized for it (that reallocation cost milliseconds a hover).
    expect(r.preview.size).toEqual(r.before.size);
    expect(r.refined.size).toEqual(r.before.size);
    expect(r.preview.transform).toMatch(/^scale\(/);
    expect(r.preview.clipPath).toMatch(/^inset\(/);
    expect(r.refined).toMatchObject({ scale: 1, transform: '', clipPath: '' });
  });

  it('the copied link brings the state back', async () => {
    await page.getByRole('combobox', { name: 'Colormap' }).selectOption('viridis');
    await page.getByRole('combobox', { name: 'Layers' }).selectOption('attn_up_1_0');
    await page.getByRole('combobox', { name: 'Head' }).selectOption('1');
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toContain('#');
    await page.screenshot({ path: `${SHOTS}/08-before-link.png` });

    const second = await session.browser.newPage();
    await second.setViewportSize({ width: 1280, height: 1100 });
    await second.goto(link);
    await waitForGeneration(second);
    expect(await second.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(
      PROMPT,
    );
    expect(await second.getByRole('spinbutton', { name: 'Seed' }).inputValue()).toBe(String(SEED));
    expect(await second.getByRole('spinbutton', { name: 'Steps' }).inputValue()).toBe(
      String(STEPS),
    );
    expect(await second.getByRole('slider', { name: 'Step' }).inputValue()).toBe('0');
    expect(
      await second.getByRole('button', { name: 'red', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await second.getByRole('combobox', { name: 'Colormap' }).inputValue()).toBe('viridis');
    expect(await second.getByRole('radio', { name: 'Mask' }).isChecked()).toBe(true);
    expect(await second.getByRole('combobox', { name: 'Layers' }).inputValue()).toBe('attn_up_1_0');
    expect(await second.getByRole('combobox', { name: 'Head' }).inputValue()).toBe('1');
    // Same seed, same prompt: the same picture.
    const a = await readOverlay(page);
    const b = await readOverlay(second);
    let diff = 0;
    for (let i = 0; i < a.rgba.length; i++)
      diff = Math.max(diff, Math.abs(a.rgba[i]! - b.rgba[i]!));
    expect(diff).toBeLessThanOrEqual(2);
    await second.screenshot({ path: `${SHOTS}/09-reloaded-link.png` });
    await second.close();
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
