import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { createFastEngine } from '../../lib/hagen/fast/index';
import { referenceEngine } from '../../lib/hagen/referenceEngine';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';

/**
 * The list builders skip four zero pixels at once and write list entries branch-free; inputs that
 * stress both: −0.0 (non-zero bits), isolated pixels at every offset of a 4-group, blank and full images.
 */
describe('input and activation lists (workspace path) agree with the reference engine', () => {
  it('blank, full, −0.0 and single-pixel images: same logits and loss', () => {
    const batch = 12;
    const x = new Float32Array(batch * 784);
    x.fill(31, 784, 2 * 784); // a full image: every input listed, hidden units all on or off together
    for (let i = 0; i < 784; i += 5) x[2 * 784 + i] = -0; // −0.0 scattered in an otherwise blank image
    for (let offset = 0; offset < 4; offset++) x[(3 + offset) * 784 + 128 * offset + offset] = 31; // one pixel per 4-group position, across chunks
    const rng = new Rng(9);
    for (let i = 7 * 784; i < x.length; i++) x[i] = rng.next() < 0.5 ? 31 : rng.next() < 0.5 ? -0 : 0;
    const labels = Uint8Array.from({ length: batch }, (_, b) => b % 10);
    for (const seed of [1, 2]) {
      const base = buildModel({ hidden: 40, layers: 2, shift: 1 }, { backend: 'mock', mock: mockParameter(2, 0.002), seed });
      const ref = referenceEngine.trainStep(cloneModel(base), x, labels, batch, new Rng(3));
      const fast = createFastEngine().trainStep(cloneModel(base), x, labels, batch, new Rng(3));
      expect(Array.from(fast.logits)).toEqual(Array.from(ref.logits));
      expect(fast.loss).toBe(ref.loss);
      // gradients: the reference sums in another order (float64), hence a tolerance as in parity.test.ts
      ref.grads.forEach((g, i) => {
        for (const [a, b] of [[fast.grads[i].weight, g.weight], [fast.grads[i].bias, g.bias]]) {
          const scale = Math.max(1e-30, ...Array.from(b, Math.abs));
          expect(Math.max(...Array.from(a, (v, j) => Math.abs(v - b[j]))) / scale).toBeLessThan(1e-5);
        }
      });
    }
  });
});
