/**
 * The hagen-mode convolution (lib/hagen/conv.ts): golden values from the MAC rules on a tiny input,
 * the fast engine's path bit-identical to the reference, and its gradients checked.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import {
  channelsToPositions, convOutputSide, convPositions, mockConvForward, positionsToChannels, unfoldPatches,
} from '../../lib/hagen/conv';
import { linearForward } from '../../lib/hagen/linear';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { referenceEngine } from '../../lib/hagen/referenceEngine';
import { createFastEngine } from '../../lib/hagen/fast/index';
import type { HagenModel, LayerParams } from '../../lib/hagen/types';

const NO_NOISE = { noiseStd: 0, gain: 0.002 };

describe('convolution geometry', () => {
  it('counts positions as hxtorch: floor((size − kernel)/stride) + 1 per side', () => {
    expect(convOutputSide(28, 10, 5)).toBe(4); // hxtorch's MNIST example: 4×4 positions
    expect(convPositions({ height: 28, width: 28, kernel: 10, stride: 5 })).toBe(16);
    expect(convPositions({ height: 28, width: 28, kernel: 7, stride: 3 })).toBe(64);
    expect(() => convPositions({ height: 4, width: 4, kernel: 5, stride: 1 })).toThrow(/kernel 5 is larger than the 4×4 input/);
    expect(() => convPositions({ height: 4, width: 4, kernel: 2, stride: 0 })).toThrow(/stride must be a positive integer/);
  });

  it('unfolds a 4×4 image into its 2×2 patches (stride 2), row by row, each patch row-major', () => {
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const patches = unfoldPatches(x, 1, { height: 4, width: 4, kernel: 2, stride: 2 });
    expect([...patches]).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
    // overlapping patches: 3×3 image, kernel 2, stride 1
    const y = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    expect([...unfoldPatches(y, 1, { height: 3, width: 3, kernel: 2, stride: 1 })]).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it('moves patch rows [B·P, C] to torch\'s channel-major [B, C·P] and back', () => {
    const rows = Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i); // batch 2, positions 3, channels 2
    const flat = positionsToChannels(rows, 2, 3, 2, new Float32Array(12));
    expect([...flat]).toEqual([0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
    expect([...channelsToPositions(flat, 2, 3, 2, new Float32Array(12))]).toEqual([...rows]);
  });
});

/** A conv layer with hand-picked weights: 2 channels, 2×2 kernel on a 3×3 image, stride 1. */
function tinyConvLayer(): LayerParams {
  return {
    inFeatures: 4, outFeatures: 2, numSends: 3,
    weight: Float32Array.from([63, -20, 70 /* clamped to 63 */, 10.5 /* rounds to 10 */, -63, 40, 0, 21]),
    bias: Float32Array.from([2.7, -130]),
    conv: { height: 3, width: 3, kernel: 2, stride: 1 },
  };
}

