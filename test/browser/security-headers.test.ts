/**
 * The page runs locked down (security-headers.ts): the dev server sends the CSP, nosniff,
 * Referrer-Policy and the .onnx type, and in real Chromium neither the page nor its workers
 * (the generation worker, ORT's WASM, tfjs, three.js, every exporter) trip the policy during load,
 * a generation on WASM and on WebGPU (auto), and every export format. Violations are caught three
 * ways: the document's securitypolicyviolation event, the report-uri reports (workers too) and
 * Chromium's "Refused to …" console errors. A last test injects an inline script: it must not run,
 * and the same watchers must report it (so an empty list above means no violation, not a deaf
 * watcher).
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../security-headers.ts';
import { STABLE_SERVER, waitForGeneration } from './explorer-helpers.ts';
import { useBrowserSession } from './harness.ts';

const REPORT = '/__csp-report';
const session = useBrowserSession({
  ...STABLE_SERVER,
  server: {
    ...STABLE_SERVER.server,
    headers: {
      'Content-Security-Policy': `${process.env.CSP_TEST_POLICY ?? CONTENT_SECURITY_POLICY}; report-uri ${REPORT}`,
    },
  },
});
const reports: string[] = [];

async function watchedPage(): Promise<Page> {
  const page = await session.browser.newPage();
  await page.route(`**${REPORT}`, async (route) => {
    reports.push(route.request().postData() ?? '(empty report)');
    await route.fulfill({ status: 204 });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
  });
  return page;
}

async function violations(page: Page): Promise<string[]> {
  const inPage = await page.evaluate(
    () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
  );
  const console = session.browser.errors.filter((e) =>
    /Content Security Policy|Refused to/i.test(e),
  );
  return [...inPage, ...reports, ...console];
}

describe('security headers (dev server)', () => {
  it('sends CSP, nosniff, Referrer-Policy, isolation and the .onnx type', async () => {
    const page = await fetch(session.server.url);
    for (const name of [
      'X-Content-Type-Options',
      'Referrer-Policy',
      'Cross-Origin-Opener-Policy',
    ]) {
      expect(page.headers.get(name), name).toBe(SECURITY_HEADERS[name]);
    }
    expect(page.headers.get('Content-Security-Policy')).toContain(
      "script-src 'self' 'wasm-unsafe-eval'",
    );
    const onnx = await fetch(`${session.server.url}models/scenes/unet.onnx`, { method: 'HEAD' });
    expect(onnx.headers.get('Content-Type')).toBe('application/octet-stream');
    expect(onnx.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const html = await page.text();
    // No inline script: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });

  let page: Page;
  beforeAll(async () => {
    page = await watchedPage();
    await page.setViewportSize({ width: 1280, height: 1100 });
  });

  for (const ep of ['wasm', 'auto']) {
    it(`loads and generates on ${ep} with no CSP violation`, async () => {
      await page.goto(
        `${session.server.url}?ep=${ep}#p=a%20red%20circle%20on%20the%20left&steps=4`,
        {
          timeout: 120_000,
        },
      );
      await waitForGeneration(page);
      // The worker must really have run the model (a blocked worker would leave no record).
      expect(await page.evaluate(() => window.__wordlight!.explorer.record!.steps.length)).toBe(4);
      await page.getByRole('button', { name: 'red', exact: true }).hover();
      await page.getByRole('button', { name: 'red', exact: true }).click();
      expect(await violations(page)).toEqual([]);
    });
  }

  it('exports every format with no CSP violation', async () => {
    const formats: [string, RegExp][] = [
      ['GIF', /\.gif$/],
      ['WebM', /\.webm$/],
      ['PNG', /\.png$/],
      ['Poster', /\.png$/],
      ['Data', /\.zip$/],
    ];
    for (const [label, file] of formats) {
      const radio = page.getByRole('radio', { name: label, exact: true });
      if (await radio.isDisabled()) continue; // WebM without an encoder: its reason is shown instead
      await radio.check({ force: true });
      const button = page.getByRole('button', { name: /^Export / });
      await expect.poll(() => button.isDisabled()).toBe(false);
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      expect(download.suggestedFilename(), label).toMatch(file);
    }
    expect(await violations(page)).toEqual([]);
    expect(session.browser.blocked).toEqual([]);
  });

  // Last: it trips the policy on purpose (the checks above read the same console log).
  it('really blocks: an injected inline script is refused, and the watchers see it', async () => {
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 200));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false;
    });
    expect(ran).toBe(false);
    // Each of the three watchers saw it: the event, a report, Chromium's console line.
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
      )
      .toContainEqual(expect.stringMatching(/^script-src\S* inline /));
    await expect
      .poll(() => reports.join('\n'), { timeout: 10_000 })
      .toMatch(/"blocked-uri":"inline"/);
    expect(
      session.browser.errors.some(
        (e) => /inline script/i.test(e) && /Content Security Policy/.test(e),
      ),
    ).toBe(true);
  });
});
