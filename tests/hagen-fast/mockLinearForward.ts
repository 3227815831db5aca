/** A plain-loop twin of the fast engine's mock linear layer, kept as a test oracle (no engine uses it): golden.test.ts holds it to the vectors. */
import { addBiasToRow, chunkCount, OUTPUT_MAX, OUTPUT_MIN, ROWS_PER_CHUNK } from '../../lib/hagen/fast/kernels';

/**
 * Mock MAC + digital bias add for one layer:
 * z[b,n] = clamp( clamp( Σ_chunks clamp(floor(f32(f32(sum·scale) + noise)), −128, 127) ) + biasQ[n] ).
 * `noise` holds batch·chunks·n float32 draws (or is null for noise off); `acc` is scratch of length n.
 */
export function mockLinearForward(
  xq: Uint8Array, batch: number, k: number, wqT: Int32Array, n: number, scale: number,
  noise: Float32Array | null, biasQ: Int32Array, z: Int32Array, acc: Int32Array, y: Int32Array,
): Int32Array {
  const chunks = chunkCount(k);
  const fround = Math.fround;
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    y.fill(0, 0, n);
    for (let c = 0; c < chunks; c++) {
      acc.fill(0, 0, n);
      const kEnd = Math.min(k, (c + 1) * ROWS_PER_CHUNK);
      for (let i = c * ROWS_PER_CHUNK; i < kEnd; i++) {
        const v = xq[xRow + i];
        if (v === 0) continue;
        const wRow = i * n;
        for (let j = 0; j < n; j++) acc[j] += v * wqT[wRow + j];
      }
      const noiseRow = (b * chunks + c) * n;
      for (let j = 0; j < n; j++) {
        let local = fround(acc[j] * scale);
        if (noise !== null) local = fround(local + noise[noiseRow + j]);
        local = Math.floor(local);
        y[j] += local < OUTPUT_MIN ? OUTPUT_MIN : local > OUTPUT_MAX ? OUTPUT_MAX : local;
      }
    }
    addBiasToRow(y, biasQ, z, b * n, n);
  }
  return z;
}
