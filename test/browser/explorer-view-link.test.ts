/**
 * Issue 13 in real headless Chromium with the real model: the Attention over steps chart (drawn,
 * highlighted, scrubbed, exported as CSV and SVG); a copied link reopens the
 * same view (Cumulative, Opacity, normalisation, Scale, τ, x̂₀/xₜ, smoothing, the Compare pins and
 * mode; overlay pixels read back and compared, not just control values), a bad value gives the
 * link notice and keeps the prompt; Compare shows the pair's IoU of τ-masks and a key in colours
 * chosen away from the scene's own. Screenshots in test-results/explorer/ — look at them.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSession } from './harness.ts';
import {
  PALETTE,
  readOverlay,
  SHOTS,
  STABLE_SERVER,
  waitForGeneration,
} from './explorer-helpers.ts';

const EXAMPLE = 'a red circle on the left and a blue square on the right';
const session = useBrowserSession(STABLE_SERVER);
let page: Page;
let link = '';
let shownFirst: Uint8Array;

const chip = (p: Page, word: string) => p.getByRole('button', { name: word, exact: true }).first();
const radio = (p: Page, group: string, name: string) =>
  p.getByRole('radiogroup', { name: group }).getByRole('radio', { name });

beforeAll(async () => {
  page = session.browser.page;
  await page.setViewportSize({ width: 1280, height: 800 });
  page.setDefaultNavigationTimeout(180_000);
  await page.goto(`${session.server.url}?ep=wasm#p=${encodeURIComponent(EXAMPLE)}&seed=3&steps=8`);
  await waitForGeneration(page, 280_000);
});

describe('attention over steps', () => {
  it('draws a line per content word, highlights the hovered one, marks and scrubs the step', async () => {
    const figure = page.getByRole('figure', { name: 'Attention over steps' });
    await figure.scrollIntoViewIfNeeded();
    const words = await figure
      .locator('polyline')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-word')));
    expect(words).toEqual(['red', 'circle', 'left', 'blue', 'square', 'right']);
    await chip(page, 'blue').hover();
    expect(await figure.locator('polyline.focused').getAttribute('data-word')).toBe('blue');
    // Click near the left edge of the plot: the view goes to the first step.
    const svg = (await figure.locator('svg').boundingBox())!;
    await page.mouse.click(svg.x + svg.width * 0.08, svg.y + svg.height / 2);
    expect(await page.getByRole('slider', { name: 'Step' }).inputValue()).toBe('0');
    const markerX = async () => Number(await figure.locator('line.marker').getAttribute('x1'));
    const atFirst = await markerX();
    const slider = page.getByRole('slider', { name: 'Step' });
    await slider.focus();
    await page.keyboard.press('End');
    expect(await markerX()).toBeGreaterThan(atFirst);
    // The text alternative holds the numbers: one row per step.
    const steps = await page.evaluate(() => window.__wordlight!.explorer.stepCount);
    expect(await figure.locator('tbody tr').count()).toBe(steps);
    await page.screenshot({ path: `${SHOTS}/view-chart.png` });
  });

  it('exports the chart as CSV and as an SVG that parses', async () => {
    const figure = page.getByRole('figure', { name: 'Attention over steps' });
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      figure.getByRole('button', { name: 'CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(
      /^wordlight-a-red-circle-.*-s\d+-attention-over-steps\.csv$/,
    );
    const text = readFileSync(await csv.path(), 'utf8')
      .trim()
      .split('\n');
    const steps = await page.evaluate(() => window.__wordlight!.explorer.stepCount);
    expect(text[0]).toBe('step,t,red,circle,left,blue,square,right');
    expect(text).toHaveLength(steps + 1);
    const [svgFile] = await Promise.all([
      page.waitForEvent('download'),
      figure.getByRole('button', { name: 'SVG' }).click(),
    ]);
    const svgText = readFileSync(await svgFile.path(), 'utf8');
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      return {
        error: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.nodeName,
        lines: doc.getElementsByTagName('polyline').length,
      };
    }, svgText);
    expect(parsed).toEqual({ error: 0, root: 'svg', lines: 6 });
  });
});

/** The hash is written debounced (replaceState): wait until it carries `text`. */
async function hashHas(p: Page, text: string): Promise<void> {
  await p.waitForFunction((t) => location.hash.includes(t), text, { timeout: 10_000 });
}

