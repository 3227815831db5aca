/** Score one drawn or test image: the tutorial's `model(image * 31)` (fast engine: the wasm kernels, weights quantised once per weight version). */
import type { Rng } from '../random';
import { fastEngine } from './fast/index';
import type { ChipDevice, HagenEngine, HagenModel } from './types';

/** image: 784 values in 0..1 (as the tutorial's canvas/255). Returns the 10 logits (a fresh array: the fast engine's own are views it reuses). */
export function predict(model: HagenModel, image: Float32Array, rng: Rng | null, chip?: ChipDevice, engine: HagenEngine = fastEngine): Float32Array {
  if (image.length !== 784) throw new RangeError(`predict: image must have 784 values (28×28), got ${image.length}`);
  const x = new Float32Array(784);
  for (let i = 0; i < 784; i++) {
    const v = image[i];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`predict: image values must lie in 0..1, got ${v} at index ${i}`);
    x[i] = v * 31;
  }
  return engine.forward(model, x, 1, rng, chip).slice();
}
