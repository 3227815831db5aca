/**
 * `fastEngine`: the hagen-mode network (hxtorch mock semantics, see shared/spec/hagen-mode.md) on
 * typed-array kernels instead of tfjs. Synchronous, no initialisation needed.
 *
 * Backends: 'mock' (bit-exact hxtorch mock forward, noise from a seeded ziggurat), 'ideal' (the
 * same graph in plain floats: (x·Wᵀ)·gain·numSends + bias, ReLU(x)/2^shift, no rounding, noise
 * or clamps), 'chip' (forward through `chip.mac`, then the digital bias add and ConvertingReLU).
 * Backward is hxtorch's straight-through rule with the mock gain in every backend.
 */
import type { Rng } from '../../random';
import type { ChipDevice, HagenEngine, HagenModel, TrainStepResult } from './types';
import type { NetworkInput, NoiseSupply } from '../types';
import { checkNetworkInput, networkInputFloats } from '../input';
import { drawNormalSeed, NormalSource, NORMAL_SEED_WORDS } from './normal';
import {
  chunkCount, chunkScale, directMockLinearForward, clampWeightsInPlace, convertingRelu, crossEntropyOver64, digitalBiasAdd,
  idealLinearForward, idealRelu, quantiseBias, quantiseInputs, quantiseWeights, transpose,
} from './kernels';
import { simdLinearBackward } from './simd';
import { createWorkspaceEngine } from './workspaceEngine';
import { createConvFastEngine } from './convEngine';
import { checkConvModel } from '../conv';
import { referenceEngine } from '../referenceEngine';

export type { HagenEngine, HagenModel, ChipDevice, TrainStepResult } from './types';

/** Mock batches up to this size use the direct (untransposed) forward kernel: a canvas prediction. */
const SMALL_BATCH = 4;

/**
 * round(clamp(W)) per weight array, for the small-batch mock path (canvas predictions): a model
 * snapshot's 270k weights are clamped (in place, as hxtorch) and quantised on its first prediction
 * only, not scanned again for every stroke. Snapshots are not changed in place afterwards; training
 * does change its weights in place, so every trainStep forgets the arrays it trains.
 */
const quantisedWeights = new WeakMap<Float32Array, Int8Array>();

function clampedQuantisedWeights(weight: Float32Array, layerIndex: number): Int8Array {
  let quantised = quantisedWeights.get(weight);
  if (!quantised) {
    clampWeightsInPlace(weight, layerIndex);
    quantised = quantiseWeights(weight);
    quantisedWeights.set(weight, quantised);
  }
  return quantised;
}

/** What the backward pass needs from one layer's forward. */
interface LayerTrace {
  /** raw input of the MAC (the image for layer 0, the previous ConvertingReLU output after) */
  input: Float32Array;
  /** pre-activation after the bias add; its sign is the ReLU mask */
  z: Int32Array | Float64Array;
}

function checkModel(model: HagenModel): void {
  if (!model || !Array.isArray(model.layers) || model.layers.length === 0) throw new Error('model.layers must be a non-empty array of layers');
  if (model.backend !== 'mock' && model.backend !== 'ideal' && model.backend !== 'chip') {
    throw new Error(`model.backend is ${String(model.backend)}; allowed are mock, ideal, chip`);
  }
  if (!Number.isInteger(model.shift) || model.shift < 0 || model.shift > 7) throw new Error(`model.shift is ${model.shift}; allowed are integers 0…7`);
  if (!(model.mock && model.mock.gain > 0 && model.mock.gain <= 1)) throw new Error(`model.mock.gain is ${model.mock?.gain}; allowed is 0 < gain <= 1`);
  if (!(model.mock.noiseStd >= 0)) throw new Error(`model.mock.noiseStd is ${model.mock.noiseStd}; allowed is a number >= 0`);
  model.layers.forEach((layer, i) => {
    const { inFeatures, outFeatures, numSends } = layer;
    if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
      throw new Error(`layer ${i} has inFeatures ${inFeatures}, outFeatures ${outFeatures}; both must be positive integers`);
    }
    if (!Number.isInteger(numSends) || numSends < 1) throw new Error(`layer ${i} numSends is ${numSends}; allowed are positive integers`);
    if (layer.weight.length !== inFeatures * outFeatures) throw new Error(`layer ${i} weight has ${layer.weight.length} values; expected outFeatures·inFeatures = ${inFeatures * outFeatures}`);
    if (layer.bias.length !== outFeatures) throw new Error(`layer ${i} bias has ${layer.bias.length} values; expected outFeatures = ${outFeatures}`);
    if (i > 0 && model.layers[i - 1].outFeatures !== inFeatures) {
      throw new Error(`layer ${i} expects ${inFeatures} inputs but layer ${i - 1} gives ${model.layers[i - 1].outFeatures}`);
    }
  });
}

