import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fastEngine } from '../../lib/hagen/fast/index';
import type { HagenModel } from '../../lib/hagen/fast/types';
import { biasOperand, convertingReluForward, digitalAddForward } from '../../lib/hagen/fast/kernels';
import { macScale } from '../../lib/hagen/mac';
import { linearBackward } from './linearBackward';
import { mockLinearForward, quantiseInputs, quantiseWeightsTransposed } from './mockLinearForward';

const golden = JSON.parse(readFileSync(new URL('../fixtures/hagen_golden.json', import.meta.url), 'utf8'));
const cases: Record<string, any> = golden.cases;
const flat = (m: number[][]) => Float32Array.from(m.flat());

/** Max |a−b| relative to the largest |b| (scale-aware, so tiny entries don't dominate). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let maxDiff = 0, maxRef = 0;
  for (let i = 0; i < b.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxRef = Math.max(maxRef, Math.abs(b[i]));
  }
  return maxDiff / maxRef;
}

describe('golden matmul cases (hxtorch mock, noise off)', () => {
  const matmuls = Object.entries(cases).filter(([, c]) => c.op === 'matmul');
  it('covers every matmul case in the fixture', () => expect(matmuls.length).toBeGreaterThanOrEqual(6));
  for (const [name, c] of matmuls) {
    it(`${name}: forward exact, gradients within 1e-5`, () => {
      const batch = c.x.length, k = c.w.length, n = c.w[0].length;
      const x = flat(c.x);
      const weight = new Float32Array(n * k); // torch layout [N, K] = wᵀ
      for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) weight[j * k + i] = c.w[i][j];
      const xq = quantiseInputs(x, new Uint8Array(batch * k), 'x');
      const wqT = quantiseWeightsTransposed(weight, n, k, new Int32Array(k * n));
      const z = mockLinearForward(xq, batch, k, wqT, n, macScale(c.num_sends, c.gain), null, new Int32Array(n), new Int32Array(batch * n), new Int32Array(n), new Int32Array(n));
      expect(Array.from(z)).toEqual(c.y.flat());

      const dWeight = new Float32Array(n * k), dBias = new Float32Array(n), dx = new Float64Array(batch * k);
      linearBackward(Float64Array.from(c.dy.flat()), batch, n, x, k, weight, Math.fround(c.num_sends * Math.fround(c.gain)),
        dWeight, dBias, dx, new Float64Array(batch * n), new Float64Array(k * n));
      const dwKN = new Float32Array(k * n);
      for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) dwKN[i * n + j] = dWeight[j * k + i];
      expect(relativeError(dx, c.dx.flat())).toBeLessThan(1e-5);
      expect(relativeError(dwKN, c.dw.flat())).toBeLessThan(1e-5);
    });
  }
});

describe('golden digital ops', () => {
  for (const name of ['converting_relu_shift1', 'converting_relu_shift2']) {
    it(`${name}: forward on the integer pre-activations the engine produces`, () => {
      const c = cases[name];
      const z = Int32Array.from(c.x.map((v: number) => Math.max(-128, Math.min(127, Math.floor(v)))));
      const h = new Float32Array(z.length);
      convertingReluForward(z, z.length, c.shift, h);
      expect(Array.from(h)).toEqual(c.y);
    });
  }
  it('add_bias: clamp(clamp(floor a) + clamp(floor b))', () => {
    const c = cases.add_bias;
    const z = digitalAddForward(flat(c.a), 1, c.b.length, biasOperand(Float32Array.from(c.b), new Int32Array(c.b.length)), new Int32Array(c.b.length));
    expect(Array.from(z)).toEqual(c.y.flat());
  });
});

describe('golden model_784_16_16_10', () => {
  const c = cases.model_784_16_16_10;
  const model = (): HagenModel => ({
    backend: 'mock', shift: c.relu_shift, mock: { gain: c.gain, noiseStd: 0 },
    layers: c.layers.map((l: any) => ({
      inFeatures: l.weight[0].length, outFeatures: l.weight.length, numSends: l.num_sends,
      weight: flat(l.weight), bias: Float32Array.from(l.bias),
    })),
  });
  it('forward logits are exact (noise off)', () => {
    const logits = fastEngine.forward(model(), flat(c.x), c.x.length, null);
    expect(Array.from(logits)).toEqual(c.logits.flat());
  });
  it('trainStep returns the same logits and gradients of the right shapes', () => {
    const m = model();
    const labels = Uint8Array.from([7, 2, 1, 0, 4]); // the first five t10k labels
    const result = fastEngine.trainStep(m, flat(c.x), labels, 5, null);
    expect(Array.from(result.logits)).toEqual(c.logits.flat());
    expect(result.grads.map((g) => [g.weight.length, g.bias.length])).toEqual(m.layers.map((l) => [l.weight.length, l.bias.length]));
    expect(Number.isFinite(result.loss) && result.loss > 0).toBe(true);
  });
});
