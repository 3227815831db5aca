/**
 * A canvas prediction (a forward of a few samples) runs on the same wasm kernels as training, and
 * quantises a model's weights once per weight version: never stale after a trainStep changed them.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { createFastEngine } from '../../lib/hagen/fast/index';
import { referenceEngine } from '../../lib/hagen/referenceEngine';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';
import { predict } from '../../lib/hagen/predict';

const image = (seed: number, batch = 1) => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: batch * 784 }, () => (rng.next() < 0.2 ? 31 : 0));
};
const model = () => buildModel({ hidden: 64, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed: 3 });

describe('predictions on the wasm kernels', () => {
  it('batches of 1…4 give the reference logits (same noise), again and again with the same weights', () => {
    const engine = createFastEngine();
    const m = model();
    for (let round = 0; round < 3; round++) {
      for (const batch of [1, 2, 3, 4]) {
        const x = image(10 + batch, batch);
        const fast = Array.from(engine.forward(m, x, batch, new Rng(round)));
        expect(fast).toEqual(Array.from(referenceEngine.forward(cloneModel(m), x, batch, new Rng(round))));
      }
    }
  });

  it('a trainStep marks the weights as changed: the next prediction uses the new weights', () => {
    const engine = createFastEngine();
    const m = model();
    const x = image(5);
    engine.forward(m, x, 1, null); // quantised and kept for m's weight arrays
    for (let step = 0; step < 3; step++) {
      const { grads } = engine.trainStep(m, image(20 + step, 8), Uint8Array.from({ length: 8 }, (_, i) => i), 8, new Rng(step));
      // an optimiser's in-place update, after the step
      m.layers.forEach((layer, l) => { for (let i = 0; i < layer.weight.length; i++) layer.weight[i] -= 400 * grads[l].weight[i]; });
      const fast = Array.from(engine.forward(m, x, 1, null));
      expect(fast).toEqual(Array.from(referenceEngine.forward(cloneModel(m), x, 1, null)));
    }
  });

  it('predict returns a fresh array each time (the engine reuses its own)', () => {
    const m = model();
    const a = predict(m, image(1).map((v) => v / 31), null);
    const b = predict(m, image(2).map((v) => v / 31), null);
    expect(a).not.toBe(b);
    expect(Array.from(a)).toEqual(Array.from(predict(m, image(1).map((v) => v / 31), null)));
  });
});
