import { describe, expect, it } from 'vitest';
import { Adam, adamStepReference } from '../../lib/train/adam';
import { Rng } from '../../lib/random';
import { crossEntropy64 } from '../../lib/train/loss';

describe('Adam (torch semantics)', () => {
  it('first step moves every parameter by lr against the gradient sign (bias-corrected)', () => {
    const p = Float32Array.of(1, 1, 1);
    new Adam([p], { lr: 0.25 }).step([Float32Array.of(0.3, -2, 1e-3)]);
    expect(p[0]).toBeCloseTo(0.75, 6);
    expect(p[1]).toBeCloseTo(1.25, 6);
    expect(p[2]).toBeCloseTo(0.75, 4);
  });
  it('second step follows m/(sqrt(v)+eps) with bias correction', () => {
    const p = Float32Array.of(0);
    const adam = new Adam([p], { lr: 0.1 });
    adam.step([Float32Array.of(1)]);
    adam.step([Float32Array.of(3)]);
    const m = (0.1 * 1 * 0.9 + 0.1 * 3) / (1 - 0.9 ** 2);
    const v = (0.001 * 1 * 0.999 + 0.001 * 9) / (1 - 0.999 ** 2);
    expect(p[0]).toBeCloseTo(-0.1 - 0.1 * m / (Math.sqrt(v) + 1e-8), 6);
    expect(adam.steps).toBe(2);
  });
  it('minimises a quadratic', () => {
    const p = Float32Array.of(5, -3);
    const adam = new Adam([p], { lr: 0.05 });
    for (let i = 0; i < 2000; i++) adam.step([Float32Array.of(2 * (p[0] - 1), 2 * (p[1] + 2))]);
    expect(p[0]).toBeCloseTo(1, 2);
    expect(p[1]).toBeCloseTo(-2, 2);
  });
  it('rejects bad settings and mismatched gradients', () => {
    expect(() => new Adam([], { lr: 0 })).toThrow(/lr/);
    expect(() => new Adam([], { lr: 0.1, beta1: 1 })).toThrow(/beta1/);
    expect(() => new Adam([new Float32Array(2)], { lr: 0.1 }).step([new Float32Array(3)])).toThrow(/gradient 0/);
  });
});

describe('crossEntropy64', () => {
  it('equals log(10)/64 for equal logits and is stable for huge logits', () => {
    const { loss, dlogits } = crossEntropy64(new Float32Array(10), Uint8Array.of(3), 1);
    expect(loss).toBeCloseTo(Math.log(10) / 64, 10);
    expect(dlogits[3]).toBeCloseTo((0.1 - 1) / 64, 8);
    const big = crossEntropy64(Float32Array.from({ length: 10 }, (_, i) => (i === 0 ? 1e4 : 0)), Uint8Array.of(1), 1);
    expect(big.loss).toBeCloseTo(1e4 / 64, 6);
    expect(Number.isFinite(big.dlogits[0])).toBe(true);
  });
  it('rejects labels outside 0..9', () => {
    expect(() => crossEntropy64(new Float32Array(10), Uint8Array.of(10), 1)).toThrow(/label 10/);
  });
});

describe('Adam in wasm equals the plain-JS definition bit for bit', () => {
  // gradients from every float32 regime: zeros (both signs), subnormals, tiny, ordinary, huge (g·g overflows to Infinity)
  const drawGradient = (rng: Rng): number => {
    const r = rng.next();
    if (r < 0.1) return 0;
    if (r < 0.12) return -0;
    const sign = rng.next() < 0.5 ? -1 : 1;
    if (r < 0.2) return sign * 10 ** rng.uniform(-45, -38);
    if (r < 0.3) return sign * 10 ** rng.uniform(-30, -10);
    if (r < 0.35) return sign * 10 ** rng.uniform(19, 38.5);
    return rng.normal() * 10 ** rng.uniform(-6, 0);
  };
  it.each([0.9, 0.3])('over 30 steps of random gradients on odd-length parameters (beta1 %s)', (beta1) => {
    const rng = new Rng(4);
    const shapes = [1001, 7, 256, 1];
    const params = shapes.map((n) => Float32Array.from({ length: n }, () => rng.normal() * 10 ** rng.uniform(-3, 3)));
    const reference = params.map((p) => p.slice());
    const m = shapes.map((n) => new Float32Array(n)), v = shapes.map((n) => new Float32Array(n));
    const adam = new Adam(params, { lr: 0.25, beta1 });
    for (let step = 1; step <= 30; step++) {
      const grads = shapes.map((n) => Float32Array.from({ length: n }, () => drawGradient(rng)));
      expect(adam.step(grads)).toBe(true);
      adamStepReference(reference, grads, m, v, step, { lr: 0.25, beta1 });
    }
    // toEqual compares with Object.is: NaN (from Infinity/Infinity) equals NaN, +0 differs from −0
    params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(reference[i])));
  });
  // Expected float32 bit patterns from numpy float32 arithmetic in torch's op order (an independent
  // implementation): 3 steps, lr 0.25, subnormal, zero, huge and overflowing values included.
  it.each([
    [0.9, [0x3dde504b, 0xbf33f790, 0xbea43e3a, 0x7149f2ca, 0x0, 0x40dae3b6, 0xc0000000]],
    [0.3, [0x3eb1cafe, 0xbf63ed4d, 0xbe83d2e4, 0x7149f2ca, 0x0, 0x40d6094e, 0x7fc00000]],
  ])('matches numpy float32 torch-order arithmetic (beta1 %s)', (beta1, bits) => {
    const p = Float32Array.of(0.5, -1.25, 3e-39, 1e30, 0, 7, -2);
    const adam = new Adam([p], { lr: 0.25, beta1 });
    for (const g of [[0.3, -2, 1e-3, -5e20, 0, 1e-30, 3e38], [0.1, 0, -1e-3, 5e20, 2e-45, -1e-30, -3e38], [-0.7, 1e-6, 1e-3, 1, 0, 4, 1]]) {
      expect(adam.step([Float32Array.from(g)])).toBe(true);
    }
    const expected = new Float32Array(Uint32Array.from(bits).buffer);
    expect(Array.from(p)).toEqual(Array.from(expected));
  });
});

