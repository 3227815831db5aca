/**
 * What hxtorch.perceptron.nn.Linear does around the MAC that the engines share: the in-place weight clamp
 * and the [out,in] → [in,out] layout (the reference engine, referenceEngine.ts, chains clamp, mac.ts and add.ts).
 */
import { WEIGHT_MAX } from './constants';

/** As hxtorch: the stored weight is clamped to −63..63 in place before every forward (no gradient effect). */
export function clampWeightInPlace(weight: Float32Array): void {
  for (let i = 0; i < weight.length; i++) {
    const v = weight[i];
    if (v > WEIGHT_MAX) weight[i] = WEIGHT_MAX;
    else if (v < -WEIGHT_MAX) weight[i] = -WEIGHT_MAX;
  }
}

/** Row-major transpose of a [rows, cols] matrix into [cols, rows] (torch's [out,in] weight → the MAC's [K,N]). */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  if (m.length !== rows * cols) throw new RangeError(`transpose: matrix has ${m.length} values, expected ${rows}*${cols}`);
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}

