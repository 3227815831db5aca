/**
 * The straight-through backward on the WebAssembly SIMD kernels (wasm/source.ts), for the engine's generic
 * path. Same semantics and signature as kernels.linearBackward, which the tests use as their reference.
 * (The layer forward on these kernels for the tests and the bench: tests/hagen-fast/simdMockLinearForward.ts.)
 */
import { BLOCK_COLUMNS } from './wasm/source';
import { kernelMemory } from './wasm/runtime';

const padded = (n: number) => Math.ceil(n / BLOCK_COLUMNS) * BLOCK_COLUMNS;

/**
 * Straight-through backward of MAC + bias (see kernels.linearBackward) with float32 SIMD sums:
 * dWeight[n,k] = Σ_b g[b,n]·x[b,k] over non-zero x; dx[b,k] = Σ_n g[b,n]·W[n,k] over non-zero g.
 */
export function simdLinearBackward(
  dz: Float64Array, batch: number, n: number, x: Float32Array, k: number, weight: Float32Array, gradScale: number,
  dWeight: Float32Array, dBias: Float32Array, dx: Float64Array | null,
): void {
  const mem = kernelMemory();
  mem.reset();
  const width = padded(n);
  const kWidth = padded(k);
  let nonZeroX = 0;
  for (let i = 0; i < batch * k; i++) if (x[i] !== 0) nonZeroX++;
  const gPtr = mem.alloc(batch * width * 4);
  const dwPtr = mem.alloc(k * width * 4);
  const rowsPtr = mem.alloc(Math.max(nonZeroX, batch * n) * 4);
  const valsPtr = mem.alloc(Math.max(nonZeroX, batch * n) * 4);
  const wPtr = dx ? mem.alloc(n * kWidth * 4) : 0;
  const dxPtr = dx ? mem.alloc(kWidth * 4) : 0;
  const g = mem.f32(gPtr, batch * width);
  const rows = mem.i32(rowsPtr, Math.max(nonZeroX, batch * n));
  const vals = mem.f32(valsPtr, Math.max(nonZeroX, batch * n));
  const dwT = mem.f32(dwPtr, k * width);
  g.fill(0);
  const biasSum = new Float64Array(n);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const d = dz[b * n + j];
      biasSum[j] += d;
      g[b * width + j] = d * gradScale;
    }
  }
  for (let j = 0; j < n; j++) dBias[j] = biasSum[j];

  // dWᵀ row i = Σ over samples b with x[b,i] ≠ 0 of x[b,i] · g[b]: input-major lists of samples.
  const counts = new Int32Array(k + 1);
  for (let b = 0; b < batch; b++) for (let i = 0; i < k; i++) if (x[b * k + i] !== 0) counts[i + 1]++;
  for (let i = 0; i < k; i++) counts[i + 1] += counts[i];
  const fillAt = counts.slice(0, k);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < k; i++) {
      const v = x[b * k + i];
      if (v !== 0) { const at = fillAt[i]++; rows[at] = b; vals[at] = v; }
    }
  }
  const { rowsAxpyF32 } = mem.exports;
  for (let i = 0; i < k; i++) {
    rowsAxpyF32(dwPtr + i * width * 4, gPtr, width, rowsPtr + 4 * counts[i], valsPtr + 4 * counts[i], counts[i + 1] - counts[i]);
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) dWeight[j * k + i] = dwT[i * width + j];

  if (dx) {
    const w = mem.f32(wPtr, n * kWidth);
    w.fill(0);
    for (let j = 0; j < n; j++) w.set(weight.subarray(j * k, (j + 1) * k), j * kWidth);
    const dxRow = mem.f32(dxPtr, kWidth);
    for (let b = 0; b < batch; b++) {
      let count = 0;
      for (let j = 0; j < n; j++) {
        const gv = g[b * width + j];
        if (gv !== 0) { rows[count] = j; vals[count] = gv; count++; }
      }
      rowsAxpyF32(dxPtr, wPtr, kWidth, rowsPtr, valsPtr, count);
      for (let i = 0; i < k; i++) dx[b * k + i] = dxRow[i];
    }
  }
}
