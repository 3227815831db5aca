/** The mock layer forward on the WebAssembly SIMD kernels: no engine path uses it; the tests hold it to the plain kernels and the bench times it. */
import { BLOCK_COLUMNS } from '../../lib/hagen/fast/wasm/source';
import { kernelMemory } from '../../lib/hagen/fast/wasm/runtime';
import { ROWS_PER_CHUNK } from '../../lib/hagen/constants';
import { chunkCount } from '../../lib/hagen/mac';
import { addBiasToRow } from './mockLinearForward';

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
  const ROUND = 6755399441055744; // ties-to-even rounding, as mockLinearForward.ts roundHalfEven
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
