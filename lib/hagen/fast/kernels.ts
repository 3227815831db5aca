/**
 * Plain typed-array kernels of the hagen-mode network (pure functions, no DOM, no tfjs).
 * Layouts: activations [batch, features] row-major; torch weights [out, in]; "T" = transposed [in, out].
 * The mock forward is integer arithmetic: 5-bit inputs × 6-bit weights, 128-row chunk sums in int32,
 * scaled by float32(numSends · float32(gain)) in float32 exactly as hxtorch's mac_mock_forward.
 */

import * as chip from '../constants';

// Local bindings of the chip's constants, declared once in lib/hagen/constants.ts: imported bindings can compile
// to getter calls under tsx's interop, too slow in these loops.
export const INPUT_MAX = chip.INPUT_MAX;
export const WEIGHT_MAX = chip.WEIGHT_MAX;
export const OUTPUT_MIN = chip.OUTPUT_MIN;
export const OUTPUT_MAX = chip.OUTPUT_MAX;
export const ROWS_PER_CHUNK = chip.ROWS_PER_CHUNK;

/**
 * Adding and subtracting 1.5·2^52 rounds a double to an integer, ties to even (torch.round): the branch-free
 * twin of lib/round.ts for hot loops, exact for |v| < 2^51 (inputs and weights are far smaller).
 */
const ROUND_MAGIC = 6755399441055744;
export function roundHalfEven(v: number): number {
  return v + ROUND_MAGIC - ROUND_MAGIC;
}

/** The gain hxtorch multiplies chunk sums with: `static_cast<float>(num_sends) * gain` in float32. */
export function chunkScale(gain: number, numSends: number): number {
  return Math.fround(numSends * Math.fround(gain));
}

export function chunkCount(k: number): number {
  return Math.ceil(k / ROWS_PER_CHUNK);
}

/** Clamp a stored weight in place to ±63 (hxtorch's Linear does this before every forward). */
export function clampWeightsInPlace(weight: Float32Array, layerIndex: number): void {
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i];
    if (w > WEIGHT_MAX) weight[i] = WEIGHT_MAX;
    else if (w < -WEIGHT_MAX) weight[i] = -WEIGHT_MAX;
    else if (w !== w) throw new Error(`layer ${layerIndex} weight[${i}] is NaN; weights must be finite numbers`);
  }
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

/** The digital bias operand: clamp(floor(b), −128, 127). */
export function quantiseBias(bias: Float32Array, out: Int32Array): Int32Array {
  for (let i = 0; i < bias.length; i++) out[i] = Math.min(OUTPUT_MAX, Math.max(OUTPUT_MIN, Math.floor(bias[i])));
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

/** Digital bias add on an arbitrary MAC result (chip backend): clamp(clamp(floor(y)) + clamp(floor(b))). */
export function digitalBiasAdd(y: Float32Array, batch: number, n: number, biasQ: Int32Array, z: Int32Array): Int32Array {
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) {
      const f = Math.floor(y[b * n + j]);
      const s = (f < OUTPUT_MIN ? OUTPUT_MIN : f > OUTPUT_MAX ? OUTPUT_MAX : f) + biasQ[j];
      z[b * n + j] = s < OUTPUT_MIN ? OUTPUT_MIN : s > OUTPUT_MAX ? OUTPUT_MAX : s;
    }
  }
  return z;
}

/** ConvertingReLU(shift) on integer pre-activations: clamp(floor(clamp(z, 0, 127) / 2^shift), 0, 31). */
export function convertingRelu(z: Int32Array, count: number, shift: number, hq: Uint8Array, h: Float32Array): void {
  for (let i = 0; i < count; i++) {
    const r = z[i] <= 0 ? 0 : (z[i] > OUTPUT_MAX ? OUTPUT_MAX : z[i]) >> shift;
    const v = r > INPUT_MAX ? INPUT_MAX : r;
    hq[i] = v;
    h[i] = v;
  }
}

