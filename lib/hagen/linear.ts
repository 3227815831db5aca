/**
 * hxtorch.perceptron.nn.Linear in mock mode: clamp the stored weight in place, MAC with weightᵀ,
 * digital bias add. Also the layout helpers the engines share.
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

/** Linear forward in mock mode. Returns the layer output (before any activation). */
export function linearForward(layer: LayerParams, x: Float32Array, batch: number, mock: MockParameter, rng: Rng | null): Float32Array {
  clampWeightInPlace(layer.weight);
  const wKN = transpose(layer.weight, layer.outFeatures, layer.inFeatures);
  const mac = mockMacForward(x, batch, wKN, layer.inFeatures, layer.outFeatures, layer.numSends, mock, rng);
  return digitalAddForward(mac, layer.bias, batch);
}
