/**
 * The mock backend's hot path: forward and straight-through backward on persistent workspaces
 * (workspace.ts), all loops in the wasm kernels (wasm/source.ts); JS only sequences them. Same arithmetic and
 * noise order as the reference engine (lib/hagen/referenceEngine.ts): per layer a fresh
 * NormalSource from `rng`, noise laid out [chunk][batch][out].
 * Callers validate the model and batch first (index.ts).
 */
import type { Rng } from '../../random';
import { roundHalfEven } from '../../round';
import { INPUT_MAX, WEIGHT_MAX } from '../constants';
import { macScale } from '../mac';
import { biasOperand, crossEntropy64 } from './kernels';
import { drawNormalSeed, NormalSource } from './normal';
import type { NetworkInput, NoiseSupply } from '../types';
import type { HagenModel, LayerParams, TrainStepResult } from './types';
import { Workspace, type LayerBuffers } from './workspace';

/** Workspaces kept per engine (the most recently used): training batch, evaluation batch, a prediction, one spare. */
const MAX_WORKSPACES = 4;
/** Forward passes of at most this many samples (a canvas prediction, a few at once) reuse quantised weights (weightsChanged). */
const PREDICTION_BATCH = 4;

/**
 * Versions of the weight arrays the engine has trained: trainStep bumps them (the optimiser changes them
 * in place next), so a workspace that quantised a weight array for a prediction knows when to do it again.
 * Other arrays (model snapshots, loaded models) are not changed in place once made.
 */
const weightVersions = new WeakMap<Float32Array, number>();
const weightVersion = (weight: Float32Array) => weightVersions.get(weight) ?? 0;

/** The weights of `model` change next (trainStep calls this): their quantised copies are stale. */
export function weightsChanged(model: HagenModel): void {
  for (const { weight } of model.layers) weightVersions.set(weight, weightVersion(weight) + 1);
}

/**
 * Clamp the stored weights to ±63 in place (hxtorch) and write round(W)ᵀ into the workspace: the
 * weights are copied into kernel memory (L.weightRows) and transposed, clamped and rounded from
 * there (transposeQuantise), which lists the few values beyond ±63; only those are clamped, in both
 * copies (the backward's dx reads the clamped weightRows). Layer 0's rows are stored at stride k —
 * one copy; layers above need weightRows at the padded stride kWidth for dx.
 */
export function clampAndQuantiseWeights(ws: Workspace, L: LayerBuffers, weight: Float32Array, layerIndex: number): void {
  L.quantisedFrom = null;
  const { k, n, kWidth, k4, n4, width } = L;
  const stride = layerIndex === 0 && k4 === k ? k : kWidth;
  const heap = ws.heapF32, base = L.weightRows >> 2;
  if (stride === k) heap.set(weight, base);
  else for (let j = 0; j < n; j++) heap.set(weight.subarray(j * k, (j + 1) * k), base + j * stride);
  // The backward's lists are free during the forward: they hold the clamp list (room for batch · max(k, n) + 1).
  const capacity = ws.batch * Math.max(k, n);
  const report = ws.memory.exports.transposeQuantise(L.weightRows, stride, L.weightQT, width, n4, k4, ws.listRows, capacity);
  if (report & 1) {
    const at = weight.findIndex((w) => w !== w);
    throw new Error(`layer ${layerIndex} weight[${at}] is NaN; weights must be finite numbers`);
  }
  const clamped = report >>> 1;
  if (clamped > capacity) {
    // more than the list holds (a model far outside ±63): clamp every value
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < k; i++) {
        const w = weight[j * k + i];
        if (w > WEIGHT_MAX || w < -WEIGHT_MAX) heap[base + j * stride + i] = weight[j * k + i] = w > 0 ? WEIGHT_MAX : -WEIGHT_MAX;
      }
    }
    return;
  }
  const list = ws.heapI32, listBase = ws.listRows >> 2;
  for (let c = 0; c < clamped; c++) {
    const element = list[listBase + c] >> 2; // byte offset from weightRows
    const row = Math.floor(element / stride);
    const value = heap[base + element] > 0 ? WEIGHT_MAX : -WEIGHT_MAX;
    heap[base + element] = value;
    weight[row * k + element - row * stride] = value;
  }
}

/**
 * round(x) with hxtorch's range check (it raises instead of clamping), written straight into the
 * first layer's input lists: the non-zero entries of every (sample, chunk) in order. Scaled pixels
 * are listed from their bytes (pixelInputLists), without a float copy of the batch.
 */