function checkBatch(model: HagenModel, x: NetworkInput, batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch is ${batch}; allowed are positive integers`);
  const expected = batch * model.layers[0].inFeatures;
  if (x instanceof Float32Array) {
    if (x.length !== expected) throw new Error(`x must be a Float32Array of batch·inFeatures = ${expected} values, got ${x.length}`);
  } else {
    checkNetworkInput(x, batch, model.layers[0].inFeatures);
  }
}

/** The allocating path: ideal and chip backends (and the mock for tiny batches). */
function runForward(model: HagenModel, x: Float32Array, batch: number, rng: Rng | null, chip: ChipDevice | undefined, noise: NoiseSupply | undefined): { logits: Float32Array; traces: LayerTrace[] } {
  checkModel(model);
  checkBatch(model, x, batch);
  if (model.backend === 'chip' && !chip) throw new Error("backend 'chip' needs a ChipDevice (open a session on the emulated chip first), but none was given");
  const { layers, shift, backend, mock } = model;
  const noiseOn = backend === 'mock' && rng !== null && mock.noiseStd > 0;
  const traces: LayerTrace[] = [];
  let input = x;
  let inputQ: Uint8Array | null = null;
  layers.forEach((layer, index) => {
    const { inFeatures: k, outFeatures: n, numSends } = layer;
    const weightQ = backend === 'mock' ? clampedQuantisedWeights(layer.weight, index) : null;
    if (backend !== 'mock') clampWeightsInPlace(layer.weight, index);
    const last = index === layers.length - 1;
    if (backend === 'ideal') {
      const wT = transpose(layer.weight, n, k, new Float32Array(k * n));
      const z = idealLinearForward(input, batch, k, wT, n, mock.gain * numSends, layer.bias, new Float64Array(batch * n), new Float64Array(n));
      traces.push({ input, z });
      const h = new Float32Array(batch * n);
      if (last) for (let i = 0; i < h.length; i++) h[i] = z[i];
      else idealRelu(z, batch * n, shift, h);
      input = h;
      return;
    }
    const biasQ = quantiseBias(layer.bias, new Int32Array(n));
    const z = new Int32Array(batch * n);
    if (backend === 'chip') {
      const wT = transpose(layer.weight, n, k, new Float32Array(k * n));
      digitalBiasAdd(chip!.mac(input, batch, wT, k, n, numSends), batch, n, biasQ, z);
    } else {
      const xq = inputQ ?? quantiseInputs(input, new Uint8Array(batch * k), index === 0 ? 'x' : `layer ${index} input`);
      // Noise is drawn like the reference (lib/hagen/mac drawChunkNoise): a fresh source per layer,
      // laid out [chunk][batch][out]; the direct kernel reads it as [batch][chunk][out].
      const noiseValues = noiseOn ? batchMajorNoise(drawNoise(rng!, batch * chunkCount(k) * n, mock.noiseStd, noise), chunkCount(k), batch, n) : null;
      directMockLinearForward(xq, batch, k, weightQ!, n, chunkScale(mock.gain, numSends), noiseValues, biasQ, z);
    }
    traces.push({ input, z });
    const h = new Float32Array(batch * n);
    if (last) {
      for (let i = 0; i < h.length; i++) h[i] = z[i];
    } else {
      inputQ = new Uint8Array(batch * n);
      convertingRelu(z, batch * n, shift, inputQ, h);
    }
    input = h;
  });
  return { logits: input, traces };
}

/** `count` draws · std of the next NormalSource of `rng`, from `noise` when it holds them. */
function drawNoise(rng: Rng, count: number, std: number, noise: NoiseSupply | undefined): Float32Array {
  const seed = drawNormalSeed(rng);
  const values = new Float32Array(count);
  return noise?.take(seed, std, values) ? values : new NormalSource(seed).fill(values, std);
}

/** [chunk][batch][n] → [batch][chunk][n] */
function batchMajorNoise(noise: Float32Array, chunks: number, batch: number, n: number): Float32Array {
  if (batch === 1 || chunks === 1) return noise;
  const out = new Float32Array(noise.length);
  for (let c = 0; c < chunks; c++) {
    for (let b = 0; b < batch; b++) out.set(noise.subarray((c * batch + b) * n, (c * batch + b + 1) * n), (b * chunks + c) * n);
  }
  return out;
}

function genericTrainStep(model: HagenModel, x: Float32Array, labels: Uint8Array, batch: number, rng: Rng | null, chip: ChipDevice | undefined, noise: NoiseSupply | undefined): TrainStepResult {
  const { logits, traces } = runForward(model, x, batch, rng, chip, noise);
  if (!(labels instanceof Uint8Array) || labels.length !== batch) throw new Error(`labels must be a Uint8Array of batch = ${batch} values, got ${labels?.length}`);
  const layers = model.layers;
  const classes = layers[layers.length - 1].outFeatures;
  let dz = new Float64Array(batch * classes);
  const loss = crossEntropyOver64(logits, labels, batch, classes, dz);
  const grads: TrainStepResult['grads'] = new Array(layers.length);
  const reluScale = 1 / 2 ** model.shift;
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    const { inFeatures: k, outFeatures: n } = layer;
    const weight = new Float32Array(n * k);
    const bias = new Float32Array(n);
    const dx = index > 0 ? new Float64Array(batch * k) : null;
    const gradScale = Math.fround(layer.numSends * Math.fround(model.mock.gain));
    simdLinearBackward(dz, batch, n, traces[index].input, k, layer.weight, gradScale, weight, bias, dx);
    grads[index] = { weight, bias };
    if (dx) {
      // ConvertingReLU backward: dy · (z > 0) / 2^shift
      const zPrev = traces[index - 1].z;
      for (let i = 0; i < dx.length; i++) dx[i] = zPrev[i] > 0 ? dx[i] * reluScale : 0;
      dz = dx;
    }
  }
  return { loss, logits, grads };
}

/**
 * Creates an independent fast engine (own buffers and wasm memory). The mock backend at batch
 * sizes above SMALL_BATCH runs on persistent per-shape workspaces and allocates nothing per call;
 * its `logits` and `grads` are views into those buffers, valid until the next call of this engine
 * (copy them to keep them). Other backends and tiny batches use the allocating path.
 */
export function createFastEngine(): HagenEngine {
  const workspaces = createWorkspaceEngine();
  const usesWorkspace = (model: HagenModel, batch: number) => model.backend === 'mock' && batch > SMALL_BATCH;
  // A convolution in front (lib/hagen/conv.ts): the mock's batches on the same kernels (convEngine.ts), the rest on the reference.
  const convolutions = createConvFastEngine();
  const hasConv = (model: HagenModel) => Boolean(model?.layers?.[0]?.conv);
  const checkConv = (model: HagenModel, x: NetworkInput, batch: number) => {
    checkConvModel(model.layers);
    checkModel({ ...model, layers: model.layers.slice(1) });
    checkBatch({ ...model, layers: [{ ...model.layers[0], inFeatures: model.layers[0].conv!.height * model.layers[0].conv!.width }] }, x, batch);
  };
  return {
    name: 'fast',
    usesNoiseSupply: true,
    // The workspace path takes scaled pixels as they are; the others get them as floats.
    forward(model, x, batch, rng, chip, noise) {
      if (hasConv(model)) {
        checkConv(model, x, batch);
        return usesWorkspace(model, batch) ? convolutions.forward(model, x, batch, rng, noise) : referenceEngine.forward(model, x, batch, rng, chip);
      }
      checkModel(model);
      checkBatch(model, x, batch);
      return usesWorkspace(model, batch) ? workspaces.forward(model, x, batch, rng, noise) : runForward(model, networkInputFloats(x), batch, rng, chip, noise).logits;
    },
    trainStep(model, x, labels, batch, rng, chip, noise) {
      if (hasConv(model)) {
        checkConv(model, x, batch);
        const result = usesWorkspace(model, batch) ? convolutions.trainStep(model, x, labels, batch, rng, noise) : referenceEngine.trainStep(model, x, labels, batch, rng, chip);
        for (const layer of model.layers) quantisedWeights.delete(layer.weight);
        return result;
      }
      checkModel(model);
      checkBatch(model, x, batch);
      const result = usesWorkspace(model, batch)
        ? workspaces.trainStep(model, x, labels, batch, rng, noise)
        : genericTrainStep(model, networkInputFloats(x), labels, batch, rng, chip, noise);
      // the optimiser changes these weights in place next: forget their quantised copies
      for (const layer of model.layers) quantisedWeights.delete(layer.weight);
      return result;
    },
    dispose: () => { workspaces.dispose(); convolutions.dispose(); },
  };
}

/** What one layer of a forward pass draws from the engine's Rng: a NormalSource seed, then that many normals from it. */
interface NoiseDraw { seedWords: number; values: number }

/**
 * The fast engine's noise-draw plan: what one forward pass of `batch` samples draws from its Rng, layer by
 * layer, in order (none when the mock's noise is off). The helper thread draws noise ahead (lib/train/helper/
 * noiseAhead.ts) and records a test batch's draws (testPass.ts) by this plan; runForward draws by the same rule.
 */
export function noiseDrawPlan(model: { backend: string; mock: { noiseStd: number }; layers: readonly { inFeatures: number; outFeatures: number }[] }, batch: number): NoiseDraw[] {
  if (model.backend !== 'mock' || !(model.mock.noiseStd > 0)) return [];
  return model.layers.map(({ inFeatures, outFeatures }) => ({ seedWords: NORMAL_SEED_WORDS, values: batch * chunkCount(inFeatures) * outFeatures }));
}

/** The shared fast engine (one per thread; engine calls are synchronous and never interleave). */
export const fastEngine: HagenEngine = createFastEngine();
