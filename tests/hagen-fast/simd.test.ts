import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { simdLinearBackward } from '../../lib/hagen/fast/simd';
import { simdMockLinearForward } from './simdMockLinearForward';
import { macScale } from '../../lib/hagen/mac';
import { mockLinearForward, quantiseWeightsTransposed } from './mockLinearForward';

/** Straightforward reference of hxtorch's mock MAC + digital bias add, written from the spec. */
function referenceForward(x: Float32Array, batch: number, k: number, weight: Float32Array, n: number, gain: number, numSends: number, noise: Float32Array | null, bias: Float32Array): number[] {
  const f = Math.fround;
  const rint = (v: number) => { const r = Math.round(v); return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r; };
  const clamp = (v: number) => Math.min(127, Math.max(-128, v));
  const scale = f(f(numSends) * f(gain));
  const chunks = Math.ceil(k / 128);
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      let y = 0;
      for (let c = 0; c < chunks; c++) {
        let sum = 0;
        for (let i = c * 128; i < Math.min(k, c * 128 + 128); i++) sum += rint(x[b * k + i]) * rint(weight[j * k + i]);
        let local = f(f(sum) * scale);
        if (noise) local = f(local + noise[(b * chunks + c) * n + j]);
        y += clamp(Math.floor(local));
      }
      out.push(clamp(clamp(y) + clamp(Math.floor(bias[j]))));
    }
  }
  return out;
}

function randomLayer(rng: Rng, batch: number, k: number, n: number, density: number, weightStd: number) {
  const x = new Float32Array(batch * k);
  for (let i = 0; i < x.length; i++) if (rng.next() < density) x[i] = rng.next() < 0.5 ? 31 : rng.uniform(0, 31.49);
  const weight = new Float32Array(n * k);
  for (let i = 0; i < weight.length; i++) weight[i] = Math.max(-63, Math.min(63, rng.normal() * weightStd));
  const bias = new Float32Array(n);
  for (let i = 0; i < n; i++) bias[i] = rng.uniform(-10, 10);
  return { x, weight, bias };
}

const quantised = (x: Float32Array) => Uint8Array.from(x, (v) => { const r = Math.round(v); return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r; });
const biasQ = (bias: Float32Array) => Int32Array.from(bias, (b) => Math.min(127, Math.max(-128, Math.floor(b))));

describe('SIMD mock forward equals the straightforward reference exactly', () => {
  const shapes = [
    { batch: 3, k: 5, n: 4, density: 1, weightStd: 30, gain: 0.002, numSends: 1 },
    { batch: 4, k: 130, n: 33, density: 0.5, weightStd: 20, gain: 0.002, numSends: 3 },
    { batch: 2, k: 784, n: 10, density: 0.15, weightStd: 17, gain: 0.002, numSends: 5 },
    { batch: 5, k: 257, n: 70, density: 0.6, weightStd: 40, gain: 0.01, numSends: 4 }, // saturates
    { batch: 3, k: 300, n: 64, density: 0, weightStd: 20, gain: 0.002, numSends: 3 }, // all-zero input
    { batch: 1, k: 1, n: 1, density: 1, weightStd: 60, gain: 1, numSends: 1 },
  ];
  for (const [index, s] of shapes.entries()) {
    for (const withNoise of [false, true]) {
      it(`shape ${index} (B${s.batch} K${s.k} N${s.n})${withNoise ? ' with noise' : ''}`, () => {
        const rng = new Rng(100 + index);
        const { x, weight, bias } = randomLayer(rng, s.batch, s.k, s.n, s.density, s.weightStd);
        const noise = withNoise ? new Float32Array(s.batch * Math.ceil(s.k / 128) * s.n).map(() => rng.normal() * 2) : null;
        const z = simdMockLinearForward(quantised(x), s.batch, s.k, weight, s.n, macScale(s.numSends, s.gain), noise, biasQ(bias), new Int32Array(s.batch * s.n));
        const expected = referenceForward(x, s.batch, s.k, weight, s.n, s.gain, s.numSends, noise, bias);
        expect(Array.from(z)).toEqual(expected);
        const plain = mockLinearForward(quantised(x), s.batch, s.k, quantiseWeightsTransposed(weight, s.n, s.k, new Int32Array(s.k * s.n)), s.n, macScale(s.numSends, s.gain),
          noise, biasQ(bias), new Int32Array(s.batch * s.n), new Int32Array(s.n), new Int32Array(s.n));
        expect(Array.from(plain)).toEqual(expected);
        if (index === 3) expect(expected.some((v) => v === 127 || v === -128)).toBe(true);
      });
    }
  }
});

describe('SIMD backward matches float64 straight-through gradients', () => {
  for (const [index, s] of [{ batch: 7, k: 130, n: 33 }, { batch: 20, k: 784, n: 40 }, { batch: 3, k: 5, n: 1 }].entries()) {
    it(`B${s.batch} K${s.k} N${s.n}`, () => {
      const rng = new Rng(200 + index);
      const { x, weight } = randomLayer(rng, s.batch, s.k, s.n, 0.3, 20);
      const dz = new Float64Array(s.batch * s.n).map(() => (rng.next() < 0.3 ? 0 : rng.normal() * 0.01));
      const gradScale = 0.006;
      const dW = new Float32Array(s.n * s.k), dB = new Float32Array(s.n), dx = new Float64Array(s.batch * s.k);
      simdLinearBackward(dz, s.batch, s.n, x, s.k, weight, gradScale, dW, dB, dx);
      let maxErrW = 0, maxW = 0, maxErrX = 0, maxX = 0, maxErrB = 0;
      for (let j = 0; j < s.n; j++) {
        let db = 0;
        for (let b = 0; b < s.batch; b++) db += dz[b * s.n + j];
        maxErrB = Math.max(maxErrB, Math.abs(db - dB[j]) / (Math.abs(db) + 1e-12));
        for (let i = 0; i < s.k; i++) {
          let w = 0;
          for (let b = 0; b < s.batch; b++) w += dz[b * s.n + j] * gradScale * x[b * s.k + i];
          maxErrW = Math.max(maxErrW, Math.abs(w - dW[j * s.k + i]));
          maxW = Math.max(maxW, Math.abs(w));
        }
      }
      for (let b = 0; b < s.batch; b++) for (let i = 0; i < s.k; i++) {
        let v = 0;
        for (let j = 0; j < s.n; j++) v += dz[b * s.n + j] * gradScale * weight[j * s.k + i];
        maxErrX = Math.max(maxErrX, Math.abs(v - dx[b * s.k + i]));
        maxX = Math.max(maxX, Math.abs(v));
      }
      expect(maxErrW / maxW).toBeLessThan(1e-5);
      expect(maxErrX / maxX).toBeLessThan(1e-5);
      expect(maxErrB).toBeLessThan(1e-5);
    });
  }
});