export function listFirstInput(ws: Workspace, x: NetworkInput): void {
  const L = ws.layers[0];
  const kernels = ws.memory.exports;
  if (x instanceof Float32Array) {
    ws.heapF32.set(x, ws.input >> 2);
    kernels.firstInputLists(ws.input, ws.batch, L.k, L.chunks, L.starts, L.inRows, L.inValues, ws.status);
  } else {
    // the pixels take a quarter of the float input's region
    new Uint8Array(ws.heapF32.buffer, ws.input, x.pixels.length).set(x.pixels);
    kernels.pixelInputLists(ws.input, ws.batch, L.k, L.chunks, L.starts, L.inRows, L.inValues, x.scale, ws.status);
  }
  const bad = ws.heapI32[ws.status >> 2];
  if (bad >= 0) {
    if (x instanceof Float32Array) {
      const q = roundHalfEven(x[bad]);
      throw new RangeError(`input value ${q} (at index ${bad}: x[${bad}] = ${x[bad]}, after rounding) is outside the allowed range 0..${INPUT_MAX}; hxtorch raises an OverflowError here and does not clamp`);
    }
    const { pixels, scale } = x;
    throw new RangeError(`input value ${pixels[bad] * scale} (x.pixels[${bad}] = ${pixels[bad]} · x.scale ${scale}) is outside the allowed range 0..${INPUT_MAX}; hxtorch raises an OverflowError here and does not clamp`);
  }
  ws.firstInputIntegral = ws.heapI32[(ws.status >> 2) + 1] === 1;
  ws.firstInputUniform = Math.max(0, ws.heapI32[(ws.status >> 2) + 2]);
}

/**
 * Mock MAC + digital bias add of one layer (inputs from its lists) into L.z. The noise comes from
 * `noise` when it holds this layer's draws (drawn ahead on another thread), else it is drawn here.
 */
export function mockLayerForward(ws: Workspace, L: LayerBuffers, layer: LayerParams, model: HagenModel, rng: Rng | null, noise: NoiseSupply | undefined): void {
  const { n, width, chunks } = L;
  const batch = ws.batch;
  biasOperand(layer.bias, ws.heapI32.subarray(L.biasQ >> 2, (L.biasQ >> 2) + n));
  const { noiseStd, gain } = model.mock;
  const noiseOn = rng !== null && noiseStd > 0;
  if (noiseOn) {
    const seed = drawNormalSeed(rng), count = chunks * batch * n;
    if (!noise?.take(seed, noiseStd, ws.heapF32.subarray(L.noise >> 2, (L.noise >> 2) + count))) {
      new NormalSource(seed).fillWasm(ws.memory, ws.normal, L.noise, count, noiseStd);
    }
  }
  const scale = macScale(layer.numSends, gain);
  ws.memory.exports.mockLayer(batch, chunks, width, n, L.starts, L.inRows, L.inValues, L.weightQT, ws.accumulator, ws.chunkSum,
    noiseOn ? L.noise : ws.zeroRow, noiseOn ? 4 * n : 0, scale, L.biasQ, L.zAt, L === ws.layers[0] ? ws.firstInputUniform : 0);
}

/**
 * The weights of layer `l` clamped and quantised into the workspace (clampAndQuantiseWeights), or, with
 * `reuse`, left as they are when the workspace holds this very array at its current version.
 */
function quantiseLayerWeights(ws: Workspace, l: number, weight: Float32Array, reuse: boolean): void {
  const L = ws.layers[l];
  if (reuse && L.quantisedFrom === weight && L.quantisedVersion === weightVersion(weight)) return;
  clampAndQuantiseWeights(ws, L, weight, l);
  if (reuse) { L.quantisedFrom = weight; L.quantisedVersion = weightVersion(weight); }
}

function forwardOn(ws: Workspace, model: HagenModel, x: NetworkInput, rng: Rng | null, noise: NoiseSupply | undefined, reuseWeights = false): Float32Array {
  const layers = model.layers;
  listFirstInput(ws, x);
  for (let l = 0; l < layers.length; l++) {
    const L = ws.layers[l];
    quantiseLayerWeights(ws, l, layers[l].weight, reuseWeights);
    mockLayerForward(ws, L, layers[l], model, rng, noise);
    if (l < layers.length - 1) {
      const next = ws.layers[l + 1];
      ws.memory.exports.reluToLists(L.zAt, ws.batch, L.n, model.shift, L.outAt, next.chunks, next.starts, next.inRows, next.inValues);
    }
  }
  const top = ws.layers[layers.length - 1];
  for (let i = 0; i < top.z.length; i++) top.out[i] = top.z[i];
  return top.out;
}

/**
 * dW lists: for every input i, the samples b with x[b,i] ≠ 0 and their raw values, input-major.
 * From the forward lists (listsPerInput) when the inputs are integers (always, except a first layer
 * fed non-integer values: then raw values that round to 0 still count, so scan x).
 */