describe('mock convolution = Linear on the hand-unfolded patches (the MAC rules)', () => {
  it('gives the values the MAC rules give, worked out by hand', () => {
    const layer = tinyConvLayer();
    const x = Float32Array.from([31, 0, 31, 15.5 /* rounds to 16 */, 31, 0, 0, 2, 31]);
    const gain = 0.002;
    const y = mockConvForward(layer, x, 1, { noiseStd: 0, gain }, null);
    // By hand: patches (row-major) of the 3×3 image, weights clamped to ±63 and rounded half to even.
    const w = [[63, -20, 63, 10], [-63, 40, 0, 21]];
    const patches = [[31, 0, 16, 31], [0, 31, 31, 0], [16, 31, 0, 2], [31, 0, 2, 31]];
    const scale = Math.fround(3 * Math.fround(gain));
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) {
      for (const patch of patches) {
        const dot = patch.reduce((s, v, i) => s + v * w[c][i], 0);
        const adc = Math.min(127, Math.max(-128, Math.floor(Math.fround(dot * scale)))); // one chunk: floor, saturate
        const bias = Math.min(127, Math.max(-128, Math.floor(layer.bias[c])));
        expected.push(Math.min(127, Math.max(-128, adc + bias))); // digital bias add
      }
    }
    expect([...y]).toEqual(expected);
    expect(layer.weight[2]).toBe(63); // clamped in place, as hxtorch
  });

  it('equals linearForward on unfoldPatches, with noise, for a 28×28 batch', () => {
    const model = buildModel({ hidden: 16, layers: 1, shift: 1, conv: 6, convKernel: 10, convStride: 5 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 3 });
    const layer = model.layers[0];
    const batch = 3;
    const rng = new Rng(5);
    const x = Float32Array.from({ length: batch * 784 }, () => (rng.uniform(0, 1) < 0.3 ? 31 : 0));
    const conv = mockConvForward(layer, x, batch, model.mock, new Rng(9));
    const rows = linearForward({ ...layer, conv: undefined }, unfoldPatches(x, batch, layer.conv!), batch * 16, model.mock, new Rng(9));
    expect([...conv]).toEqual([...positionsToChannels(rows, batch, 16, 6, new Float32Array(rows.length))]);
  });

  it('spans 128-row chunks like the MAC: a 12×12 kernel has 144 inputs, two chunks and two ADC reads', () => {
    const layer: LayerParams = {
      inFeatures: 144, outFeatures: 1, numSends: 1, weight: new Float32Array(144).fill(63), bias: new Float32Array(1),
      conv: { height: 12, width: 12, kernel: 12, stride: 1 },
    };
    const x = new Float32Array(144).fill(31);
    // each chunk saturates on its own: 128·31·63·0.002 = 250 → 127; 16·31·63·0.002 = 62.5 → 62; sum 189 → 127
    expect([...mockConvForward(layer, x, 1, { noiseStd: 0, gain: 0.002 }, null)]).toEqual([127]);
    const small: LayerParams = { ...layer, weight: new Float32Array(144).fill(1) };
    // 128·31·0.002 = 7.936 → 7; 16·31·0.002 = 0.992 → 0: floor per chunk, not of the sum (8.93 → 8)
    expect([...mockConvForward(small, x, 1, { noiseStd: 0, gain: 0.002 }, null)]).toEqual([7]);
  });
});

function convModel(seed: number, noiseStd = 2): HagenModel {
  return buildModel({ hidden: 24, layers: 1, shift: 1, conv: 8, convKernel: 10, convStride: 5 }, { backend: 'mock', mock: { noiseStd, gain: 0.002 }, seed });
}

function pixelBatch(batch: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: batch * 784 }, () => (rng.uniform(0, 1) < 0.25 ? 1 : 0));
}

describe('the fast engine\'s convolution path', () => {
  it('builds Conv2d(1, C, k, s) → dense layers with hxtorch\'s init (fan-in k²)', () => {
    const model = convModel(1);
    expect(model.layers.map((l) => [l.inFeatures, l.outFeatures, l.numSends])).toEqual([[100, 8, 7], [128, 24, 6], [24, 10, 14]]);
    expect(model.layers[0].conv).toEqual({ height: 28, width: 28, kernel: 10, stride: 5 });
  });

  it('is bit-identical to the reference in forward and trainStep, noise on, scaled pixels and floats', () => {
    const fast = createFastEngine();
    for (const seed of [1, 2]) {
      const batch = 20;
      const pixels = pixelBatch(batch, seed + 10);
      const labels = Uint8Array.from({ length: batch }, (_, i) => (i * 7 + seed) % 10);
      const a = convModel(seed), b = cloneModel(a);
      // the weights drift beyond ±63 so the clamp matters
      a.layers[0].weight[0] = b.layers[0].weight[0] = 80.4;
      const ref = referenceEngine.trainStep(a, { pixels, scale: 31 }, labels, batch, new Rng(seed), undefined);
      const got = fast.trainStep(b, { pixels, scale: 31 }, labels, batch, new Rng(seed), undefined);
      expect([...got.logits]).toEqual([...ref.logits]);
      expect(got.loss).toBeCloseTo(ref.loss, 12);
      ref.grads.forEach((g, i) => {
        const w = got.grads[i].weight, bias = got.grads[i].bias;
        for (let j = 0; j < g.weight.length; j++) expect(w[j], `layer ${i} dW[${j}]`).toBeCloseTo(g.weight[j], 5);
        for (let j = 0; j < g.bias.length; j++) expect(bias[j], `layer ${i} dBias[${j}]`).toBeCloseTo(g.bias[j], 5);
      });
      expect(b.layers[0].weight[0]).toBe(63);
      const floats = Float32Array.from(pixels, (p) => p * 31);
      expect([...fast.forward(b, floats, batch, new Rng(7))]).toEqual([...referenceEngine.forward(a, floats, batch, new Rng(7))]);
      // a canvas-sized batch takes the reference path
      expect([...fast.forward(b, floats.subarray(0, 784), 1, null)]).toEqual([...referenceEngine.forward(a, floats.subarray(0, 784), 1, null)]);
    }
  });

  it('refuses inputs of the wrong size and inconsistent models, naming what is wrong', () => {
    const fast = createFastEngine();
    const model = convModel(1);
    expect(() => fast.forward(model, new Float32Array(100 * 10), 10, null)).toThrow(/7840/);
    const broken = cloneModel(model);
    broken.layers[1] = { ...broken.layers[1], inFeatures: 100, weight: new Float32Array(100 * 24) };
    expect(() => fast.forward(broken, new Float32Array(784 * 10), 10, null)).toThrow(/layer 1 expects 100 inputs but the convolution gives channels·positions = 8·16 = 128/);
  });
});

