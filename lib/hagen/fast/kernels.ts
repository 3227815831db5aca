/**
 * The fast engine's typed-array helpers (pure functions, no DOM, no tfjs). The mock's hot path is in
 * WebAssembly (wasm/source.ts, sequenced by workspaceEngine.ts); these serve the 'ideal' and 'chip'
 * backends and the loss. Layouts: activations [batch, features] row-major; torch weights [out, in];
 * "T" = transposed [in, out].
 *
 * Each chip rule has the reference's name (lib/hagen, the spec) — reference ↔ fast, one to one:
 *   linear.ts  clampWeightInPlace           ↔ kernels clampWeightInPlace (+ refuses NaN); wasm transposeQuantise (clampWeightInPlace emitter)
 *   round.ts   roundHalfEven, mac roundAll  ↔ wasm roundHalfEven emitter (f32 nearest: ties to even) in firstInputLists, transposeQuantise
 *   mac.ts     checkInputRange              ↔ wasm checkInputRange emitter (firstInputLists, pixelInputLists); the error: workspaceEngine listFirstInput
 *   mac.ts     checkWeightRange             ↔ the weight clamp before (hxtorch clamps in place, so rounded weights are in range)
 *   mac.ts     chunkRows, chunkCount        ↔ chunkCount itself (imported); wasm: chunks of ROWS_PER_CHUNK rows in the list kernels
 *   mac.ts     macScale                     ↔ macScale itself (imported); wasm macScale emitter in digitiseChunk
 *   mac.ts     drawChunkNoise               ↔ workspaceEngine mockLayerForward (same NormalSource per layer, [chunk][batch][out])
 *   mac.ts     addChunkNoise                ↔ wasm addChunkNoise emitter (digitiseChunk)
 *   mac.ts     floorAndClampChunk           ↔ wasm floorAndClampChunk emitter (digitiseChunk)
 *   mac.ts     addChunk                     ↔ wasm addChunk emitter (digitiseChunk)
 *   mac.ts     clampOutput                  ↔ wasm clampOutput emitters (mockLayer)
 *   mac.ts     mockMacForward               ↔ wasm mockLayer (+ rowsAxpyI16 / rowsSumI16 / digitiseChunk)
 *   add.ts     biasOperand                  ↔ kernels biasOperand (int32); workspaceEngine mockLayerForward
 *   add.ts     digitalAddForward            ↔ kernels digitalAddForward (chip backend); wasm digitalAddForward emitters (mockLayer)
 *   relu.ts    convertingReluForward        ↔ kernels convertingReluForward; wasm convertingReluForward emitters (reluToLists)
 *   linear.ts  linearForward                ↔ workspaceEngine mockLayerForward (mock); index.ts runForward (ideal, chip)
 *   ideal.ts   idealMacForward + idealAddForward ↔ kernels idealLinearForward (fused: float64 sum, one rounding)
 *   ideal.ts   idealConvertingReluForward   ↔ kernels idealConvertingReluForward
 *   loss.ts    crossEntropy64               ↔ kernels crossEntropy64 (dLogits into a float64 buffer)
 *   mac.ts mockMacBackward + add.ts digitalAddBackward + relu.ts convertingReluBackward
 *                                           ↔ simd.ts simdLinearBackward; wasm layerGradients, inputGradients
 * Every chip constant comes from lib/hagen/constants.ts (the wasm's are generated into the module from there).
 */
import { INPUT_MAX, RELU_MAX, WEIGHT_MAX } from '../constants';
import { biasOperand as referenceBiasOperand } from '../add';
import { clampOutputValue, floorClamp8 } from '../mac';

/** Clamp a stored weight in place to ±63 (hxtorch's Linear does this before every forward); a NaN is refused. */
export function clampWeightInPlace(weight: Float32Array, layerIndex: number): void {
  const max = WEIGHT_MAX; // a local: imported bindings can compile to getter calls, slow in this loop
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i];
    if (w > max) weight[i] = max;
    else if (w < -max) weight[i] = -max;
    else if (w !== w) throw new Error(`layer ${layerIndex} weight[${i}] is NaN; weights must be finite numbers`);
  }
}

/** The digital add's bias operand floorClamp8(b) (add.ts biasOperand), as int32. */
export function biasOperand(bias: Float32Array, out: Int32Array): Int32Array {
  out.set(referenceBiasOperand(bias));
  return out;
}

/** The digital bias add on a MAC result (chip backend): clamp(floorClamp8(y) + biasOperand) (add.ts digitalAddForward, integers). */
export function digitalAddForward(y: Float32Array, batch: number, n: number, biasQ: Int32Array, z: Int32Array): Int32Array {
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < n; j++) z[b * n + j] = clampOutputValue(floorClamp8(y[b * n + j]) + biasQ[j]);
  }
  return z;
}

/** ConvertingReLU(shift) on integer pre-activations (relu.ts): clamp(floor(clamp(z, 0, 127) / 2^shift), 0, 31). */
export function convertingReluForward(z: Int32Array, count: number, shift: number, h: Float32Array): void {
  const reluMax = RELU_MAX, inputMax = INPUT_MAX;
  for (let i = 0; i < count; i++) {
    const r = z[i] <= 0 ? 0 : (z[i] > reluMax ? reluMax : z[i]) >> shift;
    h[i] = r > inputMax ? inputMax : r;
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

/** Ideal ConvertingReLU(shift) (ideal.ts): max(z, 0) / 2^shift, no floor or clamp. */
export function idealConvertingReluForward(z: Float64Array, count: number, shift: number, h: Float32Array): void {
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
export function crossEntropy64(logits: ArrayLike<number>, labels: Uint8Array, batch: number, classes: number, dLogits: Float64Array): number {
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

