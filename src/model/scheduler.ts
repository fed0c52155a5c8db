/**
 * Rectified-flow Euler sampler math with classifier-free guidance (mirrors `sample` in
 * training/model.py). x_t = (1 − t)·x0 + t·ε and the model predicts v = ε − x0, so
 *   v̂       = v_u + g·(v_c − v_u)
 *   x_{i+1} = x_i + (t_{i+1} − t_i)·v̂
 *   x̂0      = x_i − t_i·v̂
 * with t_i = linspace(1, 0, steps + 1).
 */

const f32 = Math.fround;

/**
 * t_0 … t_steps from 1 down to 0 (steps + 1 values): linspace(1, 0, steps + 1) as float32, each value
 * the correctly rounded 1 − i/steps. PyTorch's float32 linspace can differ by one ulp (its
 * vectorised kernel uses FMA per SIMD chunk, so the result depends on the CPU's vector width); that
 * is ≤ 6e-8 in t and is checked against the recorded values in test/unit/model/scheduler.test.ts.
 */
export function flowTimes(steps: number): Float32Array {
  const ts = new Float32Array(steps + 1);
  for (let i = 0; i <= steps; i++) ts[i] = 1 - i / steps;
  return ts;
}

/** The UNet's `timestep` input for flow time t: t · timestepScale in float32, as in training. */
export function modelTimestep(t: number, timestepScale: number): number {
  return f32(f32(t) * timestepScale);
}

export interface EulerStepResult {
  /** Guided velocity v̂ [C·H·W]. */
  v: Float32Array;
  /** x_{i+1} [C·H·W]. */
  xNext: Float32Array;
  /** Predicted clean image x̂0 [C·H·W]. */
  x0: Float32Array;
}

/**
 * One guided Euler step. `vCond`/`vUncond` are the two rows of the batch-2 model output, each
 * [C·H·W]. Every operation is rounded to float32 (Math.fround) in PyTorch's order, so the step is
 * bit-identical to training/model.py `sample` given the same inputs.
 */
export function eulerCfgStep(
  x: Float32Array,
  vCond: Float32Array,
  vUncond: Float32Array,
  guidance: number,
  t: number,
  tNext: number,
  out?: EulerStepResult,
): EulerStepResult {
  const n = x.length;
  const res = out ?? {
    v: new Float32Array(n),
    xNext: new Float32Array(n),
    x0: new Float32Array(n),
  };
  const g = f32(guidance);
  const dt = f32(f32(tNext) - f32(t));
  const ti = f32(t);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const vu = vUncond[i] as number;
    const vh = f32(vu + f32(g * f32((vCond[i] as number) - vu)));
    res.v[i] = vh;
    res.xNext[i] = xi + f32(dt * vh);
    res.x0[i] = xi - f32(ti * vh);
  }
  return res;
}

/**
 * One plain Euler step with the velocity of a guidance-distilled model (already guided):
 * x_{i+1} = x_i + (t_{i+1} − t_i)·v, x̂0 = x_i − t_i·v, rounded to float32 as eulerCfgStep is.
 */
export function eulerStep(
  x: Float32Array,
  v: Float32Array,
  t: number,
  tNext: number,
): EulerStepResult {
  const n = x.length;
  const res = { v: v.slice(), xNext: new Float32Array(n), x0: new Float32Array(n) };
  const dt = f32(f32(tNext) - f32(t));
  const ti = f32(t);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const vi = v[i] as number;
    res.xNext[i] = xi + f32(dt * vi);
    res.x0[i] = xi - f32(ti * vi);
  }
  return res;
}
