import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { digitalAddBackward, digitalAddForward } from '../../lib/hagen/add';
import { DEFAULT_MOCK } from '../../lib/hagen/constants';
import { initScales, initLayer } from '../../lib/hagen/init';
import {
  addChunkNoise, checkInputRange, checkWeightRange, chunkRows, clampOutput, floorAndClampChunk,
  mockMacBackward, mockMacForward, roundHalfEven,
} from '../../lib/hagen/mac';
import { mockParameter } from '../../lib/hagen/mockParameter';
import { convertingReluBackward, convertingReluForward, reluBackward, reluForward } from '../../lib/hagen/relu';
import { flat, golden, MATMUL_CASES } from './golden';

function expectClose(actual: Float32Array, expected: Float32Array, rel = 1e-5) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs), 1e-12);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(rel * scale);
}

describe('mockParameter', () => {
  it('defaults to hxtorch (2.0, 0.002) and accepts gain 1 and noise 0', () => {
    expect(mockParameter()).toEqual(DEFAULT_MOCK);
    expect(mockParameter(0, 1)).toEqual({ noiseStd: 0, gain: 1 });
  });
  it.each([[2, 0, /gain/], [2, 1.5, /gain/], [2, NaN, /gain/], [-1, 0.002, /noiseStd/], [Infinity, 0.002, /noiseStd/]])(
    'rejects noiseStd %s gain %s naming the field', (noise, gain, field) => {
      expect(() => mockParameter(noise, gain)).toThrow(field);
    });
});

describe('named hardware effects', () => {
  it('roundHalfEven rounds ties to even, unlike Math.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 30.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 30, 2, 3]);
  });
  it('range checks name input/weight, the value and the range', () => {
    expect(() => checkInputRange(Float32Array.of(3, 32))).toThrow(/input value 32.*0\.\.31/);
    expect(() => checkInputRange(Float32Array.of(-1))).toThrow(/input value -1/);
    expect(() => checkWeightRange(Float32Array.of(-64))).toThrow(/weight value -64.*-63\.\.63/);
    expect(() => checkWeightRange(Float32Array.of(NaN))).toThrow(/weight value NaN/);
  });
  it('mockMacForward rejects out-of-range rounded values but accepts 31.4 and 63.4', () => {
    const mock = mockParameter(0, 0.002);
    expect(() => mockMacForward(Float32Array.of(31.6), 1, Float32Array.of(1), 1, 1, 1, mock, null)).toThrow(RangeError);
    expect(() => mockMacForward(Float32Array.of(1), 1, Float32Array.of(63.6), 1, 1, 1, mock, null)).toThrow(/weight/);
    expect(() => mockMacForward(Float32Array.of(31.4), 1, Float32Array.of(63.4), 1, 1, 1, mock, null)).not.toThrow();
  });
  it('chunkRows splits 784 into six chunks of 128 and one of 16', () => {
    const chunks = chunkRows(784);
    expect(chunks.length).toBe(7);
    expect(chunks[6]).toEqual({ start: 768, end: 784 });
  });
  it('floorAndClampChunk floors and saturates; clampOutput saturates', () => {
    const v = Float32Array.of(-0.5, 0.99, 200.2, -300);
    floorAndClampChunk(v);
    expect(Array.from(v)).toEqual([-1, 0, 127, -128]);
    const y = Float32Array.of(-400, 400, 3);
    clampOutput(y);
    expect(Array.from(y)).toEqual([-128, 127, 3]);
    const local = Float32Array.of(1, 2);
    addChunkNoise(local, Float32Array.of(9, 0.5, 0.25), 1);
    expect(Array.from(local)).toEqual([1.5, 2.25]);
  });
});