describe('Adam refuses non-finite gradients', () => {
  it.each([NaN, Infinity, -Infinity])('a single %s anywhere leaves parameters, steps and the previous parameters unchanged', (bad) => {
    const params = [Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(6, 7)]; // 7 values: the last vector is padded
    const adam = new Adam(params, { lr: 0.1 });
    for (const [array, index] of [[0, 0], [0, 4], [1, 1]] as const) {
      const grads = [new Float32Array(5).fill(0.5), new Float32Array(2).fill(0.5)];
      grads[array][index] = bad;
      expect(adam.step(grads)).toBe(false);
    }
    expect(adam.steps).toBe(0);
    expect(adam.previousParams()).toBeNull();
    expect(Array.from(params[0])).toEqual([1, 2, 3, 4, 5]);
    expect(adam.step([new Float32Array(5).fill(0.5), new Float32Array(2).fill(-3e38)])).toBe(true);
    expect(adam.steps).toBe(1);
    expect(params[0][0]).toBeLessThan(1);
    const updated = params.map((p) => Array.from(p));
    const refused = [new Float32Array(5).fill(0.5), Float32Array.of(0.5, bad)];
    expect(adam.step(refused)).toBe(false);
    expect(params.map((p) => Array.from(p))).toEqual(updated);
    expect(adam.previousParams()!.map((p) => Array.from(p))).toEqual([[1, 2, 3, 4, 5], [6, 7]]);
  });
});

describe('Adam previousParams and resident parameters', () => {
  const shapes = [1001, 7, 256, 1];
  const draw = (seed: number) => {
    const rng = new Rng(seed);
    return shapes.map((n) => Float32Array.from({ length: n }, () => rng.normal()));
  };

  it('previousParams: copies of the parameters the last update started from, changes made before it included', () => {
    const params = draw(1);
    const adam = new Adam(params, { lr: 0.25 });
    for (let step = 0; step < 3; step++) {
      params[0][step] = 63; // as the engine's in-place clamp does between steps
      const before = params.map((p) => Array.from(p));
      expect(adam.step(draw(10 + step))).toBe(true);
      const previous = adam.previousParams()!;
      expect(previous.map((p) => Array.from(p))).toEqual(before);
      previous[0][0] = 1e9; // a copy
      expect(adam.previousParams()![0][0]).toBe(before[0][0]);
    }
  });

  it('resident: the same updates bit for bit on views of its memory; the arrays given stay as they were', () => {
    const initial = draw(2);
    const given = initial.map((p) => p.slice());
    const callerOwned = draw(2);
    const reference = new Adam(callerOwned, { lr: 0.25 });
    const resident = new Adam(given, { lr: 0.25, resident: true });
    expect(resident.params.every((p, i) => p !== given[i] && p.length === given[i].length)).toBe(true);
    for (let step = 0; step < 5; step++) {
      // changes between steps (the engine's clamp) reach both optimisers
      callerOwned[1][step] = 63;
      resident.params[1][step] = 63;
      const grads = draw(20 + step);
      expect(resident.step(grads)).toBe(reference.step(grads));
      resident.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(callerOwned[i])));
      resident.previousParams()!.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(reference.previousParams()![i])));
    }
    given.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(initial[i])));
  });
});
