import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { NormalSource } from '../../lib/hagen/fast/normal';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x / 2);
  return 0.5 * (1 + Math.sign(x) * erf);
}

describe('NormalSource (ziggurat)', () => {
  const count = 400_000;
  const values = new NormalSource(new Rng(7)).fill(new Float32Array(count), 1);
  it('has mean 0, variance 1, no skew and normal kurtosis', () => {
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const v of values) { m1 += v; m2 += v * v; m3 += v ** 3; m4 += v ** 4; }
    m1 /= count; m2 /= count; m3 /= count; m4 /= count;
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(count));
    expect(Math.abs(m2 - 1)).toBeLessThan(0.01);
    expect(Math.abs(m3)).toBeLessThan(0.02);
    expect(Math.abs(m4 - 3)).toBeLessThan(0.05);
  });
  it('passes a Kolmogorov–Smirnov test against N(0,1) and has the right tail mass beyond the ziggurat base', () => {
    const sorted = Float64Array.from(values).sort();
    let d = 0;
    for (let i = 0; i < count; i++) {
      const c = phi(sorted[i]);
      d = Math.max(d, Math.abs(c - i / count), Math.abs(c - (i + 1) / count));
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(count)); // 1 % level
    const tail = values.filter((v) => Math.abs(v) > 3.5).length / count;
    expect(Math.abs(tail - 2 * (1 - phi(3.5)))).toBeLessThan(1.5e-4);
  });
  it('is reproducible from the seed and scales by std', () => {
    const a = new NormalSource(new Rng(9)).fill(new Float32Array(1000), 2);
    const b = new NormalSource(new Rng(9)).fill(new Float32Array(1000), 1);
    expect(Array.from(a)).toEqual(Array.from(b, (v) => Math.fround(v * 2)));
    expect(Array.from(new NormalSource(new Rng(10)).fill(new Float32Array(10), 1))).not.toEqual(Array.from(b.subarray(0, 10)));
  });
});
