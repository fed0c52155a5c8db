import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eulerCfgStep, flowTimes, modelTimestep } from '../../../src/model/scheduler.ts';

interface SchedulerFixture {
  steps: number;
  t: number[];
  timestep: number[];
  step: {
    guidance: number;
    i: number;
    t_i: number;
    t_next: number;
    x: number[];
    v_u: number[];
    v_c: number[];
    v_hat: number[];
    x_next: number[];
    x0_hat: number[];
  };
}
const fx = JSON.parse(readFileSync('test/fixtures/scheduler.json', 'utf8')) as SchedulerFixture;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('rectified-flow Euler scheduler vs PyTorch (test/fixtures/scheduler.json)', () => {
  it('gives the t values of float32 torch.linspace(1, 0, steps + 1) within one ulp', () => {
    expect(maxAbsDiff(flowTimes(fx.steps), fx.t)).toBeLessThanOrEqual(1e-7);
  });

  it('gives the same UNet timestep inputs within float32 rounding', () => {
    expect(
      maxAbsDiff(
        Array.from(flowTimes(fx.steps), (t) => modelTimestep(t, 1000)),
        fx.timestep,
      ),
    ).toBeLessThanOrEqual(1e-4);
  });

  it('reproduces the reference guided step (v̂, x_next, x̂0)', () => {
    const s = fx.step;
    const ts = flowTimes(fx.steps);
    expect(ts[s.i]).toBeCloseTo(s.t_i, 7);
    expect(ts[s.i + 1]).toBeCloseTo(s.t_next, 7);
    const r = eulerCfgStep(
      Float32Array.from(s.x),
      Float32Array.from(s.v_c),
      Float32Array.from(s.v_u),
      s.guidance,
      s.t_i,
      s.t_next,
    );
    expect(maxAbsDiff(r.v, s.v_hat)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(r.xNext, s.x_next)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(r.x0, s.x0_hat)).toBeLessThanOrEqual(1e-6);
  });

  it('runs from pure noise at t = 1 to t = 0 for any step count', () => {
    for (const n of [1, 2, 7, 200]) {
      const ts = flowTimes(n);
      expect(ts).toHaveLength(n + 1);
      expect(ts[0]).toBe(1);
      expect(ts[n]).toBe(0);
      for (let i = 1; i <= n; i++) expect(ts[i]!).toBeLessThan(ts[i - 1]!);
    }
  });
});