/** Ideal backend: z = (x·Wᵀ)·gain·numSends + bias in plain floats (no rounding, noise or clamps). */
export function idealLinearForward(
  x: Float32Array, batch: number, k: number, wT: Float32Array, n: number, scale: number, bias: Float32Array,
  z: Float64Array, acc: Float64Array,
): Float64Array {
  for (let b = 0; b < batch; b++) {
    acc.fill(0, 0, n);
    const xRow = b * k;
    for (let i = 0; i < k; i++) {
      const v = x[xRow + i];
      if (v === 0) continue;
      const wRow = i * n;
      for (let j = 0; j < n; j++) acc[j] += v * wT[wRow + j];
    }
    for (let j = 0; j < n; j++) z[b * n + j] = Math.fround(acc[j] * scale + bias[j]);
  }
  return z;
}

/** Ideal ReLU(shift): max(z, 0) / 2^shift, no floor or clamp. */
export function idealRelu(z: Float64Array, count: number, shift: number, h: Float32Array): void {
  const div = 2 ** shift;
  for (let i = 0; i < count; i++) h[i] = z[i] > 0 ? z[i] / div : 0;
}

/** Transpose [rows, cols] → [cols, rows]. */
export function transpose(src: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = src[row + c];
  }
  return out;
}

/**
 * Cross-entropy / 64 averaged over the batch, and its gradient w.r.t. the logits.
 * Returns the loss; dLogits receives (softmax − onehot) / (batch · 64).
 */
export function crossEntropyOver64(logits: ArrayLike<number>, labels: Uint8Array, batch: number, classes: number, dLogits: Float64Array): number {
  let total = 0;
  for (let b = 0; b < batch; b++) {
    const row = b * classes;
    const label = labels[b];
    if (!(label < classes)) throw new RangeError(`labels[${b}] = ${label}; allowed are integers 0…${classes - 1}`);
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[row + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j] - max);
    total += Math.log(sum) + max - logits[row + label];
    const scale = 1 / (batch * 64);
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(logits[row + j] - max) / sum;
      dLogits[row + j] = (p - (j === label ? 1 : 0)) * scale;
    }
  }
  return total / batch / 64;
}

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

/** round(W) of weights already clamped to ±63, in the torch layout [n, k], as int8. */
export function quantiseWeights(weight: Float32Array, out = new Int8Array(weight.length)): Int8Array {
  for (let i = 0; i < weight.length; i++) out[i] = weight[i] + ROUND_MAGIC - ROUND_MAGIC;
  return out;
}

/**
 * Mock MAC + bias for small batches (a canvas prediction): reads the torch-layout quantised weight
 * [n, k] (quantiseWeights) at the non-zero inputs only, so nothing is transposed.
 * Same result as the test's mockLinearForward (tests/hagen-fast/mockLinearForward.ts); `noise` holds batch·chunks·n
 * float32 draws ([batch, chunks, n]) or is null for noise off.
 */
export function directMockLinearForward(
  xq: Uint8Array, batch: number, k: number, weightQ: Int8Array, n: number, scale: number,
  noise: Float32Array | null, biasQ: Int32Array, z: Int32Array,
): Int32Array {
  const chunks = chunkCount(k);
  const fround = Math.fround;
  const nonZero = new Int32Array(k);
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    let count = 0;
    for (let i = 0; i < k; i++) if (xq[xRow + i] !== 0) nonZero[count++] = i;
    for (let j = 0; j < n; j++) {
      const wRow = j * k;
      let y = 0;
      let at = 0;
      for (let c = 0; c < chunks; c++) {
        const kEnd = Math.min(k, (c + 1) * ROWS_PER_CHUNK);
        let sum = 0;
        for (; at < count && nonZero[at] < kEnd; at++) {
          const i = nonZero[at];
          sum += xq[xRow + i] * weightQ[wRow + i];
        }
        let local = fround(sum * scale);
        if (noise !== null) local = fround(local + noise[(b * chunks + c) * n + j]);
        local = Math.floor(local);
        y += local < OUTPUT_MIN ? OUTPUT_MIN : local > OUTPUT_MAX ? OUTPUT_MAX : local;
      }
      y = y < OUTPUT_MIN ? OUTPUT_MIN : y > OUTPUT_MAX ? OUTPUT_MAX : y;
      y += biasQ[j];
      z[b * n + j] = y < OUTPUT_MIN ? OUTPUT_MIN : y > OUTPUT_MAX ? OUTPUT_MAX : y;
    }
  }
  return z;
}
