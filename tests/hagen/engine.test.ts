import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { referenceEngine } from '../../lib/hagen/engine';
import { tfjsEngine } from '../../lib/hagen/tfjsEngine';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockMacForward } from '../../lib/hagen/mac';
import { mockParameter } from '../../lib/hagen/mockParameter';
import { predict } from '../../lib/hagen/predict';
import type { Backend, ChipDevice, HagenEngine, HagenModel } from '../../lib/hagen/types';
import { flat, golden } from './golden';
import { useWasmBackend } from './tfSetup';

beforeAll(useWasmBackend);

function goldenModel(): { model: HagenModel; x: Float32Array; logits: Float32Array; batch: number } {
  const c = golden.cases.model_784_16_16_10;
  const layers = c.layers.map((l: { weight: number[][]; bias: number[]; num_sends: number }) => ({
    inFeatures: l.weight[0].length, outFeatures: l.weight.length, numSends: l.num_sends, weight: flat(l.weight), bias: flat(l.bias),
  }));
  return { model: { layers, shift: c.relu_shift, backend: 'mock', mock: mockParameter(0, c.gain) }, x: flat(c.x), logits: flat(c.logits), batch: c.x.length };
}

const engines: [string, HagenEngine][] = [['reference', referenceEngine], ['tfjs', tfjsEngine]];

describe.each(engines)('%s engine', (_name, engine) => {
  it('model_784_16_16_10 logits match hxtorch exactly', () => {
    const { model, x, logits, batch } = goldenModel();
    expect(Array.from(engine.forward(model, x, batch, null))).toEqual(Array.from(logits));
  });
  it("'chip' backend without a chip throws a clear error", () => {
    const { model, x, batch } = goldenModel();
    expect(() => engine.forward({ ...model, backend: 'chip' }, x, batch, null)).toThrow(/chip.*ChipDevice/);
  });
  it('rejects inputs outside 0..31 naming the input', () => {
    const { model, batch } = goldenModel();
    expect(() => engine.forward(model, new Float32Array(batch * 784).fill(32), batch, null)).toThrow(/input value 32/);
  });
  it('clamps stored weights to ±63 in place', () => {
    const { model, x, batch } = goldenModel();
    model.layers[0].weight[0] = 100;
    model.layers[0].weight[1] = -80.5;
    engine.forward(model, x, batch, null);
    expect([model.layers[0].weight[0], model.layers[0].weight[1]]).toEqual([63, -63]);
  });
});

function randomInput(batch: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(batch * 784);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.2 ? 31 : 0;
  const labels = new Uint8Array(batch);
  for (let b = 0; b < batch; b++) labels[b] = rng.int(10);
  return { x, labels };
}

function expectRelClose(a: Float32Array, b: Float32Array, rel: number) {
  const scale = Math.max(...Array.from(b, Math.abs), 1e-12);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst / scale).toBeLessThanOrEqual(rel);
}

describe('tfjs engine agrees with the reference engine', () => {
  it.each(['mock', 'ideal'] as Backend[])('%s: same logits (same noise), loss and gradients within 1e-5', (backend) => {
    const base = buildModel({ hidden: 40, layers: 2, shift: 1 }, { backend, mock: mockParameter(2, 0.002), seed: 5 });
    const { x, labels } = randomInput(12, 7);
    const ref = referenceEngine.trainStep(cloneModel(base), x, labels, 12, new Rng(11), undefined);
    const fast = tfjsEngine.trainStep(cloneModel(base), x, labels, 12, new Rng(11), undefined);
    if (backend === 'mock') expect(Array.from(fast.logits)).toEqual(Array.from(ref.logits));
    else expectRelClose(fast.logits, ref.logits, 1e-5);
    expect(fast.loss).toBeCloseTo(ref.loss, 6);
    ref.grads.forEach((g, i) => {
      expectRelClose(fast.grads[i].weight, g.weight, 1e-5);
      expectRelClose(fast.grads[i].bias, g.bias, 1e-5);
    });
  });

  it('gradients match a finite-difference check in the ideal backend', () => {
    const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'ideal', mock: mockParameter(0, 0.002), seed: 2 });
    const { x, labels } = randomInput(4, 3);
    const { grads } = tfjsEngine.trainStep(cloneModel(model), x, labels, 4, null);
    const lossAt = (delta: number) => {
      const m = cloneModel(model);
      m.layers[1].weight[3] += delta;
      return referenceEngine.trainStep(m, x, labels, 4, null).loss;
    };
    const h = 0.05;
    const numeric = (lossAt(h) - lossAt(-h)) / (2 * h);
    expect(grads[1].weight[3]).toBeCloseTo(numeric, 5);
  });

  it("'chip' backend sends the clamped weight [K,N] to chip.mac and backpropagates with the mock gain", () => {
    const mockModel = buildModel({ hidden: 20, layers: 1, shift: 1 }, { backend: 'mock', mock: mockParameter(0, 0.002), seed: 3 });
    const calls: number[] = [];
    const chip: ChipDevice = {
      id: 1, calibrated: true,
      mac: (x, batch, w, k, n, numSends) => { calls.push(k); return mockMacForward(x, batch, w, k, n, numSends, mockParameter(0, 0.002), null); },
      chipTimeSeconds: () => 0,
    };
    const { x, labels } = randomInput(6, 1);
    const viaChip = tfjsEngine.trainStep({ ...cloneModel(mockModel), backend: 'chip' }, x, labels, 6, null, chip);
    const viaMock = referenceEngine.trainStep(cloneModel(mockModel), x, labels, 6, null);
    expect(calls).toEqual([784, 20]);
    expect(Array.from(viaChip.logits)).toEqual(Array.from(viaMock.logits));
    expectRelClose(viaChip.grads[0].weight, viaMock.grads[0].weight, 1e-5);
  });

  it('leaves no tensors behind', () => {
    const model = buildModel({ hidden: 16, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(), seed: 1 });
    const { x, labels } = randomInput(5, 2);
    const before = tf.memory().numTensors;
    tfjsEngine.trainStep(model, x, labels, 5, new Rng(1));
    tfjsEngine.forward(model, x, 5, new Rng(1));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('predict', () => {
  it('scales a 0..1 image by 31 and returns 10 logits; rejects bad images', () => {
    const { model, x, logits } = goldenModel();
    const image = Float32Array.from(x.subarray(0, 784), (v) => v / 31);
    expect(Array.from(predict(model, image, null))).toEqual(Array.from(logits.subarray(0, 10)));
    expect(() => predict(model, new Float32Array(10), null)).toThrow(/784/);
    expect(() => predict(model, new Float32Array(784).fill(2), null)).toThrow(/0\.\.1/);
  });
});
