/**
 * WorkerGenerator in real Chromium: the engine in a Web Worker, records reassembled from
 * transferred step buffers, cancellation, a new generation replacing a running one, and load
 * errors arriving as ModelLoadError with the file named.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/core/manifest-types.ts';
import { useBrowserSession } from './harness.ts';
import type { WorkerTestResult } from './pages/worker-generator.ts';

describe('WorkerGenerator in Chromium', () => {
  const session = useBrowserSession({}, { consoleErrors: false });
  let r: WorkerTestResult;

  beforeAll(async () => {
    await session.browser.page.goto(
      `${session.server.url}test/browser/pages/worker-generator.html`,
    );
    await session.browser.page.waitForFunction(() => 'workerTest' in window);
    r = await session.browser.page.evaluate(() =>
      (window as unknown as { workerTest(): Promise<WorkerTestResult> }).workerTest(),
    );
  }, 300_000);

  it('loads in the worker on the requested provider', async () => {
    // Two threads, or one where the machine has two cores or fewer (one is left to the page).
    const cores = await session.browser.page.evaluate(() => navigator.hardwareConcurrency);
    expect(r.ep).toMatchObject({ name: 'wasm', threads: cores <= 2 ? 1 : 2 });
  });

  it('streams begin and one step event per step, with transferred attention', async () => {
    // every attention output of the manifest arrives each step; the first one is [heads, h*w, T]
    const { attention } = JSON.parse(
      await readFile('public/models/scenes/manifest.json', 'utf8'),
    ) as ModelManifest;
    const first = attention[0]!;
    const size = first.heads * first.resolution[0] * first.resolution[1] * 20;
    expect(r.events).toEqual([
      'begin:13',
      ...[0, 1, 2].map((i) => `step:${i}:${i + 1}/3:${attention.length}:${size}`),
    ]);
    expect(r.complete).toBe(true);
    expect(r.steps).toBe(3);
    expect(r.finalLength).toBe(3 * 32 * 32);
    expect(r.attentionIsFloat32).toBe(true);
  });

  it('cancels between steps with a partial record not marked complete', () => {
    // The cancel message crosses to the worker while it computes the next step, so 2 or 3 steps.
    expect(r.cancelled).toMatchObject({ isCancelled: true, complete: false });
    expect(r.cancelled.steps).toBeGreaterThanOrEqual(2);
    expect(r.cancelled.steps).toBeLessThan(20);
  });

  it('cancels a running generation when a new one starts', () => {
    expect(r.replaced).toEqual({ firstCancelled: true, secondComplete: true });
  });

  it('aggregates the worker record in the page', () => {
    expect(r.aggregate.resolution).toEqual([16, 16]);
    expect(r.aggregate.length).toBe(256);
    console.log(
      `wordMaps in Chromium (one word, one step, 16x16): ${r.aggregate.ms.toFixed(2)} ms (first call)`,
    );
  });

  it('reports a missing model as ModelLoadError naming the file', () => {
    expect(r.loadError.isModelLoadError).toBe(true);
    expect(r.loadError.file).toMatch(/\/models\/does-not-exist\/manifest\.json$/);
    expect(r.loadError.message).toMatch(/HTTP 404|not found/);
  });

  it('made no outside requests and threw no page errors', () => {
    expect(session.browser.blocked).toEqual([]);
    expect(session.browser.errors).toEqual([]);
  });
});
