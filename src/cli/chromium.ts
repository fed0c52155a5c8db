/**
 * The one headless Chromium setup, shared by the browser tests (test/browser/harness.ts) and the
 * browser benches (bench/app-page.ts: hover and scrub latency, soak), so the numbers the bench
 * reports come from the browser the tests check: WebGPU and WebGL on SwiftShader, nothing phoning
 * home.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Chromium with those flags (plus `extraArgs`), from a fresh temporary user-data-dir that
 * Playwright deletes on close.
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
  });
}