/** Hue in degrees of an "rgb(r g b)" / "rgb(r, g, b)" CSS colour. */
function hueOf(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255) as [
    number,
    number,
    number,
  ];
  return hue(r, g, b);
}
function hue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  if (max === r) return 60 * (((g - b) / d + 6) % 6);
  if (max === g) return 60 * ((b - r) / d + 2);
  return 60 * ((r - g) / d + 4);
}
const hueDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

/** Share of bytes that differ by more than 2 between two readbacks of the same size. */
function differing(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 2) n++;
  return n / a.length;
}

/** The view's state as the controls show it. */
async function controls(p: Page) {
  const checked = async (group: string, name: string) => radio(p, group, name).isChecked();
  return {
    mode: await checked('Overlay mode', 'Compare'),
    cumulative: await checked('Map over steps', 'Cumulative'),
    xt: await checked('Image at this step', 'xₜ noisy'),
    perWord: await checked('Scale', 'Per word'),
    smooth: await checked('Image upsampling', 'Smooth'),
    opacity: await p.getByRole('slider', { name: 'Opacity' }).inputValue(),
    tau: await p.getByRole('slider', { name: 'Threshold τ' }).inputValue(),
    step: await p.getByRole('slider', { name: 'Step' }).getAttribute('aria-valuetext'),
    pinned: await p.evaluate(() => [...window.__wordlight!.explorer.selection.pinned]),
    key: await p.getByRole('group', { name: 'Compare key' }).textContent(),
    overlap: await p.getByLabel('Overlap', { exact: true }).textContent(),
  };
}

