/**
 * The mock forward and the straight-through backward on the WebAssembly SIMD kernels
 * (wasm/source.ts). Same semantics and signatures as the plain kernels in kernels.ts, which the
 * tests use as their reference.
 */
import { BLOCK_COLUMNS } from './wasm/source';
import { kernelMemory } from './wasm/runtime';
import { addBiasToRow, chunkCount, ROWS_PER_CHUNK } from './kernels';

const padded = (n: number) => Math.ceil(n / BLOCK_COLUMNS) * BLOCK_COLUMNS;

/**
 * z = clamp(clamp(Σ_chunks clamp(floor(f32(f32(sum·scale) + noise)))) + biasQ) for one layer.
 * `weight` is the torch-layout [n, k] float weight (already clamped to ±63); it is rounded here.
 */
export function simdMockLinearForward(
  xq: Uint8Array, batch: number, k: number, weight: Float32Array, n: number, scale: number,
  noise: Float32Array | null, biasQ: Int32Array, z: Int32Array,
): Int32Array {
  const mem = kernelMemory();
  mem.reset();
  const width = padded(n);
  const chunks = chunkCount(k);
  let nonZero = 0;
  for (let i = 0; i < xq.length; i++) if (xq[i] !== 0) nonZero++;
  const wPtr = mem.alloc(k * width * 4);
  const rowsPtr = mem.alloc(nonZero * 4);
  const valsPtr = mem.alloc(nonZero * 4);
  const accPtr = mem.alloc(width * 4);
  const yPtr = mem.alloc(width * 4);
  // Noise rows padded to `width`; with noise off one zero row is reused (adding 0 changes nothing).
  const noiseRows = noise ? batch * chunks : 1;
  const noisePtr = mem.alloc(noiseRows * width * 4);
  const wqT = mem.i32(wPtr, k * width);
  const rows = mem.i32(rowsPtr, nonZero);
  const vals = mem.i32(valsPtr, nonZero);
  const y = mem.i32(yPtr, width);
  const noiseRowsView = mem.f32(noisePtr, noiseRows * width);
  wqT.fill(0);
  noiseRowsView.fill(0);
  if (noise) for (let r = 0; r < noiseRows; r++) noiseRowsView.set(noise.subarray(r * n, (r + 1) * n), r * width);
  const ROUND = 6755399441055744; // ties-to-even rounding, as kernels.roundHalfEven
  // Transposing in blocks of 16 inputs keeps the strided writes within cache.
  for (let i0 = 0; i0 < k; i0 += 16) {
    const i1 = Math.min(k, i0 + 16);
    for (let o = 0; o < n; o++) {
      const row = o * k;
      for (let i = i0; i < i1; i++) wqT[i * width + o] = weight[row + i] + ROUND - ROUND;
    }
  }
  // Non-zero inputs of every (sample, chunk), in order.
  const starts = new Int32Array(batch * chunks + 1);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < chunks; c++) {
      starts[b * chunks + c] = at;
      const from = b * k + c * ROWS_PER_CHUNK, to = b * k + Math.min(k, (c + 1) * ROWS_PER_CHUNK);
      for (let i = from; i < to; i++) {
        const v = xq[i];
        if (v !== 0) { rows[at] = i - b * k; vals[at] = v; at++; }
      }
    }
  }
  starts[batch * chunks] = at;
  const { rowsAxpyI32, digitiseChunk } = mem.exports;
  const scale32 = Math.fround(scale);
  for (let b = 0; b < batch; b++) {
    y.fill(0);
    for (let c = 0; c < chunks; c++) {
      const s = starts[b * chunks + c];
      rowsAxpyI32(accPtr, wPtr, width, rowsPtr + 4 * s, valsPtr + 4 * s, starts[b * chunks + c + 1] - s);
      digitiseChunk(yPtr, accPtr, noise ? noisePtr + (b * chunks + c) * width * 4 : noisePtr, width, scale32);
    }
    addBiasToRow(y, biasQ, z, b * n, n);
  }
  return z;
}

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
