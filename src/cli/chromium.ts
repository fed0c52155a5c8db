/**
 * The one headless Chromium setup, shared by the browser tests (test/browser/harness.ts) and the
 * browser benches (bench/app-page.ts: hover and scrub latency, soak), so the numbers the bench
 * reports come from the browser the tests check: WebGPU and WebGL on SwiftShader, nothing phoning
 * home.
 *
 * The page itself is composited on the CPU (`--disable-gpu-compositing`), as Chrome does on a
 * machine without a usable GPU: it falls back to its software display compositor, and SwiftShader
 * serves WebGL (and WebGPU) only. Without the flag, `--use-angle=swiftshader` also routes every
 * composited frame through SwiftShader GL, which Chrome never picks for a user: each live frame
 * then cost ~86 ms of GPU-process CPU (SkiaOutputSurfaceImplOnGpu::SwapBuffers in a trace), taken
 * from the core the WASM worker computes on, and click → final frame of a 25-step generation was
 * 0.88x as long with the flag (bench/README.md, issue 14).
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-gpu-compositing',
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