describe('Compare: a pair of words', () => {
  it('shows the IoU of their τ-masks and a key in colours away from the scene', async () => {
    await page.goto(
      `${session.server.url}?ep=wasm#p=${encodeURIComponent(EXAMPLE)}&seed=3&steps=8`,
    );
    await waitForGeneration(page, 400_000);
    await chip(page, 'red').click();
    await chip(page, 'blue').click();
    expect(await radio(page, 'Overlay mode', 'Compare').isChecked()).toBe(true);
    const key = page.getByRole('group', { name: 'Compare key' });
    await key.waitFor();
    expect(await key.textContent()).toContain('“red”');
    expect(await key.textContent()).toContain('“blue”');

    // The IoU, recomputed here from the two maps on screen (normalised as drawn, ≥ τ).
    const { maps, iou, tau } = await page.evaluate(() => {
      const ex = window.__wordlight!.explorer;
      const pos = (w: string) => ex.record!.tokens.find((t) => t.text === w)!.position;
      const m = (w: string) => {
        const x = ex.mapOf(pos(w))!;
        return { data: [...x.data], min: x.min, max: x.max };
      };
      return {
        maps: [m('red'), m('blue')],
        iou: ex.pair.overlap?.iou ?? null,
        tau: ex.settings.tau,
      };
    });
    const masks = maps.map(({ data, min, max }) =>
      data.map((v) => (max > min ? (v - min) / (max - min) : 0) >= tau),
    );
    let inter = 0;
    let union = 0;
    masks[0]!.forEach((a, i) => {
      const b = masks[1]![i]!;
      if (a && b) inter++;
      if (a || b) union++;
    });
    expect(union).toBeGreaterThan(0);
    expect(iou).toBeCloseTo(inter / union, 12);
    const overlap = await page.getByLabel('Overlap', { exact: true }).textContent();
    expect(overlap).toBe(`overlap (IoU of τ-masks, τ = 0.40): ${(inter / union).toFixed(2)}`);

    // The colours: far in hue from the red and blue objects (orange/azure would not be).
    const swatches = await key
      .locator('.swatch')
      .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(swatches).toHaveLength(2);
    const objectHues = [PALETTE.red!, PALETTE.blue!].map(([r, g, b]) => hue(r, g, b));
    for (const s of swatches) {
      const near = Math.min(...objectHues.map((h) => hueDistance(h, hueOf(s))));
      expect(near, `${s} against the red and blue objects`).toBeGreaterThanOrEqual(40);
    }
    expect(hueDistance(hueOf(swatches[0]!), hueOf(swatches[1]!))).toBeGreaterThanOrEqual(90);
    // The pinned chips are marked in the same two colours.
    const chipColour = await chip(page, 'red').evaluate((e) => getComputedStyle(e).borderTopColor);
    expect(chipColour).toBe(swatches[0]);
    // And the overlay is tinted with them: the red circle's centre moves towards colour A.
    const shown = await readOverlay(page);
    const { width: W, height: H, rgba } = shown;
    const at = (x: number, y: number) => {
      const i = (Math.round(y * H) * W + Math.round(x * W)) * 4;
      return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
    };
    console.log(
      `compare colours ${swatches.join(' / ')}; IoU ${iou}; circle centre ${at(0.26, 0.5)}`,
    );
    await page.screenshot({ path: `${SHOTS}/view-compare-key-1280x800.png` });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}/view-compare-key-1920x1080.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('a shared link', () => {
  it('reopens the same view: controls, key and overlay pixels', async () => {
    await radio(page, 'Map over steps', 'Cumulative').check();
    await radio(page, 'Image at this step', 'xₜ noisy').check();
    await radio(page, 'Scale', 'Per word').check();
    await radio(page, 'Image upsampling', 'Smooth').check();
    await page.getByRole('slider', { name: 'Opacity' }).fill('0.35');
    await page.getByRole('slider', { name: 'Threshold τ' }).fill('0.55');
    await page.getByRole('slider', { name: 'Step' }).fill('4');
    await hashHas(page, 'tau=0.55');
    await page.mouse.move(0, 0);
    await page.getByRole('button', { name: 'Copy link' }).click();
    link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
    console.log(`link: ${link}`);
    for (const part of [
      'cum=1',
      'op=0.35',
      'norm=minmax',
      'scale=word',
      'tau=0.55',
      'img=xt',
      'smooth=1',
      'mode=compare',
      's=4',
    ])
      expect(link).toContain(part);
    await page.getByRole('button', { name: 'Close link' }).click();
    const before = await controls(page);
    shownFirst = (await readOverlay(page)).rgba;

    const fresh = await session.browser.newPage();
    await fresh.setViewportSize({ width: 1280, height: 800 });
    await fresh.goto(link);
    await waitForGeneration(fresh, 400_000);
    await fresh.getByRole('group', { name: 'Compare key' }).waitFor();
    const after = await controls(fresh);
    expect(after).toEqual(before);
    expect(before).toMatchObject({
      mode: true,
      cumulative: true,
      xt: true,
      perWord: true,
      smooth: true,
    });
    expect(before.opacity).toBe('0.35');
    expect(before.tau).toBe('0.55');
    expect(before.step).toBe('step 5 of 8');
    const shownAgain = (await readOverlay(fresh)).rgba;
    const diff = differing(shownFirst, shownAgain);
    console.log(`restored link: ${(diff * 100).toFixed(3)} % of bytes differ by > 2`);
    expect(diff).toBe(0);
    await fresh.screenshot({ path: `${SHOTS}/view-restored-link-1280x800.png` });
    await fresh.setViewportSize({ width: 1920, height: 1080 });
    await fresh.waitForTimeout(300);
    await fresh.screenshot({ path: `${SHOTS}/view-restored-link-1920x1080.png` });

    // Control: the same link without the view fields (what the app kept before) is a different view.
    const bare = link.replace(/&(cum|op|norm|scale|tau|img|smooth)=[^&]*/g, '');
    await fresh.setViewportSize({ width: 1280, height: 800 });
    await fresh.goto('about:blank');
    await fresh.goto(bare);
    await waitForGeneration(fresh, 400_000);
    await fresh.getByRole('group', { name: 'Compare key' }).waitFor();
    const bareDiff = differing(shownFirst, (await readOverlay(fresh)).rgba);
    console.log(`link without the view fields: ${(bareDiff * 100).toFixed(1)} % of bytes differ`);
    expect(bareDiff).toBeGreaterThan(0.05);
    await fresh.close();
  });

  it('a bad view value gives the one-line notice, falls back and keeps the prompt', async () => {
    const fresh = await session.browser.newPage();
    await fresh.setViewportSize({ width: 1280, height: 800 });
    const bad = link.replace('tau=0.55', 'tau=7').replace('op=0.35', 'op=lots');
    await fresh.goto(bad);
    const notice = fresh.getByRole('status', { name: 'Link fields not used' });
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Threshold τ must be a number from 0 to 1 (got 7)');
    expect(text).toContain('Opacity must be a number from 0 to 1 (got "lots")');
    await waitForGeneration(fresh, 400_000);
    expect(await fresh.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(
      EXAMPLE,
    );
    expect(await fresh.getByRole('slider', { name: 'Threshold τ' }).inputValue()).toBe('0.4');
    expect(await fresh.getByRole('slider', { name: 'Opacity' }).inputValue()).toBe('0.6');
    // The other fields of the link still apply.
    expect(await radio(fresh, 'Map over steps', 'Cumulative').isChecked()).toBe(true);
    await fresh.close();
  });

  it('made no request off the origin and raised no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
