import { describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { Explorer } from '../../../src/state/explorer.svelte.ts';
import { PANEL_REFRESH_MS } from '../../../src/state/generation.svelte.ts';
import { ModelLoadError } from '../../../src/core/errors.ts';
import { ControlledGenerator, countingComputer } from './fakes.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

async function started(prompt = 'a red circle') {
  const gen = new ControlledGenerator();
  const computer = countingComputer();
  const ex = new Explorer(gen, computer);
  ex.settings.prompt = prompt;
  ex.settings.steps = 3;
  const done = ex.generate();
  await tick();
  return { gen, computer, ex, done };
}

describe('Explorer', () => {
  it('shows steps live and follows the newest one while generating', async () => {
    const { gen, ex, done } = await started();
    expect(ex.generation.running).toBe(true);
    expect(ex.stepCount).toBe(0);
    gen.emit();
    gen.emit();
    expect(ex.stepCount).toBe(2);
    expect(ex.step).toBe(1);
    expect(ex.generation.progress).toEqual({ done: 2, total: 3, msPerStep: 1 });
    gen.emit();
    gen.finish();
    await done;
    expect(ex.generation.running).toBe(false);
    expect(ex.step).toBe(2);
    expect(ex.generation.progress.done).toBe(ex.generation.progress.total);
  });

  it('side panels follow a live run at most every PANEL_REFRESH_MS, and the whole record at its end', async () => {
    vi.useFakeTimers();
    try {
      const { gen, ex, done } = await (async () => {
        const gen = new ControlledGenerator();
        const ex = new Explorer(gen, countingComputer());
        ex.settings.prompt = 'a red circle';
        ex.settings.steps = 5;
        const done = ex.generate();
        await vi.advanceTimersByTimeAsync(0);
        return { gen, ex, done };
      })();
      gen.emit(); // the first step reaches the panels at once
      expect([ex.stepCount, ex.panelStepCount, ex.panelStep]).toEqual([1, 1, 0]);
      gen.emit();
      gen.emit(); // the viewer follows every step; the panels hold until the interval is over
      expect([ex.stepCount, ex.step, ex.panelStepCount]).toEqual([3, 2, 1]);
      expect(ex.series?.t.length).toBe(1);
      const held = ex.statsOf(1); // the chips' figures are those of the panels' step (0), not step 2
      vi.advanceTimersByTime(PANEL_REFRESH_MS); // the catch-up brings the newest live record
      expect([ex.panelStepCount, ex.panelStep]).toEqual([3, 2]);
      expect(ex.series?.t.length).toBe(3);
      expect([held?.peak, ex.statsOf(1)?.peak]).toEqual([1, 3]); // the fake map is position + step
      gen.emit();
      gen.emit();
      gen.finish(); // the end reaches the panels at once, and no catch-up is left pending
      await done;
      expect([ex.panelStepCount, ex.panelStep, ex.series?.t.length]).toEqual([5, 4, 5]);
      expect(ex.generation.panelRecord).toBe(ex.record);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a scrub during generation stops following; the image follows the step and kind', async () => {
    const { gen, ex } = await started();
    gen.emit();
    gen.emit();
    ex.step = 0;
    gen.emit();
    expect(ex.step).toBe(0);
    expect(ex.image?.data[0]).toBe(-0);
    ex.step = 2;
    ex.selection.imageKind = 'xt';
    expect(ex.image?.data[0]).toBe(2);
  });

  it('hovering re-selects cached maps without computing again', async () => {
    const { gen, ex, computer, done } = await started();
    gen.emit();
    gen.emit();
    gen.emit();
    gen.finish();
    await done;
    ex.selection.hovered = 1;
    expect(ex.overlay.a?.data[0]).toBe(1 + 2);
    const calls = computer.calls;
    for (const position of [2, 3, 1, 2]) {
      ex.selection.hovered = position;
      expect(ex.overlay.a?.data[0]).toBe(position + 2);
    }
    expect(computer.calls).toBe(calls);
    ex.step = 0;
    expect(ex.overlay.a?.data[0]).toBe(2);
    expect(computer.calls).toBe(calls + 1);
  });

  it('two pins switch a heatmap to compare, unpinning switches back', async () => {
    const { gen, ex, done } = await started();
    gen.emit();
    gen.finish();
    await done;
    ex.togglePin(1);
    expect(ex.settings.mode).toBe('heatmap');
    ex.togglePin(2);
    expect(ex.settings.mode).toBe('compare');
    expect(ex.overlay.mode).toBe('compare');
    expect(ex.overlay.a?.data[0]).toBe(1);
    expect(ex.overlay.b?.data[0]).toBe(2);
    ex.togglePin(2);
    expect(ex.settings.mode).toBe('heatmap');
  });

  it('chips hide special tokens unless asked and mark unknown words', async () => {
    const { ex } = await started();
    expect(ex.chips.map((c) => c.label)).toEqual(['a', 'red', 'circle']);
    expect(ex.chips.find((c) => c.label === 'circle')?.inVocab).toBe(false);
    ex.settings.showSpecial = true;
    expect(ex.chips.map((c) => c.label)).toEqual(['<s>', 'a', 'red', 'circle', '<pad>', '<pad>']);
  });

  it('a cancel brings the previous complete result back', async () => {
    const { gen, ex, done } = await started();
    gen.emit();
    gen.finish();
    await done;
    const first = ex.record;
    ex.settings.prompt = 'a red square';
    const second = ex.generate();
    await tick();
    gen.emit();
    expect(ex.record?.settings.prompt).toBe('a red square');
    gen.cancelRun();
    await second;
    expect(ex.record).toBe(first);
    expect(ex.generation.notice?.kind).toBe('cancelled');
    expect(ex.generation.running).toBe(false);
  });

  it('keeps the load failure (file and reason) for the retry panel', async () => {
    const gen = new ControlledGenerator();
    gen.failLoad = new ModelLoadError('/models/x/manifest.json', 'HTTP 404');
    const ex = new Explorer(gen, countingComputer());
    await ex.generation.load();
    expect(ex.generation.modelStatus).toBe('failed');
    expect(ex.generation.loadFailure).toEqual({
      file: '/models/x/manifest.json',
      reason: 'HTTP 404',
    });
    gen.failLoad = null;
    await ex.generation.load();
    expect(ex.generation.modelStatus).toBe('ready');
  });

  it('restores state from a hash and writes it back the same', async () => {
    const { gen, ex, done } = await started();
    gen.emit();
    gen.emit();
    gen.emit();
    gen.finish();
    await done;
    ex.togglePin(2);
    ex.step = 1;
    ex.settings.colormap = 'jet';
    const hash = ex.hash;
    const other = new Explorer(new ControlledGenerator(), countingComputer());
    expect(other.applyHash(hash)).toBe(true);
    expect(other.settings.prompt).toBe('a red circle');
    expect(other.selection.pinned).toEqual([2]);
    expect(other.selection.step).toBe(1);
    expect(other.settings.colormap).toBe('jet');
    flushSync();
  });

  it('a link made while the model loads carries no placeholder seed, steps or guidance', () => {
    const ex = new Explorer(new ControlledGenerator(), countingComputer());
    ex.applyHash('#p=a%20red%20circle');
    const params = new URLSearchParams(ex.hash.slice(1));
    expect(params.get('p')).toBe('a red circle');
    expect([params.has('seed'), params.has('steps'), params.has('g')]).toEqual([
      false,
      false,
      false,
    ]);
    // What the link or the user set is carried even before the defaults arrive.
    ex.settings.steps = 12;
    expect(new URLSearchParams(ex.hash.slice(1)).get('steps')).toBe('12');
    ex.settings.applyDefaults({ steps: 25, guidance: 4, seed: 0 });
    const after = new URLSearchParams(ex.hash.slice(1));
    expect([after.get('steps'), after.get('g'), after.get('seed')]).toEqual(['12', '4', '0']);
  });

  it('a link carries the view: cumulative, opacity, normalisation, scale, τ, image, smoothing', async () => {
    const { gen, ex, done } = await started();
    gen.emit();
    gen.emit();
    gen.finish();
    await done;
    ex.selection.cumulative = true;
    ex.selection.imageKind = 'xt';
    ex.settings.opacity = 0.3;
    ex.settings.normalize = 'absolute';
    ex.settings.scale = 'word';
    ex.settings.tau = 0.65;
    ex.settings.smooth = true;
    const other = new Explorer(new ControlledGenerator(), countingComputer());
    other.applyHash(ex.hash);
    expect(other.hash).toBe(ex.hash);
    expect(other.selection.cumulative).toBe(true);
    expect(other.selection.imageKind).toBe('xt');
    expect(other.settings.overlay).toEqual({ ...ex.settings.overlay });
    expect(other.settings.scale).toBe('word');
    // A bad value is dropped with a reason; the prompt and the other fields still apply.
    const bad = new Explorer(new ControlledGenerator(), countingComputer());
    expect(bad.applyHash('#p=a%20red%20circle&tau=7&op=0.2')).toBe(true);
    expect(bad.settings.tau).toBe(0.4);
    expect(bad.settings.opacity).toBe(0.2);
    expect(bad.droppedFields.map((d) => d.key)).toEqual(['tau']);
    flushSync();
  });
});

describe('model defaults', () => {
  it('fill only the settings nobody set: typed or linked values win', async () => {
    const ex = new Explorer(new ControlledGenerator(), countingComputer());
    ex.settings.seed = 7;
    await ex.ensureModel();
    expect(ex.settings.seed).toBe(7);
    expect(ex.settings.steps).toBe(3); // the fake manifest's default
    const linked = new Explorer(new ControlledGenerator(), countingComputer());
    linked.applyHash('#steps=9');
    await linked.ensureModel();
    expect(linked.settings.steps).toBe(9);
    expect(linked.settings.seed).toBe(1);
  });
});
