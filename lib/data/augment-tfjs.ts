/**
 * The augmentation's oracle: the crops of a batch resized by one `tf.image.cropAndResize` call
 * (bilinear, outside → 0) on the current tfjs backend, binarised like resizeCrops. Training uses the
 * typed kernel (lib/data/augment.ts resizeCrops, the same pixels); this module keeps tfjs out of the
 * augmentation thread and is what the tests and bench/data.bench.ts hold that kernel to.
 */
import * as tf from '@tensorflow/tfjs';
import { BINARISE_THRESHOLD, checkResizeArguments } from './augment';
import { IMAGE_PIXELS, IMAGE_SIDE } from './types';

/** resizeCrops through tfjs; leaves no tensors behind. */
export function resizeCropsWithTfjs(images: Uint8Array, n: number, boxes: Float32Array): Uint8Array {
  checkResizeArguments(images, n, boxes);
  if (n === 0) return new Uint8Array(0);
  const resized = tf.tidy(() => {
    const pixels = tf.tensor4d(Float32Array.from(images), [n, IMAGE_SIDE, IMAGE_SIDE, 1]);
    const boxIndex = tf.tensor1d(Int32Array.from({ length: n }, (_, b) => b), 'int32');
    return tf.image.cropAndResize(pixels, tf.tensor2d(boxes, [n, 4]), boxIndex, [IMAGE_SIDE, IMAGE_SIDE], 'bilinear', 0);
  });
  const values = resized.dataSync() as Float32Array;
  resized.dispose();
  const out = new Uint8Array(n * IMAGE_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = values[i] > BINARISE_THRESHOLD ? 1 : 0;
  return out;
}
