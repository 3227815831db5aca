/**
 * The 'ideal' backend: the same network in plain float arithmetic, to show what the chip's
 * limits cost. Exactly: y = (x·Wᵀ)·numSends·gain + bias, hidden activation max(y, 0) / 2^shift.
 * No rounding of inputs or weights, no range checks, no weight clamp, no noise, no floor, no
 * saturation anywhere. Its gradients are the true ones, which equal the mock's straight-through rule.
 */

/** Plain float matmul of x[B,K] and W[K,N], times numSends·gain. */
export function idealMacForward(x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number, gain: number): Float32Array {
  const acc = new Float64Array(batch * n);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < k; r++) {
      const xv = x[b * k + r];
      if (xv === 0) continue;
      for (let j = 0; j < n; j++) acc[b * n + j] += xv * w[r * n + j];
    }
  }
  const scale = numSends * gain;
  const y = new Float32Array(batch * n);
  for (let i = 0; i < y.length; i++) y[i] = acc[i] * scale;
  return y;
}

/** Plain bias add: y[b,j] = a[b,j] + bias[j]. */
export function idealAddForward(a: Float32Array, bias: Float32Array, batch: number): Float32Array {
  const n = bias.length;
  const y = new Float32Array(a.length);
  for (let b = 0; b < batch; b++) for (let j = 0; j < n; j++) y[b * n + j] = a[b * n + j] + bias[j];
  return y;
}

/** The ideal counterpart of ConvertingReLU: max(x, 0) / 2^shift, no floor and no cap at 31. */
export function idealConvertingReluForward(x: Float32Array, shift: number): Float32Array {
  const divisor = 2 ** shift;
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] / divisor : 0;
  return y;
}
