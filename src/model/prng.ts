/**
 * Seeded noise that is bit-identical in Node and every browser: the same prompt, seed and settings
 * must give the same image everywhere. mulberry32 uses only 32-bit integer ops; the Gaussian uses
 * Marsaglia's polar method with our own natural log built from + − × ÷ (correctly rounded in every
 * engine), because Math.log/sin/cos are only "implementation-approximated" by the JS spec.
 */

/** mulberry32: a 32-bit-state generator; returns the next value as an unsigned 32-bit integer. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Natural log of a positive finite number using only basic arithmetic (deterministic). */
export function detLog(x: number): number {
  let m = x;
  let e = 0;
  // Scale by powers of two (exact) into [√½, √2) so the series below converges fast.
  while (m >= Math.SQRT2) {
    m /= 2;
    e++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e--;
  }
  // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: 14 odd terms reach 1e-17.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 27; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2 * sum + e * Math.LN2;
}

/** Standard normal samples from a seeded stream (polar method: pairs, no trigonometry). */
export class GaussianStream {
  readonly #next: () => number;
  #spare: number | null = null;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** Uniform in (−1, 1): 32 random bits mapped to the open interval (never exactly ±1). */
  #signedUniform(): number {
    return ((this.#next() + 0.5) / 4294967296) * 2 - 1;
  }

  next(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    for (;;) {
      const u = this.#signedUniform();
      const v = this.#signedUniform();
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * detLog(s)) / s);
      this.#spare = v * f;
      return u * f;
    }
  }
}

/** Fills `out` with N(0, 1) noise for `seed` (x_T of the sampler). */
export function gaussianNoise(seed: number, length: number): Float32Array {
  const g = new GaussianStream(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = g.next();
  return out;
}
