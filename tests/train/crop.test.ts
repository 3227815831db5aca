import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, type AugmentMode } from '../../lib/data/augment';
import { loadMnistNode } from '../../lib/host/node-data';
import { Rng } from '../../lib/random';
import { cropBatch } from '../../lib/train/crop';
import { useWasmBackend } from '../hagen/tfSetup';

beforeAll(useWasmBackend);

describe('cropBatch equals augmentBatch (tf.image.cropAndResize) on real MNIST batches', () => {
  let images: Uint8Array;
  beforeAll(async () => {
    images = (await loadMnistNode()).train.images.subarray(0, 2000 * 784);
  });
  for (const mode of ['crop', 'mild', 'none'] as AugmentMode[]) {
    it(`${mode}: 10 batches of 200, identical pixels and identical rng use`, () => {
      const tfRng = new Rng(31), typedRng = new Rng(31);
      for (let batch = 0; batch < 10; batch++) {
        const slice = images.subarray(batch * 200 * 784, (batch + 1) * 200 * 784);
        const expected = augmentBatch(slice, 200, mode, tfRng);
        const actual = cropBatch(slice, 200, mode, typedRng);
        expect(actual.length).toBe(expected.length);
        let differing = 0;
        for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) differing++;
        expect(differing).toBe(0);
      }
      expect(typedRng.uint32()).toBe(tfRng.uint32());
    });
  }
  it('on the cpu backend too', async () => {
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const slice = images.subarray(0, 200 * 784);
      expect(Array.from(cropBatch(slice, 200, 'crop', new Rng(5)))).toEqual(Array.from(augmentBatch(slice, 200, 'crop', new Rng(5))));
    } finally {
      await tf.setBackend(previous);
    }
  });
  it('rejects bad arguments naming them', () => {
    expect(() => cropBatch(new Uint8Array(784), 2, 'crop', new Rng(1))).toThrow(/n\*784 = 1568/);
    expect(() => cropBatch(new Uint8Array(784), 1, 'wide' as AugmentMode, new Rng(1))).toThrow(/crop, mild, none/);
  });
});