function sampleListsPerInput(ws: Workspace, l: number, x: NetworkInput): void {
  const L = ws.layers[l];
  const { k, chunks } = L;
  const batch = ws.batch;
  // (scaled pixels are integers)
  if (l > 0 || ws.firstInputIntegral || !(x instanceof Float32Array)) {
    ws.memory.exports.listsPerInput(L.inRows, L.inValues, batch, chunks, L.starts, k, ws.counts, ws.fillAt, ws.listRows, ws.listValues);
    return;
  }
  const heapI32 = ws.heapI32, heapF32 = ws.heapF32;
  const counts = ws.counts >> 2, fillAt = ws.fillAt >> 2;
  const rowsBase = ws.listRows >> 2, valsBase = ws.listValues >> 2;
  heapI32.fill(0, counts, counts + k + 1);
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    for (let i = 0; i < k; i++) if (x[xRow + i] !== 0) heapI32[counts + i + 1]++;
  }
  for (let i = 0; i < k; i++) { heapI32[counts + i + 1] += heapI32[counts + i]; heapI32[fillAt + i] = heapI32[counts + i]; }
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    for (let i = 0; i < k; i++) {
      const v = x[xRow + i];
      if (v !== 0) { const pos = heapI32[fillAt + i]++; heapI32[rowsBase + pos] = b; heapF32[valsBase + pos] = v; }
    }
  }
}

/**
 * Straight-through backward of MAC + bias for layer `l` (see kernels.linearBackward):
 * g = dz·gain·numSends; dBias = Σ_b dz; dW[n,k] = Σ_b g[b,n]·x[b,k] (x raw, zero x skipped);
 * for l > 0 also dz of the layer below = (g·W)·(zPrev > 0)/2^shift (zero g skipped), with the
 * clamped weights the forward left in L.weightRows.
 */
export function layerBackward(ws: Workspace, model: HagenModel, l: number, x: NetworkInput): void {
  const L = ws.layers[l];
  const { k, n, width, k4, n4 } = L;
  const layer = model.layers[l];
  const kernels = ws.memory.exports;
  const gradScale = Math.fround(layer.numSends * Math.fround(model.mock.gain));
  sampleListsPerInput(ws, l, x);
  // a binarised first layer: g pre-scaled by the common input value (layer 0 computes no dx from g)
  const uniform = l === 0 && ws.firstInputIntegral ? ws.firstInputUniform : 0;
  kernels.layerGradients(L.dzAt, ws.batch, n, width, gradScale, L.gradOut, ws.biasSum, L.gradBiasAt, L.gradWeightT, ws.listRows, ws.listValues, ws.counts, k, uniform);
  kernels.transposeF32(L.gradWeightT, width, L.gradWeightTiles, k4, k4, n4);
  if (k4 !== k) {
    const heap = ws.heapF32, base = L.gradWeightTiles >> 2;
    for (let j = 0; j < n; j++) L.gradWeight.set(heap.subarray(base + j * k4, base + j * k4 + k), j * k);
  }
  if (l === 0) return;
  const below = ws.layers[l - 1];
  kernels.inputGradients(L.gradOut, ws.batch, n, width, L.weightRows, L.kWidth, k, ws.listRows, ws.listValues, ws.dxRow, below.zAt, below.dzAt, 1 / 2 ** model.shift);
}

interface WorkspaceEngine {
  forward(model: HagenModel, x: NetworkInput, batch: number, rng: Rng | null, noise?: NoiseSupply): Float32Array;
  trainStep(model: HagenModel, x: NetworkInput, labels: Uint8Array, batch: number, rng: Rng | null, noise?: NoiseSupply): TrainStepResult;
  dispose(): void;
}

export function createWorkspaceEngine(): WorkspaceEngine {
  let workspaces: Workspace[] = [];
  const workspaceFor = (model: HagenModel, batch: number): Workspace => {
    const shapes = model.layers.map(({ inFeatures, outFeatures }) => ({ inFeatures, outFeatures }));
    const ws = workspaces.find((w) => w.fits(shapes, batch)) ?? new Workspace(shapes, batch);
    if (workspaces[0] !== ws) workspaces = [ws, ...workspaces.filter((w) => w !== ws)].slice(0, MAX_WORKSPACES);
    return ws;
  };
  return {
    forward: (model, x, batch, rng, noise) => forwardOn(workspaceFor(model, batch), model, x, rng, noise, batch <= PREDICTION_BATCH),
    trainStep(model, x, labels, batch, rng, noise) {
      if (!(labels instanceof Uint8Array) || labels.length !== batch) throw new Error(`labels must be a Uint8Array of batch = ${batch} values, got ${labels?.length}`);
      const ws = workspaceFor(model, batch);
      const logits = forwardOn(ws, model, x, rng, noise);
      const layers = model.layers;
      const top = ws.layers[layers.length - 1];
      const loss = crossEntropy64(logits, labels, batch, top.n, top.dz);
      for (let l = layers.length - 1; l >= 0; l--) layerBackward(ws, model, l, l === 0 ? x : ws.layers[l - 1].out);
      return { loss, logits, grads: ws.layers.map((L) => ({ weight: L.gradWeight, bias: L.gradBias })) };
    },
    dispose() {
      workspaces = [];
    },
  };
}
