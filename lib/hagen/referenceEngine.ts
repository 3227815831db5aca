/**
 * A HagenEngine in plain typed arrays, built from the named op functions. Slow but obviously right:
 * the oracle for the tfjs and fast engines (same noise order: layer by layer, [chunk][batch][out]).
 */
import type { Rng } from '../random';
import { digitalAddBackward, digitalAddForward } from './add';
import { idealAddForward, idealConvertingReluForward, idealMacForward } from './ideal';
import { clampWeightInPlace, transpose } from './linear';
import { crossEntropy64 } from './loss';
import { mockMacBackward, mockMacForward } from './mac';
import { convertingReluBackward, convertingReluForward } from './relu';
import { checkNetworkInput, isScaledPixels, networkInputFloats } from './input';
import { channelsToPositions, convPositions, layerInputSize, positionsToChannels, unfoldPatches } from './conv';
import type { ChipDevice, HagenEngine, HagenModel, LayerGrads, NetworkInput, TrainStepResult } from './types';

/** Throws unless the model/backend/chip/input combination can run. */
export function checkEngineCall(model: HagenModel, x: Float32Array, batch: number, chip: ChipDevice | undefined): void {
  if (model.backend === 'chip' && !chip) throw new Error("backend 'chip' needs a ChipDevice (open a session on the emulated chip first), but none was given");
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const inFeatures = layerInputSize(model.layers[0]);
  if (x.length !== batch * inFeatures) throw new RangeError(`input has ${x.length} values, expected batch*${inFeatures} = ${batch * inFeatures}`);
}

/** The input as floats (scaled pixels are checked and converted; the engine's checks follow on the floats). */
export function engineInputFloats(model: HagenModel, x: NetworkInput, batch: number): Float32Array {
  if (isScaledPixels(x)) checkNetworkInput(x, batch, layerInputSize(model.layers[0]));
  return networkInputFloats(x);
}

interface ForwardTrace { inputs: Float32Array[]; preActivations: Float32Array[]; logits: Float32Array }

function forwardTrace(model: HagenModel, x: Float32Array, batch: number, rng: Rng | null, chip?: ChipDevice): ForwardTrace {
  checkEngineCall(model, x, batch, chip);
  const inputs: Float32Array[] = [];
  const preActivations: Float32Array[] = [];
  let current = x;
  model.layers.forEach((layer, i) => {
    if (layer.conv && i > 0) throw new Error(`layer ${i} is a convolution; only the first layer may be one`);
    // A convolution is the same layer on every patch: batch·positions rows of k² inputs (conv.ts).
    const positions = layer.conv ? convPositions(layer.conv) : 1;
    const rows = batch * positions;
    if (layer.conv) current = unfoldPatches(current, batch, layer.conv);
    inputs.push(current);
    const { inFeatures: k, outFeatures: n, numSends } = layer;
    let out: Float32Array;
    if (model.backend === 'ideal') {
      out = idealAddForward(idealMacForward(current, rows, transpose(layer.weight, n, k), k, n, numSends, model.mock.gain), layer.bias, rows);
    } else {
      clampWeightInPlace(layer.weight);
      const wKN = transpose(layer.weight, n, k);
      const mac = model.backend === 'chip'
        ? chip!.mac(current, rows, wKN, k, n, numSends)
        : mockMacForward(current, rows, wKN, k, n, numSends, model.mock, rng);
      out = digitalAddForward(mac, layer.bias, rows);
    }
    if (layer.conv) out = positionsToChannels(out, batch, positions, n, new Float32Array(out.length));
    preActivations.push(out);
    const last = i === model.layers.length - 1;
    current = last ? out : model.backend === 'ideal' ? idealConvertingReluForward(out, model.shift) : convertingReluForward(out, model.shift);
  });
  return { inputs, preActivations, logits: current };
}

export const referenceEngine: HagenEngine = {
  name: 'reference',
  forward(model, x, batch, rng, chip) {
    return forwardTrace(model, engineInputFloats(model, x, batch), batch, rng, chip).logits;
  },
  trainStep(model, x, labels, batch, rng, chip): TrainStepResult {
    const trace = forwardTrace(model, engineInputFloats(model, x, batch), batch, rng, chip);
    const { loss, dlogits } = crossEntropy64(trace.logits, labels, batch);
    const grads: LayerGrads[] = new Array(model.layers.length);
    let dy = dlogits;
    for (let i = model.layers.length - 1; i >= 0; i--) {
      const layer = model.layers[i];
      const { inFeatures: k, outFeatures: n } = layer;
      const positions = layer.conv ? convPositions(layer.conv) : 1;
      const rows = batch * positions;
      if (layer.conv) dy = channelsToPositions(dy, batch, positions, n, new Float32Array(dy.length));
      const { da, dbias } = digitalAddBackward(dy, rows, n);
      // Backward always uses the model's mock gain (hxtorch does so in hardware mode too).
      const { dx, dw } = mockMacBackward(trace.inputs[i], rows, transpose(layer.weight, n, k), k, n, layer.numSends, model.mock.gain, da);
      grads[i] = { weight: transpose(dw, k, n), bias: dbias };
      if (i > 0) dy = convertingReluBackward(trace.preActivations[i - 1], dx, model.shift);
    }
    return { loss, logits: trace.logits, grads };
  },
};
