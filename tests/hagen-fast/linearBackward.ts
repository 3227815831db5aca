/**
 * The straight-through backward of one layer in plain float64 loops: the test reference of the fast
 * engine's SIMD backward (lib/hagen/fast/simd.ts simdLinearBackward, same signature) and of the golden vectors.
 */
/**
 * Straight-through backward of MAC + bias for one layer.
 * g = dz · gain·numSends; dBias = Σ_b dz; dWeight[n,k] = Σ_b g[b,n]·x[b,k] (x raw, zero rows skipped);
 * if dx is given: dx[b,k] = Σ_n g[b,n]·W[n,k] (W raw, clamped), zero g skipped.
 */
export function linearBackward(
  dz: Float64Array, batch: number, n: number, x: Float32Array, k: number, weight: Float32Array, gradScale: number,
  dWeight: Float32Array, dBias: Float32Array, dx: Float64Array | null,
  g: Float64Array, dWT: Float64Array,
): void {
  dWT.fill(0, 0, k * n);
  for (let j = 0; j < n; j++) dBias[j] = 0;
  const dBiasAcc = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    const row = b * n;
    for (let j = 0; j < n; j++) {
      dBiasAcc[j] += dz[row + j];
      g[row + j] = dz[row + j] * gradScale;
    }
    const xRow = b * k;
    for (let i = 0; i < k; i++) {
      const v = x[xRow + i];
      if (v === 0) continue;
      const wRow = i * n;
      for (let j = 0; j < n; j++) dWT[wRow + j] += v * g[row + j];
    }
    if (dx !== null) {
      dx.fill(0, xRow, xRow + k);
      for (let j = 0; j < n; j++) {
        const gv = g[row + j];
        if (gv === 0) continue;
        const wRow = j * k;
        for (let i = 0; i < k; i++) dx[xRow + i] += gv * weight[wRow + i];
      }
    }
  }
  for (let j = 0; j < n; j++) dBias[j] = dBiasAcc[j];
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) dWeight[j * k + i] = dWT[i * n + j];
}
