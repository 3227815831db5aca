import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { createFastEngine } from '../../lib/hagen/fast/index';
import { allocateWasmNormal, NormalSource } from '../../lib/hagen/fast/normal';
import { KernelMemory } from '../../lib/hagen/fast/wasm/runtime';
import { referenceEngine } from '../../lib/hagen/referenceEngine';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';
import type { Backend } from '../../lib/hagen/types';

function randomBatch(batch: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: batch * 784 }, () => (rng.next() < 0.15 ? 31 : 0));
  const labels = Uint8Array.from({ length: batch }, () => rng.int(10));
  return { x, labels };
}

/** max |a − b| / max |b| */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  return diff / Math.max(scale, 1e-30);
}

describe('fast engine agrees with the reference engine', () => {
  // every mock batch runs on the workspace kernels; batch 3 is a few samples, as the canvas predictions
  const cases: [Backend, number, number][] = [['mock', 3, 40], ['mock', 12, 40], ['mock', 200, 256], ['mock', 9, 300], ['ideal', 12, 40]];
  it.each(cases)('%s, batch %i, hidden %i: same logits and loss (same noise), gradients within 1e-5', (backend, batch, hidden) => {
    const base = buildModel({ hidden, layers: 2, shift: 1 }, { backend, mock: mockParameter(2, 0.002), seed: 5 });
    const { x, labels } = randomBatch(batch, 7);
    const engine = createFastEngine();
    const ref = referenceEngine.trainStep(cloneModel(base), x, labels, batch, new Rng(11));
    // twice on one engine: the second call reuses the buffers of the first
    for (let round = 0; round < 2; round++) {
      const fast = engine.trainStep(cloneModel(base), x, labels, batch, new Rng(11));
      if (backend === 'mock') {
        expect(Array.from(fast.logits)).toEqual(Array.from(ref.logits));
        expect(fast.loss).toBe(ref.loss);
      } else {
        expect(relativeError(fast.logits, ref.logits)).toBeLessThan(1e-5);
        expect(fast.loss).toBeCloseTo(ref.loss, 6);
      }
      ref.grads.forEach((g, i) => {
        expect(relativeError(fast.grads[i].weight, g.weight)).toBeLessThan(1e-5);
        expect(relativeError(fast.grads[i].bias, g.bias)).toBeLessThan(1e-5);
      });
    }
    const forwardRef = referenceEngine.forward(cloneModel(base), x, batch, new Rng(12));
    const forwardFast = engine.forward(cloneModel(base), x, batch, new Rng(12));
    if (backend === 'mock') expect(Array.from(forwardFast)).toEqual(Array.from(forwardRef));
    else expect(relativeError(forwardFast, forwardRef)).toBeLessThan(1e-5);
  });

  it('non-integer inputs (some round to 0 but still count in the backward): same logits, gradients within 1e-5', () => {
    const base = buildModel({ hidden: 40, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 3 });
    const rng = new Rng(4);
    const x = Float32Array.from({ length: 10 * 784 }, () => (rng.next() < 0.3 ? rng.uniform(0, 31.4) : 0));
    const labels = Uint8Array.from({ length: 10 }, () => rng.int(10));
    const ref = referenceEngine.trainStep(cloneModel(base), x, labels, 10, new Rng(1));
    const fast = createFastEngine().trainStep(cloneModel(base), x, labels, 10, new Rng(1));
    expect(Array.from(fast.logits)).toEqual(Array.from(ref.logits));
    ref.grads.forEach((g, i) => expect(relativeError(fast.grads[i].weight, g.weight)).toBeLessThan(1e-5));
  });

  it('clamps weights in place and rejects out-of-range inputs naming the value', () => {
    const model = buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 1 });
    model.layers[0].weight[3] = 90;
    const { x } = randomBatch(8, 1);
    createFastEngine().forward(model, x, 8, null);
    expect(model.layers[0].weight[3]).toBe(63);
    x[5] = 40;
    expect(() => createFastEngine().forward(model, x, 8, null)).toThrow(/input value 40 .*0\.\.31/);
  });

  it.each([[12, 0.01], [5, 1]])('batch %i, a share %s of the weights beyond ±63: clamped in place exactly as the reference, same logits and gradients', (batch, share) => {
    // share 1 lists more values than the clamp list holds (batch · max(k, n)): the fallback clamps all
    const base = buildModel({ hidden: 16, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 3 });
    const rng = new Rng(8);
    for (const layer of base.layers) layer.weight.forEach((w, j) => { if (rng.next() < share) layer.weight[j] = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(63.01, 200); });
    const { x, labels } = randomBatch(batch, 2);
    const refModel = cloneModel(base), fastModel = cloneModel(base);
    const ref = referenceEngine.trainStep(refModel, x, labels, batch, new Rng(5));
    const fast = createFastEngine().trainStep(fastModel, x, labels, batch, new Rng(5));
    expect(Array.from(fast.logits)).toEqual(Array.from(ref.logits));
    fastModel.layers.forEach((layer, i) => expect(Array.from(layer.weight)).toEqual(Array.from(refModel.layers[i].weight)));
    expect(fastModel.layers.some((layer) => layer.weight.some((w) => w === -63)) && fastModel.layers.some((layer) => layer.weight.some((w) => w === 63))).toBe(true);
    ref.grads.forEach((g, i) => expect(relativeError(fast.grads[i].weight, g.weight)).toBeLessThan(1e-5));
  });

  it('single predictions quantise a snapshot once, and see weights a training step and its optimiser changed', () => {
    const engine = createFastEngine();
    const model = buildModel({ hidden: 24, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 6 });
    const { x } = randomBatch(1, 9);
    const same = () => expect(Array.from(engine.forward(model, x, 1, null))).toEqual(Array.from(referenceEngine.forward(cloneModel(model), x, 1, null)));
    model.layers[0].weight[7] = 300;
    same();
    expect(model.layers[0].weight[7]).toBe(63); // clamped in place on the first prediction
    for (const batch of [1, 12]) { // the small-batch and the workspace training paths
      const { x: xs, labels } = randomBatch(batch, 10 + batch);
      const { grads } = engine.trainStep(model, xs, labels, batch, null);
      model.layers.forEach((layer, i) => layer.weight.forEach((w, j) => { layer.weight[j] = w - 2000 * grads[i].weight[j]; })); // an optimiser step
      same();
    }
  });
});

describe('wasm ziggurat (normalFill)', () => {
  it('writes exactly the draws of NormalSource.fill, slow path included, and leaves the source in the same state', () => {
    const memory = new KernelMemory();
    const scratch = allocateWasmNormal(memory);
    const count = 50_000; // ≈ 1 000 slow-path draws
    const dst = memory.alloc(count * 4);
    const wasmSource = new NormalSource(new Rng(21));
    wasmSource.fillWasm(memory, scratch, dst, count, 2);
    const jsSource = new NormalSource(new Rng(21));
    const expected = jsSource.fill(new Float32Array(count), 2);
    expect(Array.from(memory.f32(dst, count))).toEqual(Array.from(expected));
    expect(wasmSource.normal()).toBe(jsSource.normal());
  });
});
