/**
 * hxtorch MACLayer.reset_parameters: weights and biases scaled so that, with the gain read at
 * construction, a layer's outputs use the chip's range; num_sends makes up for a small gain.
 */
import { Rng } from '../random';
import { WEIGHT_MAX } from './constants';
import type { LayerParams } from './types';

interface InitScales { numSends: number; weightStd: number; biasBound: number }

/**
 * gain_tot = 2^reluShift·√2/gain, std = gain_tot/√fanIn, numSends = ceil(std/21),
 * weight std = std/numSends, bias bound = std/(31/√3).
 */
export function initScales(fanIn: number, gain: number, reluShift = 1): InitScales {
  if (!Number.isInteger(fanIn) || fanIn < 1) throw new RangeError(`init: fanIn must be a positive integer, got ${fanIn}`);
  if (!(gain > 0 && gain <= 1)) throw new RangeError(`init: gain must satisfy 0 < gain <= 1, got ${gain}`);
  const gainTotal = (2 ** reluShift * Math.SQRT2) / gain;
  const std = gainTotal / Math.sqrt(fanIn);
  const numSends = Math.ceil(std / 21);
  return { numSends, weightStd: std / numSends, biasBound: std / (31 / Math.sqrt(3)) };
}

/** torch.nn.init.trunc_normal_(mean 0, std, a=−63, b=63): redraw values outside the cut. */
export function truncatedNormal(rng: Rng, count: number, std: number, bound = WEIGHT_MAX): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let v: number;
    do v = rng.normal() * std; while (v < -bound || v > bound);
    out[i] = v;
  }
  return out;
}

/** One initialised layer. `rng` is the layer's own stream (Rng.derive(seed, 'init/layerN')). */
export function initLayer(inFeatures: number, outFeatures: number, gain: number, rng: Rng, reluShift = 1): LayerParams {
  if (!Number.isInteger(outFeatures) || outFeatures < 1) throw new RangeError(`init: outFeatures must be a positive integer, got ${outFeatures}`);
  const { numSends, weightStd, biasBound } = initScales(inFeatures, gain, reluShift);
  const weight = truncatedNormal(rng, outFeatures * inFeatures, weightStd);
  const bias = new Float32Array(outFeatures);
  for (let i = 0; i < outFeatures; i++) bias[i] = rng.uniform(-biasBound, biasBound);
  return { inFeatures, outFeatures, numSends, weight, bias };
}
