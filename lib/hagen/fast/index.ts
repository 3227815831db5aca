/**
 * `fastEngine`: the hagen-mode network (hxtorch mock semantics, see shared/spec/hagen-mode.md) on
 * typed-array kernels instead of tfjs. Synchronous, no initialisation needed.
 *
 * Backends: 'mock' (bit-exact hxtorch mock forward, noise from a seeded ziggurat) on the WebAssembly
 * kernels for every batch size, a canvas prediction included (workspaceEngine.ts); 'ideal' (the same graph
 * in plain floats: (x·Wᵀ)·gain·numSends + bias, ReLU(x)/2^shift, no rounding, noise or clamps) and 'chip'
 * (forward through `chip.mac`, then the digital bias add and ConvertingReLU) on the allocating path below.
 * Backward is hxtorch's straight-through rule with the mock gain in every backend.
 * Which fast function is which rule of the reference (lib/hagen): the table at the top of kernels.ts.
 */
import type { ChipDevice, HagenEngine, HagenModel, TrainStepResult } from './types';
import type { NetworkInput } from '../types';
import { checkNetworkInput, networkInputFloats } from '../input';
import { NORMAL_SEED_WORDS } from './normal';
import {
  biasOperand, clampWeightInPlace, convertingReluForward, crossEntropy64, digitalAddForward, idealConvertingReluForward,
  idealLinearForward, transpose,
} from './kernels';
import { chunkCount } from '../mac';
import { simdLinearBackward } from './simd';
import { createWorkspaceEngine, weightsChanged } from './workspaceEngine';
import { createConvFastEngine } from './convEngine';
import { checkConvModel } from '../conv';
import { referenceEngine } from '../referenceEngine';

export type { HagenEngine, HagenModel, ChipDevice, TrainStepResult } from './types';

/** See createFastEngine: a convolution model's trainSteps up to this batch size run on the reference engine. */
const REFERENCE_CONV_STEP = 4;

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

/** The allocating path: the ideal and chip backends (the mock runs on the workspaces, workspaceEngine.ts). */
function runForward(model: HagenModel, x: Float32Array, batch: number, chip: ChipDevice | undefined): { logits: Float32Array; traces: LayerTrace[] } {
  checkModel(model);
  checkBatch(model, x, batch);
  if (model.backend === 'chip' && !chip) throw new Error("backend 'chip' needs a ChipDevice (open a session on the emulated chip first), but none was given");
  const { layers, shift, backend, mock } = model;
  const traces: LayerTrace[] = [];
  let input = x;
  layers.forEach((layer, index) => {
    const { inFeatures: k, outFeatures: n, numSends } = layer;
    clampWeightInPlace(layer.weight, index);
    const last = index === layers.length - 1;
    const wT = transpose(layer.weight, n, k, new Float32Array(k * n));
    const h = new Float32Array(batch * n);
    if (backend === 'ideal') {
      const z = idealLinearForward(input, batch, k, wT, n, mock.gain * numSends, layer.bias, new Float64Array(batch * n), new Float64Array(n));
      traces.push({ input, z });
      if (last) for (let i = 0; i < h.length; i++) h[i] = z[i];
      else idealConvertingReluForward(z, batch * n, shift, h);
    } else {
      const z = digitalAddForward(chip!.mac(input, batch, wT, k, n, numSends), batch, n, biasOperand(layer.bias, new Int32Array(n)), new Int32Array(batch * n));
      traces.push({ input, z });
      if (last) for (let i = 0; i < h.length; i++) h[i] = z[i];
      else convertingReluForward(z, batch * n, shift, h);
    }
    input = h;
  });
  return { logits: input, traces };
}

function genericTrainStep(model: HagenModel, x: Float32Array, labels: Uint8Array, batch: number, chip: ChipDevice | undefined): TrainStepResult {
  const { logits, traces } = runForward(model, x, batch, chip);
  if (!(labels instanceof Uint8Array) || labels.length !== batch) throw new Error(`labels must be a Uint8Array of batch = ${batch} values, got ${labels?.length}`);
  const layers = model.layers;
  const classes = layers[layers.length - 1].outFeatures;
  let dz = new Float64Array(batch * classes);
  const loss = crossEntropy64(logits, labels, batch, classes, dz);
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
 * Creates an independent fast engine (own buffers and wasm memory). The mock backend runs on persistent
 * per-shape workspaces and allocates nothing per call; its `logits` and `grads` are views into those
 * buffers, valid until the next call of this engine (copy them to keep them). A forward of a few samples
 * (a canvas prediction) quantises a model's weights once per weight version, not per call: trainStep
 * marks the weights it trains as changed (the optimiser changes them in place next). The other backends
 * use the allocating path.
 */
export function createFastEngine(): HagenEngine {
  const workspaces = createWorkspaceEngine();
  const isMock = (model: HagenModel) => model.backend === 'mock';
  // A convolution in front (lib/hagen/conv.ts): the mock on the same kernels (convEngine.ts), the rest on the reference.
  const convolutions = createConvFastEngine();
  const hasConv = (model: HagenModel) => Boolean(model?.layers?.[0]?.conv);
  // A convolution's trainStep of at most REFERENCE_CONV_STEP samples (an epoch's last, short batch) stays on the
  // reference engine, as it always did: its float64 gradient sums differ from the kernels' in the last bits, and
  // training results do not change. (The forward is the same bits either way.)
  const convStepOnKernels = (model: HagenModel, batch: number) => isMock(model) && batch > REFERENCE_CONV_STEP;
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
        return isMock(model) ? convolutions.forward(model, x, batch, rng, noise) : referenceEngine.forward(model, x, batch, rng, chip);
      }
      checkModel(model);
      checkBatch(model, x, batch);
      return isMock(model) ? workspaces.forward(model, x, batch, rng, noise) : runForward(model, networkInputFloats(x), batch, chip).logits;
    },
    trainStep(model, x, labels, batch, rng, chip, noise) {
      if (hasConv(model)) {
        checkConv(model, x, batch);
        const result = convStepOnKernels(model, batch) ? convolutions.trainStep(model, x, labels, batch, rng, noise) : referenceEngine.trainStep(model, x, labels, batch, rng, chip);
        weightsChanged(model);
        return result;
      }
      checkModel(model);
      checkBatch(model, x, batch);
      const result = isMock(model)
        ? workspaces.trainStep(model, x, labels, batch, rng, noise)
        : genericTrainStep(model, networkInputFloats(x), labels, batch, chip);
      // the optimiser changes these weights in place next: a prediction quantises them again
      weightsChanged(model);
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
 * noiseAhead.ts) and records a test batch's draws (testPass.ts) by this plan; workspaceEngine.ts draws by the same rule.
 */
export function noiseDrawPlan(model: { backend: string; mock: { noiseStd: number }; layers: readonly { inFeatures: number; outFeatures: number }[] }, batch: number): NoiseDraw[] {
  if (model.backend !== 'mock' || !(model.mock.noiseStd > 0)) return [];
  return model.layers.map(({ inFeatures, outFeatures }) => ({ seedWords: NORMAL_SEED_WORDS, values: batch * chunkCount(inFeatures) * outFeatures }));
}

/** The shared fast engine (one per thread; engine calls are synchronous and never interleave). */
export const fastEngine: HagenEngine = createFastEngine();