describe('convolution gradients', () => {
  it('match finite differences of the ideal backend (the straight-through rule\'s true gradient)', () => {
    const model = buildModel({ hidden: 6, layers: 1, shift: 1, conv: 3, convKernel: 4, convStride: 3 }, { backend: 'ideal', mock: NO_NOISE, seed: 4 });
    const batch = 3;
    const x = Float32Array.from(pixelBatch(batch, 2), (p) => p * 31);
    const labels = Uint8Array.from([1, 7, 3]);
    const { grads } = referenceEngine.trainStep(model, x, labels, batch, null, undefined);
    const loss = (m: HagenModel) => referenceEngine.trainStep(m, x, labels, batch, null, undefined).loss;
    const rng = new Rng(1);
    for (const [layerIndex, part] of [[0, 'weight'], [0, 'bias'], [1, 'weight']] as const) {
      for (let t = 0; t < 5; t++) {
        const at = Math.floor(rng.uniform(0, model.layers[layerIndex][part].length));
        const h = 1e-2;
        const plus = cloneModel(model), minus = cloneModel(model);
        plus.layers[layerIndex][part][at] += h;
        minus.layers[layerIndex][part][at] -= h;
        const numeric = (loss(plus) - loss(minus)) / (2 * h);
        const analytic = grads[layerIndex][part][at];
        expect(Math.abs(numeric - analytic), `layer ${layerIndex} ${part}[${at}]: ${numeric} vs ${analytic}`).toBeLessThan(1e-4 + 0.02 * Math.abs(analytic));
      }
    }
  });

  it('equal those of the same network written as one big Linear (weights shared over positions), summed per kernel weight', () => {
    // ideal backend: no chunking, so a 784-input Linear with the kernel copied to every position is the same function
    const model = buildModel({ hidden: 5, layers: 1, shift: 1, conv: 2, convKernel: 10, convStride: 5 }, { backend: 'ideal', mock: NO_NOISE, seed: 6 });
    const conv = model.layers[0];
    const P = 16, K = 100, C = 2;
    const big: LayerParams = { inFeatures: 784, outFeatures: C * P, numSends: conv.numSends, weight: new Float32Array(C * P * 784), bias: new Float32Array(C * P) };
    const pixelOf = (p: number, i: number) => (Math.floor(p / 4) * 5 + Math.floor(i / 10)) * 28 + (p % 4) * 5 + (i % 10);
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < P; p++) {
        big.bias[c * P + p] = conv.bias[c];
        for (let i = 0; i < K; i++) big.weight[(c * P + p) * 784 + pixelOf(p, i)] = conv.weight[c * K + i];
      }
    }
    const dense: HagenModel = { ...model, layers: [big, ...model.layers.slice(1)] };
    const batch = 4;
    const x = Float32Array.from(pixelBatch(batch, 8), (v) => v * 31);
    const labels = Uint8Array.from([0, 4, 9, 2]);
    const a = referenceEngine.trainStep(model, x, labels, batch, null, undefined);
    const b = referenceEngine.trainStep(dense, x, labels, batch, null, undefined);
    for (let i = 0; i < a.logits.length; i++) expect(a.logits[i]).toBeCloseTo(b.logits[i], 3);
    for (let c = 0; c < C; c++) {
      let biasSum = 0;
      for (let p = 0; p < P; p++) biasSum += b.grads[0].bias[c * P + p];
      expect(a.grads[0].bias[c]).toBeCloseTo(biasSum, 5);
      for (let i = 0; i < K; i++) {
        let sum = 0;
        for (let p = 0; p < P; p++) sum += b.grads[0].weight[(c * P + p) * 784 + pixelOf(p, i)];
        expect(a.grads[0].weight[c * K + i], `dW[${c}, ${i}]`).toBeCloseTo(sum, 4);
      }
    }
  });
});
