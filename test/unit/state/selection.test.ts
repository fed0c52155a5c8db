import { describe, expect, it } from 'vitest';
import { SelectionState } from '../../../src/state/selection.svelte.ts';
import { PlaybackState } from '../../../src/state/playback.svelte.ts';

describe('SelectionState', () => {
  it('pins at most two words, dropping the oldest, and unpins on a second click', () => {
    const s = new SelectionState();
    expect(s.togglePin(1)).toBe(1);
    expect(s.togglePin(2)).toBe(2);
    expect(s.togglePin(3)).toBe(2);
    expect(s.pinned).toEqual([2, 3]);
    expect(s.togglePin(2)).toBe(1);
    expect(s.pinned).toEqual([3]);
  });

  it('shows the hovered word first, else the last pinned one', () => {
    const s = new SelectionState();
    expect(s.primary).toBeNull();
    s.togglePin(4);
    expect(s.primary).toBe(4);
    s.hovered = 6;
    expect(s.primary).toBe(6);
    expect(s.comparePair).toEqual([4, 6]);
    s.hovered = 4;
    expect(s.comparePair).toBeNull();
    s.togglePin(5);
    expect(s.comparePair).toEqual([4, 5]);
  });

  it('clamps the step and rejects bad heads', () => {
    const s = new SelectionState();
    s.step = 30;
    s.clampStep(20);
    expect(s.step).toBe(19);
    s.step = Number.NaN;
    expect(s.step).toBe(19);
    s.head = -1;
    expect(s.head).toBe('all');
    s.head = 2;
    expect(s.head).toBe(2);
  });
});

describe('PlaybackState', () => {
  it('advances and wraps the step, restarting from the first when played at the end', () => {
    const s = new SelectionState();
    const p = new PlaybackState(s, () => 3);
    s.step = 2;
    p.play();
    expect(s.step).toBe(0);
    p.tick();
    p.tick();
    expect(s.step).toBe(2);
    p.tick();
    expect(s.step).toBe(0);
    p.pause();
    expect(p.playing).toBe(false);
  });

  it('does not play with fewer than two steps', () => {
    const p = new PlaybackState(new SelectionState(), () => 1);
    p.play();
    expect(p.playing).toBe(false);
  });
});
