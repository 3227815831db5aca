/**
 * The chip's digital activations (hxtorch src/hxtorch/perceptron/detail/relu.cpp). Values are
 * integers held in floats; backward passes are straight-through apart from the x > 0 mask.
 */
import { INPUT_MAX, RELU_MAX } from './constants';

function checkShift(shift: number): void {
  if (!Number.isInteger(shift) || shift < 0 || shift > 7) throw new RangeError(`ConvertingReLU shift must be an integer 0..7, got ${shift}`);
}

/** ReLU forward: clamp(floor(x), 0, 127). */
export function reluForward(x: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.min(RELU_MAX, Math.max(0, Math.floor(x[i])));
  return y;
}

/** ReLU backward: dy · (x > 0). */
export function reluBackward(x: Float32Array, dy: Float32Array): Float32Array {
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  return dx;
}

/**
 * ConvertingReLU(shift) forward: clamp(floor(clamp(floor(x), 0, 127) / 2^shift), 0, 31) —
 * turns an 8-bit output back into a 5-bit input for the next layer.
 */
export function convertingReluForward(x: Float32Array, shift: number): Float32Array {
  checkShift(shift);
  const divisor = 2 ** shift;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const relu = Math.min(RELU_MAX, Math.max(0, Math.floor(x[i])));
    y[i] = Math.min(INPUT_MAX, Math.max(0, Math.floor(relu / divisor)));
  }
  return y;
}

/** ConvertingReLU backward: dy · (x > 0) / 2^shift. */
export function convertingReluBackward(x: Float32Array, dy: Float32Array, shift: number): Float32Array {
  checkShift(shift);
  const divisor = 2 ** shift;
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] / divisor : 0;
  return dx;
}
