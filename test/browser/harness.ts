/**
 * Shared helpers for the browser tests: a Vite dev server on 127.0.0.1 (the project's
 * vite.config.ts, so COOP/COEP headers and the Svelte plugin apply) and headless Chromium driven by
 * playwright-core, with every request to another origin blocked (the app must work offline) and page
 * errors recorded so a test can assert there were none.
 *
 *   const server = await startServer();
 *   const b = await launchBrowser(server.origin);
 *   await b.page.goto(`${server.url}test/browser/pages/blank.html`);
 *   … expect(b.errors).toEqual([]); await b.close(); await server.close();
 *
 * or, for a whole test file or describe block, `const session = useBrowserSession(config)`.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';
import { launchChromium } from '../../src/cli/chromium.ts';

export interface ServerHandle {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Origin without the slash, e.g. http://127.0.0.1:41234 */
  origin: string;
  server: ViteDevServer;
  close(): Promise<void>;
}

/** Starts the Vite dev server on 127.0.0.1 and a free port. `config` is merged over vite.config.ts. */
export async function startServer(config: InlineConfig = {}): Promise<ServerHandle> {
  const server = await createServer({
    clearScreen: false,
    logLevel: 'error',
    ...config,
    server: { host: '127.0.0.1', port: 0, strictPort: false, ...config.server },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) {
    await server.close();
    throw new Error('Vite did not report a local URL');
  }
  const base = url.endsWith('/') ? url : `${url}/`;
  return { url: base, origin: new URL(base).origin, server, close: () => server.close() };
}

export interface BrowserHandle {
  browser: Browser;
  context: BrowserContext;
  /** A first page, already wired to `errors`. */
  page: Page;
  /** Uncaught page errors and console.error messages, in order. */
  errors: string[];
  /** URLs that were blocked because they left the server origin. */
  blocked: string[];
  /** Another page in the same context, wired to `errors` too. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Also record console.error messages as errors (default true). */
  consoleErrors?: boolean;
  /** Echo the page's console to the test output (debugging). */
  echoConsole?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
}

/**
 * Launches Chromium with a fresh user-data-dir and blocks every request that
 * does not go to `origin` (data: and blob: URLs stay allowed).
 */
export async function launchBrowser(
  origin: string,
  options: LaunchOptions = {},
): Promise<BrowserHandle> {
  const browser = await launchChromium(options.args);
  const context = await browser.newContext();
  const errors: string[] = [];
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (
      url.startsWith(`${origin}/`) ||
      url === origin ||
      url.startsWith('data:') ||
      url.startsWith('blob:')
    ) {
      await route.continue();
    } else {
      blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  const wire = (page: Page): Page => {
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (msg) => {
      if (options.echoConsole) console.log(`[page ${msg.type()}] ${msg.text()}`);
      if (msg.type() === 'error' && (options.consoleErrors ?? true))
        errors.push(`console.error: ${msg.text()}`);
    });
    return page;
  };
  const page = wire(await context.newPage());
  return {
    browser,
    context,
    page,
    errors,
    blocked,
    newPage: async () => wire(await context.newPage()),
    close: () => browser.close(),
  };
}

/** A same-origin, cross-origin-isolated blank page for `page.evaluate(() => import('/src/…'))`. */
export const BLANK_PAGE = 'test/browser/pages/blank.html';

/**
 * Starts a server and a Chromium confined to its origin before the enclosing file or describe block
 * (beforeAll, ahead of the block's own hooks) and stops both after it (afterAll, last). Read
 * `session.server` / `session.browser` inside hooks and tests, not at import time.
 */
export function useBrowserSession(
  config: InlineConfig = {},
  options: LaunchOptions = {},
): { readonly server: ServerHandle; readonly browser: BrowserHandle } {
  let server: ServerHandle | undefined;
  let browser: BrowserHandle | undefined;
  beforeAll(async () => {
    server = await startServer(config);
    browser = await launchBrowser(server.origin, options);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(handle: T | undefined): T => {
    if (handle === undefined)
      throw new Error('browser session not started: use it inside hooks and tests');
    return handle;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
  };
}
