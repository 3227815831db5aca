/**
 * The fast engine's path for a model whose first layer is a convolution (lib/hagen/conv.ts), mock
 * backend: the convolution runs as the workspace engine's own linear layer on the unfolded patches
 * (a one-layer workspace of batch·positions rows), the dense layers on a second workspace whose layer 0
 * is a stand-in that only holds the convolution's pre-activations: the kernels' ConvertingReLU lists
 * them for the first dense layer, and that layer's backward writes their gradient (with the ReLU mask)
 * back there. No kernel is new; this file only sequences them and moves values between the layouts
 * [B·P, C] (patch rows) and [B, C·P] (torch's channel-major flatten).
 * Same noise order as the reference: the convolution's source first, then one per dense layer.
 */
import type { Rng } from '../../random';
import { convPositions, unfoldPatches } from '../conv';
import type { NetworkInput, NoiseSupply } from '../types';
import { crossEntropy64 } from './kernels';
import type { HagenModel, LayerParams, TrainStepResult } from './types';
import { Workspace } from './workspace';
import { clampAndQuantiseWeights, layerBackward, listFirstInput, mockLayerForward } from './workspaceEngine';

/** Workspace pairs kept: training batch, evaluation batch, one spare. */
const MAX_PAIRS = 3;

interface Pair {
  conv: Workspace; dense: Workspace; batch: number; positions: number; channels: number; key: string;
  /** the unfolded batch, reused (a fresh 0.4 MB array per batch costs more than the unfolding) */
  patchBytes: Uint8Array | null; patchFloats: Float32Array | null;
}

/**
 * conv.ts positionsToChannels / channelsToPositions for the workspace's own array types. Monomorphic
 * copies: the shared generic ones see several array types, and V8 then runs them several times slower,
 * ~0.5 ms a batch (tests/hagen/conv.test.ts holds this path bit-identical to the reference).
 */
function zToChannels(rows: Int32Array, batch: number, positions: number, channels: number, out: Int32Array): void {
  for (let b = 0; b < batch; b++) {
    const base = b * positions * channels;
    for (let p = 0; p < positions; p++) {
      const row = base + p * channels;
      for (let c = 0; c < channels; c++) out[base + c * positions + p] = rows[row + c];
    }
  }
}

function dzToPositions(flat: Float64Array, batch: number, positions: number, channels: number, out: Float64Array): void {
  for (let b = 0; b < batch; b++) {
    const base = b * positions * channels;
    for (let c = 0; c < channels; c++) {
      const from = base + c * positions;
      for (let p = 0; p < positions; p++) out[base + p * channels + c] = flat[from + p];
    }
  }
}

/** x's patches into the pair's reused buffer, in the input form it came in (scaled pixels stay bytes). */
function unfoldInto(pair: Pair, model: HagenModel, x: NetworkInput): NetworkInput {
  const g = model.layers[0].conv!;
  const size = pair.batch * pair.positions * model.layers[0].inFeatures;
  if (x instanceof Float32Array) return unfoldPatches(x, pair.batch, g, pair.patchFloats ??= new Float32Array(size));
  return { pixels: unfoldPatches(x.pixels, pair.batch, g, pair.patchBytes ??= new Uint8Array(size)), scale: x.scale };
}

function shapeKey(model: HagenModel, batch: number): string {
  const [first, ...dense] = model.layers;
  const g = first.conv!;
  return [batch, first.inFeatures, first.outFeatures, g.height, g.width, g.kernel, g.stride, ...dense.map((l) => `${l.inFeatures}x${l.outFeatures}`)].join(',');
}

export interface ConvFastEngine {
  forward(model: HagenModel, x: NetworkInput, batch: number, rng: Rng | null, noise?: NoiseSupply): Float32Array;
  trainStep(model: HagenModel, x: NetworkInput, labels: Uint8Array, batch: number, rng: Rng | null, noise?: NoiseSupply): TrainStepResult;
  dispose(): void;
}

