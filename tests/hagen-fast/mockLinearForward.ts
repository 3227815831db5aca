/**
 * A plain-loop twin of the fast engine's mock linear layer, kept as a test oracle (no engine uses it):
 * golden.test.ts holds it to the vectors, simd.test.ts the SIMD layer to it. With its input helpers
 * (integer-typed quantisation, the digital add of one row), which only the oracles use.
 */
import { INPUT_MAX, OUTPUT_MAX, OUTPUT_MIN, ROWS_PER_CHUNK } from '../../lib/hagen/constants';
import { chunkCount } from '../../lib/hagen/mac';

/**
 * Adding and subtracting 1.5·2^52 rounds a double to an integer, ties to even (torch.round): the branch-free
 * twin of lib/round.ts for hot loops, exact for |v| < 2^51 (inputs and weights are far smaller).
 */
const ROUND_MAGIC = 6755399441055744;
function roundHalfEven(v: number): number {
  return v + ROUND_MAGIC - ROUND_MAGIC;
}

/** round(x) as 5-bit inputs; throws (like hxtorch's OverflowError) if any is outside 0…31. */
export function quantiseInputs(x: Float32Array, out: Uint8Array, what: string): Uint8Array {
  let bad = -1;
  for (let i = 0; i < x.length; i++) {
    const q = roundHalfEven(x[i]);
    if (!(q >= 0 && q <= INPUT_MAX)) { bad = i; break; }
    out[i] = q;
  }
  if (bad >= 0) throw new RangeError(`${what}[${bad}] = ${x[bad]} rounds outside the allowed input range 0…${INPUT_MAX}`);
  return out;
}

/** round(W) transposed to [in, out] int32, for row-wise accumulation over the non-zero inputs. */
export function quantiseWeightsTransposed(weight: Float32Array, outFeatures: number, inFeatures: number, out: Int32Array): Int32Array {
  for (let o = 0; o < outFeatures; o++) {
    const row = o * inFeatures;
    for (let i = 0; i < inFeatures; i++) out[i * outFeatures + o] = roundHalfEven(weight[row + i]);
  }
  return out;
}

/** The digital bias add for one sample: z[zRow + j] = clamp(clamp(y[j]) + biasQ[j]) (hxtorch's add.cpp, integers). */
export function addBiasToRow(y: Int32Array, biasQ: Int32Array, z: Int32Array, zRow: number, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = y[j];
    s = s < OUTPUT_MIN ? OUTPUT_MIN : s > OUTPUT_MAX ? OUTPUT_MAX : s;
    s += biasQ[j];
    z[zRow + j] = s < OUTPUT_MIN ? OUTPUT_MIN : s > OUTPUT_MAX ? OUTPUT_MAX : s;
  }
}

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
