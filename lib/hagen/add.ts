/**
 * The chip's digital bias add (hxtorch src/hxtorch/perceptron/detail/add.cpp): both operands are
 * floored and saturated to the 8-bit range (mac.ts floorClamp8, the ADC's rule), their sum saturates again.
 */
import { floorClamp8 } from './mac';

/** The bias as the digital add's operand: floorClamp8 of every value. */
export function biasOperand(bias: Float32Array): Float32Array {
  return bias.map(floorClamp8);
}

/** y[b,j] = clamp(clamp(floor(a[b,j])) + clamp(floor(bias[j])), −128, 127). */
export function digitalAddForward(a: Float32Array, bias: Float32Array, batch: number): Float32Array {
  const n = bias.length;
  if (a.length !== batch * n) throw new RangeError(`digital add: a has ${a.length} values, expected batch*bias.length = ${batch * n}`);
  const operand = biasOperand(bias);
  const y = new Float32Array(a.length);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) y[b * n + j] = floorClamp8(floorClamp8(a[b * n + j]) + operand[j]);
  }
  return y;
}

/** Straight-through: da = dy, dbias = dy summed over the batch. */
export function digitalAddBackward(dy: Float32Array, batch: number, n: number): { da: Float32Array; dbias: Float32Array } {
  const dbias = new Float64Array(n);
  for (let b = 0; b < batch; b++) for (let j = 0; j < n; j++) dbias[j] += dy[b * n + j];
  return { da: Float32Array.from(dy), dbias: Float32Array.from(dbias) };
}