export function createConvFastEngine(): ConvFastEngine {
  let pairs: Pair[] = [];
  const pairFor = (model: HagenModel, batch: number): Pair => {
    const key = shapeKey(model, batch);
    let pair = pairs.find((p) => p.key === key);
    if (!pair) {
      const [first, ...dense] = model.layers;
      const positions = convPositions(first.conv!);
      const channels = first.outFeatures;
      pair = {
        key, batch, positions, channels, patchBytes: null, patchFloats: null,
        conv: new Workspace([{ inFeatures: first.inFeatures, outFeatures: channels }], batch * positions),
        // layer 0 stands in for the convolution's output [B, C·P]; its own weights are never used
        dense: new Workspace([{ inFeatures: 1, outFeatures: channels * positions }, ...dense.map(({ inFeatures, outFeatures }) => ({ inFeatures, outFeatures }))], batch),
      };
      pairs = [pair, ...pairs].slice(0, MAX_PAIRS);
    }
    return pair;
  };

  /** The dense workspace's view of the model: the stand-in first, then the dense layers. */
  const denseModel = (model: HagenModel, standIn: LayerParams): HagenModel => ({ ...model, layers: [standIn, ...model.layers.slice(1)] });

  function forwardOn(pair: Pair, model: HagenModel, patches: NetworkInput, rng: Rng | null, noise: NoiseSupply | undefined): Float32Array {
    const { conv, dense, batch, positions, channels } = pair;
    const convLayer = model.layers[0];
    // the convolution: Linear's MAC and bias add on every patch
    listFirstInput(conv, patches);
    clampAndQuantiseWeights(conv, conv.layers[0], convLayer.weight, 0);
    mockLayerForward(conv, conv.layers[0], convLayer, model, rng, noise);
    // its pre-activations, channel-major, into the stand-in; ConvertingReLU lists them for the first dense layer
    const standIn = dense.layers[0];
    zToChannels(conv.layers[0].z, batch, positions, channels, standIn.z);
    const kernels = dense.memory.exports;
    const layers = model.layers;
    for (let l = 1; l < layers.length; l++) {
      const below = dense.layers[l - 1], L = dense.layers[l];
      kernels.reluToLists(below.zAt, batch, below.n, model.shift, below.outAt, L.chunks, L.starts, L.inRows, L.inValues);
      clampAndQuantiseWeights(dense, L, layers[l].weight, l);
      mockLayerForward(dense, L, layers[l], model, rng, noise);
    }
    const top = dense.layers[layers.length - 1];
    for (let i = 0; i < top.z.length; i++) top.out[i] = top.z[i];
    return top.out;
  }

  return {
    forward(model, x, batch, rng, noise) {
      const pair = pairFor(model, batch);
      return forwardOn(pair, model, unfoldInto(pair, model, x), rng, noise);
    },
    trainStep(model, x, labels, batch, rng, noise) {
      if (!(labels instanceof Uint8Array) || labels.length !== batch) throw new Error(`labels must be a Uint8Array of batch = ${batch} values, got ${labels?.length}`);
      const pair = pairFor(model, batch);
      const { conv, dense, positions, channels } = pair;
      const patches = unfoldInto(pair, model, x);
      const logits = forwardOn(pair, model, patches, rng, noise);
      const layers = model.layers;
      const top = dense.layers[layers.length - 1];
      const loss = crossEntropy64(logits, labels, batch, top.n, top.dz);
      // dense layers down to the first, whose backward writes the stand-in's dz (ReLU mask and 1/2^shift included)
      const view = denseModel(model, layers[0]);
      for (let l = layers.length - 1; l >= 1; l--) layerBackward(dense, view, l, dense.layers[l - 1].out);
      // back to patch rows, then the convolution's own backward (dW, dBias; no dx for the image)
      dzToPositions(dense.layers[0].dz, batch, positions, channels, conv.layers[0].dz);
      layerBackward(conv, { ...model, layers: [layers[0]] }, 0, patches);
      const grads = [conv.layers[0], ...dense.layers.slice(1)].map((L) => ({ weight: L.gradWeight, bias: L.gradBias }));
      return { loss, logits, grads };
    },
    dispose() {
      pairs = [];
    },
  };
}