describe('mock MAC against hxtorch golden vectors', () => {
  it.each(MATMUL_CASES)('%s forward is exact and backward within 1e-5', (name) => {
    const c = golden.cases[name];
    const batch = c.x.length, k = c.w.length, n = c.w[0].length;
    const x = flat(c.x), w = flat(c.w);
    const y = mockMacForward(x, batch, w, k, n, c.num_sends, mockParameter(0, c.gain), null);
    expect(Array.from(y)).toEqual(Array.from(flat(c.y)));
    const { dx, dw } = mockMacBackward(x, batch, w, k, n, c.num_sends, c.gain, flat(c.dy));
    expectClose(dx, flat(c.dx));
    expectClose(dw, flat(c.dw));
  });
  it('adds noise per chunk: an all-zero input still gives noisy outputs with std ≈ 2·√chunks', () => {
    const k = 784, n = 50, batch = 200;
    const y = mockMacForward(new Float32Array(batch * k), batch, new Float32Array(k * n), k, n, 1, mockParameter(2, 0.002), new Rng(3));
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    expect(sd).toBeGreaterThan(2 * Math.sqrt(7) * 0.9);
    expect(sd).toBeLessThan(2 * Math.sqrt(7) * 1.1);
    // floor makes each chunk biased by about −0.5
    expect(mean).toBeGreaterThan(-7 * 0.5 - 0.3);
    expect(mean).toBeLessThan(-7 * 0.5 + 0.3);
  });
  it('same rng seed gives the same noisy output, noise off ignores the rng', () => {
    const x = new Float32Array(2 * 130).fill(7), w = new Float32Array(130 * 3).fill(5);
    const mock = mockParameter(2, 0.002);
    expect(mockMacForward(x, 2, w, 130, 3, 3, mock, new Rng(9))).toEqual(mockMacForward(x, 2, w, 130, 3, 3, mock, new Rng(9)));
    expect(mockMacForward(x, 2, w, 130, 3, 3, mockParameter(0, 0.002), new Rng(1))).toEqual(mockMacForward(x, 2, w, 130, 3, 3, mock, null));
  });
});

describe('activations and bias add against golden vectors', () => {
  it.each(['converting_relu_shift1', 'converting_relu_shift2'])('%s', (name) => {
    const c = golden.cases[name];
    const x = flat(c.x);
    expect(Array.from(convertingReluForward(x, c.shift))).toEqual(c.y);
    expect(Array.from(convertingReluBackward(x, flat(c.dy), c.shift))).toEqual(c.dx);
  });
  it('ReLU floors and caps at 127, masks the gradient at x <= 0', () => {
    expect(Array.from(reluForward(Float32Array.of(-3, 0.7, 5.5, 300)))).toEqual([0, 0, 5, 127]);
    expect(Array.from(reluBackward(Float32Array.of(-3, 0, 0.7), Float32Array.of(2, 2, 2)))).toEqual([0, 0, 2]);
  });
  it('add_bias', () => {
    const c = golden.cases.add_bias;
    const a = flat(c.a), b = flat(c.b);
    expect(Array.from(digitalAddForward(a, b, 1))).toEqual(c.y[0]);
    const { da, dbias } = digitalAddBackward(Float32Array.of(1, 1, 1, 1, 1, 1), 1, 6);
    expect(Array.from(da)).toEqual(c.da[0]);
    expect(Array.from(dbias)).toEqual(c.db);
  });
});

describe('init (hxtorch reset_parameters)', () => {
  type InitRow = { gain: number; fan_in: number; num_sends: number; weight_std: number; bias_bound: number };
  const rows: [number, number, InitRow][] = golden.cases.init.rows.map((r: InitRow) => [r.gain, r.fan_in, r]);
  it.each(rows)('gain %s fan_in %s: num_sends, weight std, bias bound', (gain, fanIn, row) => {
      const s = initScales(fanIn, gain, golden.cases.init.relu_shift);
      expect(s.numSends).toBe(row.num_sends);
      expect(s.weightStd).toBeCloseTo(row.weight_std, 9);
      expect(s.biasBound).toBeCloseTo(row.bias_bound, 9);
    });
  it('draws a truncated normal within ±63 with about the right std, and bias within the bound', () => {
    const layer = initLayer(784, 256, 0.002, Rng.derive(1, 'init/layer0'));
    expect(layer.numSends).toBe(3);
    let sumSq = 0, maxAbs = 0;
    for (const v of layer.weight) { sumSq += v * v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
    expect(maxAbs).toBeLessThanOrEqual(63);
    expect(Math.sqrt(sumSq / layer.weight.length)).toBeGreaterThan(16.8 * 0.97);
    expect(Math.sqrt(sumSq / layer.weight.length)).toBeLessThan(16.8 * 1.03);
    expect(Math.max(...Array.from(layer.bias, Math.abs))).toBeLessThanOrEqual(2.822);
  });
});
