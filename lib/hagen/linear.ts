/**
 * What hxtorch.perceptron.nn.Linear does around the MAC that the engines share: the in-place weight clamp
 * and the [out,in] → [in,out] layout (the reference engine, referenceEngine.ts, chains clamp, mac.ts and add.ts).
 */
import type { Rng } from '../random';
import { digitalAddForward } from './add';
import { WEIGHT_MAX } from './constants';
import { mockMacForward } from './mac';
import type { LayerParams, MockParameter } from './types';

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


/** Linear forward in mock mode (clamp, MAC, digital bias add): the layer output before any activation.
 *  The reference convolution (conv.ts) applies it to every image patch, as hxtorch's perceptron Conv2d does. */
export function linearForward(layer: LayerParams, x: Float32Array, batch: number, mock: MockParameter, rng: Rng | null): Float32Array {
  clampWeightInPlace(layer.weight);
  const wKN = transpose(layer.weight, layer.outFeatures, layer.inFeatures);
  const mac = mockMacForward(x, batch, wKN, layer.inFeatures, layer.outFeatures, layer.numSends, mock, rng);
  return digitalAddForward(mac, layer.bias, batch);
}
