/**
 * The mock backend's hot path: forward and straight-through backward on persistent workspaces
 * (workspace.ts) with the wasm kernels (rowsAxpy, digitiseChunk, normalFill). Same arithmetic and
 * noise order as the reference engine (lib/hagen/referenceEngine.ts): per layer a fresh
 * NormalSource from `rng`, noise laid out [chunk][batch][out].
 * Callers validate the model and batch first (index.ts).
 */
import type { Rng } from '../../random';
import { chunkScale, crossEntropyOver64 } from './kernels';
import { NormalSource } from './normal';
import type { HagenModel, LayerParams, TrainStepResult } from './types';
import { Workspace, type LayerBuffers } from './workspace';

// Local copies: imported bindings can compile to getter calls (tsx/CJS interop), too slow in hot loops.
const INPUT_MAX = 31;
const WEIGHT_MAX = 63;
const OUTPUT_MIN = -128;
const OUTPUT_MAX = 127;
const ROWS_PER_CHUNK = 128;
const ROUND = 6755399441055744; // x + ROUND − ROUND rounds to an integer, ties to even (torch.round)
/** Workspaces kept per engine: training batch, evaluation batch, one spare. */
const MAX_WORKSPACES = 3;

/** Clamp the stored weights to ±63 in place (hxtorch) and write round(W)ᵀ into the workspace. */
function clampAndQuantiseWeights(ws: Workspace, L: LayerBuffers, weight: Float32Array, layerIndex: number): void {
  const { k, n, width } = L;
  const wq = ws.heapI32;
  const base = L.weightQT >> 2;
  // Blocks of 16 inputs keep the strided writes of the transpose within cache.
  for (let i0 = 0; i0 < k; i0 += 16) {
    const i1 = Math.min(k, i0 + 16);
    for (let o = 0; o < n; o++) {
      const row = o * k;
      for (let i = i0; i < i1; i++) {
        let w = weight[row + i];
        if (w > WEIGHT_MAX) { w = WEIGHT_MAX; weight[row + i] = w; }
        else if (w < -WEIGHT_MAX) { w = -WEIGHT_MAX; weight[row + i] = w; }
        else if (w !== w) throw new Error(`layer ${layerIndex} weight[${row + i}] is NaN; weights must be finite numbers`);
        wq[base + i * width + o] = w + ROUND - ROUND;
      }
    }
  }
}

/**
 * round(x) with hxtorch's range check (it raises instead of clamping), written straight into the
 * first layer's input lists: the non-zero entries of every (sample, chunk) in order.
 */
function listFirstInput(ws: Workspace, x: Float32Array): void {
  const L = ws.layers[0];
  const { k, chunks, starts } = L;
  const heap = ws.heapI32, rowsBase = L.inRows >> 2, valsBase = L.inValues >> 2;
  let at = 0;
  let integral = true;
  for (let b = 0; b < ws.batch; b++) {
    const xRow = b * k;
    for (let c = 0; c < chunks; c++) {
      starts[b * chunks + c] = at;
      const end = Math.min(k, (c + 1) * ROWS_PER_CHUNK);
      for (let i = c * ROWS_PER_CHUNK; i < end; i++) {
        const v = x[xRow + i];
        if (v === 0) continue;
        const q = v + ROUND - ROUND;
        if (!(q >= 0 && q <= INPUT_MAX)) {
          throw new RangeError(`input value ${q} (at index ${xRow + i}, after rounding) is outside the allowed range 0..${INPUT_MAX}; hxtorch raises an OverflowError here and does not clamp`);
        }
        if (q !== v) integral = false;
        if (q !== 0) { heap[rowsBase + at] = i; heap[valsBase + at] = q; at++; }
      }
    }
  }
  starts[ws.batch * chunks] = at;
  ws.firstInputIntegral = integral;
}

/**
 * ConvertingReLU(shift) of layer L's pre-activations: clamp(floor(clamp(z, 0, 127) / 2^shift), 0, 31),
 * into L.out (floats, for the backward) and the next layer's input lists.
 */
function convertingReluToLists(ws: Workspace, L: LayerBuffers, next: LayerBuffers, shift: number): void {
  const { n, z, out } = L;
  const { chunks, starts } = next;
  const heap = ws.heapI32, rowsBase = next.inRows >> 2, valsBase = next.inValues >> 2;
  let at = 0;
  for (let b = 0; b < ws.batch; b++) {
    const row = b * n;
    for (let c = 0; c < chunks; c++) {
      starts[b * chunks + c] = at;
      const end = Math.min(n, (c + 1) * ROWS_PER_CHUNK);
      for (let j = c * ROWS_PER_CHUNK; j < end; j++) {
        const zv = z[row + j];
        const r = zv <= 0 ? 0 : (zv > OUTPUT_MAX ? OUTPUT_MAX : zv) >> shift;
        const v = r > INPUT_MAX ? INPUT_MAX : r;
        out[row + j] = v;
        if (v !== 0) { heap[rowsBase + at] = j; heap[valsBase + at] = v; at++; }
      }
    }
  }
  starts[ws.batch * chunks] = at;
}

/** Mock MAC + digital bias add of one layer (inputs from its lists) into L.z. */
function mockLayerForward(ws: Workspace, L: LayerBuffers, layer: LayerParams, model: HagenModel, rng: Rng | null): void {
  const { n, width, chunks, z, starts, biasQ } = L;
  const batch = ws.batch;
  for (let j = 0; j < n; j++) { const f = Math.floor(layer.bias[j]); biasQ[j] = f < OUTPUT_MIN ? OUTPUT_MIN : f > OUTPUT_MAX ? OUTPUT_MAX : f; }
  const { noiseStd, gain } = model.mock;
  const noiseOn = rng !== null && noiseStd > 0;
  if (noiseOn) new NormalSource(rng).fillWasm(ws.memory, ws.normal, L.noise, chunks * batch * n, noiseStd);
  const scale = Math.fround(chunkScale(gain, layer.numSends));
  const sums = ws.heapI32, sumBase = ws.chunkSum >> 2;
  const { rowsAxpyI32, digitiseChunk } = ws.memory.exports;
  for (let b = 0; b < batch; b++) {
    sums.fill(0, sumBase, sumBase + width);
    for (let c = 0; c < chunks; c++) {
      const s = starts[b * chunks + c];
      rowsAxpyI32(ws.accumulator, L.weightQT, width, L.inRows + 4 * s, L.inValues + 4 * s, starts[b * chunks + c + 1] - s);
      digitiseChunk(ws.chunkSum, ws.accumulator, noiseOn ? L.noise + 4 * (c * batch + b) * n : ws.zeroRow, width, scale);
    }
    const zRow = b * n;
    for (let j = 0; j < n; j++) {
      let v = sums[sumBase + j];
      v = v < OUTPUT_MIN ? OUTPUT_MIN : v > OUTPUT_MAX ? OUTPUT_MAX : v;
      v += biasQ[j];
      z[zRow + j] = v < OUTPUT_MIN ? OUTPUT_MIN : v > OUTPUT_MAX ? OUTPUT_MAX : v;
    }
  }
}

function forwardOn(ws: Workspace, model: HagenModel, x: Float32Array, rng: Rng | null): Float32Array {
  const layers = model.layers;
  listFirstInput(ws, x);
  for (let l = 0; l < layers.length; l++) {
    const L = ws.layers[l];
    clampAndQuantiseWeights(ws, L, layers[l].weight, l);
    mockLayerForward(ws, L, layers[l], model, rng);
    if (l < layers.length - 1) convertingReluToLists(ws, L, ws.layers[l + 1], model.shift);
  }
  const top = ws.layers[layers.length - 1];
  for (let i = 0; i < top.z.length; i++) top.out[i] = top.z[i];
  return top.out;
}

/**
 * dW lists: for every input i, the samples b with x[b,i] ≠ 0 and their raw values, input-major.
 * From the forward lists in O(non-zeros) when the inputs are integers (always, except a first layer
 * fed non-integer values: then raw values that round to 0 still count, so scan x).
 */
function sampleListsPerInput(ws: Workspace, l: number, x: Float32Array): void {
  const L = ws.layers[l];
  const { k, chunks, starts } = L;
  const batch = ws.batch;
  const counts = ws.counts, fillAt = ws.fillAt;
  const heapI32 = ws.heapI32, heapF32 = ws.heapF32;
  const rowsBase = ws.listRows >> 2, valsBase = ws.listValues >> 2;
  counts.fill(0, 0, k + 1);
  if (l > 0 || ws.firstInputIntegral) {
    const inRows = L.inRows >> 2, inValues = L.inValues >> 2, total = starts[batch * chunks];
    for (let at = 0; at < total; at++) counts[heapI32[inRows + at] + 1]++;
    for (let i = 0; i < k; i++) { counts[i + 1] += counts[i]; fillAt[i] = counts[i]; }
    for (let b = 0; b < batch; b++) {
      const end = starts[(b + 1) * chunks];
      for (let at = starts[b * chunks]; at < end; at++) {
        const pos = fillAt[heapI32[inRows + at]]++;
        heapI32[rowsBase + pos] = b;
        heapF32[valsBase + pos] = heapI32[inValues + at];
      }
    }
    return;
  }
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    for (let i = 0; i < k; i++) if (x[xRow + i] !== 0) counts[i + 1]++;
  }
  for (let i = 0; i < k; i++) { counts[i + 1] += counts[i]; fillAt[i] = counts[i]; }
  for (let b = 0; b < batch; b++) {
    const xRow = b * k;
    for (let i = 0; i < k; i++) {
      const v = x[xRow + i];
      if (v !== 0) { const pos = fillAt[i]++; heapI32[rowsBase + pos] = b; heapF32[valsBase + pos] = v; }
    }
  }
}

/**
 * Straight-through backward of MAC + bias for layer `l` (see kernels.linearBackward):
 * g = dz·gain·numSends; dBias = Σ_b dz; dW[n,k] = Σ_b g[b,n]·x[b,k] (x raw, zero x skipped);
 * for l > 0 also dz of the layer below = (g·W)·(zPrev > 0)/2^shift (zero g skipped).
 */
function layerBackward(ws: Workspace, model: HagenModel, l: number, x: Float32Array): void {
  const L = ws.layers[l];
  const { k, n, width, kWidth, dz, gradWeight, gradBias } = L;
  const batch = ws.batch;
  const layer = model.layers[l];
  const heapF32 = ws.heapF32, heapI32 = ws.heapI32;
  const gBase = L.gradOut >> 2;
  const gradScale = Math.fround(layer.numSends * Math.fround(model.mock.gain));
  const biasSum = ws.biasSum;
  biasSum.fill(0, 0, n);
  for (let b = 0; b < batch; b++) {
    const row = b * n, gRow = gBase + b * width;
    for (let j = 0; j < n; j++) {
      const d = dz[row + j];
      biasSum[j] += d;
      heapF32[gRow + j] = d * gradScale;
    }
  }
  for (let j = 0; j < n; j++) gradBias[j] = biasSum[j];

  // dWᵀ row i = Σ over samples b with x[b,i] ≠ 0 of x[b,i]·g[b]: input-major lists of samples.
  sampleListsPerInput(ws, l, x);
  const counts = ws.counts;
  const rowsBase = ws.listRows >> 2, valsBase = ws.listValues >> 2;
  const { rowsAxpyF32 } = ws.memory.exports;
  for (let i = 0; i < k; i++) {
    rowsAxpyF32(L.gradWeightT + i * width * 4, L.gradOut, width, ws.listRows + 4 * counts[i], ws.listValues + 4 * counts[i], counts[i + 1] - counts[i]);
  }
  const dwBase = L.gradWeightT >> 2;
  for (let i0 = 0; i0 < k; i0 += 16) {
    const i1 = Math.min(k, i0 + 16);
    for (let j = 0; j < n; j++) {
      const row = j * k;
      for (let i = i0; i < i1; i++) gradWeight[row + i] = heapF32[dwBase + i * width + j];
    }
  }
  if (l === 0) return;

  // dx[b] = Σ_j g[b,j]·W[j] over non-zero g, with the raw (clamped) weights.
  const wBase = L.weightRows >> 2, weight = layer.weight;
  if (kWidth === k) heapF32.set(weight, wBase);
  else for (let j = 0; j < n; j++) heapF32.set(weight.subarray(j * k, (j + 1) * k), wBase + j * kWidth);
  const below = ws.layers[l - 1];
  const zPrev = below.z, dzPrev = below.dz;
  const reluScale = 1 / 2 ** model.shift;
  const dxBase = ws.dxRow >> 2;
  for (let b = 0; b < batch; b++) {
    let count = 0;
    const gRow = gBase + b * width;
    for (let j = 0; j < n; j++) {
      const gv = heapF32[gRow + j];
      if (gv !== 0) { heapI32[rowsBase + count] = j; heapF32[valsBase + count] = gv; count++; }
    }
    rowsAxpyF32(ws.dxRow, L.weightRows, kWidth, ws.listRows, ws.listValues, count);
    const row = b * k;
    // ConvertingReLU backward: dy · (z > 0) / 2^shift
    for (let i = 0; i < k; i++) dzPrev[row + i] = zPrev[row + i] > 0 ? heapF32[dxBase + i] * reluScale : 0;
  }
}

export interface WorkspaceEngine {
  forward(model: HagenModel, x: Float32Array, batch: number, rng: Rng | null): Float32Array;
  trainStep(model: HagenModel, x: Float32Array, labels: Uint8Array, batch: number, rng: Rng | null): TrainStepResult;
  dispose(): void;
}

export function createWorkspaceEngine(): WorkspaceEngine {
  let workspaces: Workspace[] = [];
  const workspaceFor = (model: HagenModel, batch: number): Workspace => {
    const shapes = model.layers.map(({ inFeatures, outFeatures }) => ({ inFeatures, outFeatures }));
    let ws = workspaces.find((w) => w.fits(shapes, batch));
    if (!ws) {
      ws = new Workspace(shapes, batch);
      workspaces = [ws, ...workspaces].slice(0, MAX_WORKSPACES);
    }
    return ws;
  };
  return {
    forward: (model, x, batch, rng) => forwardOn(workspaceFor(model, batch), model, x, rng),
    trainStep(model, x, labels, batch, rng) {
      if (!(labels instanceof Uint8Array) || labels.length !== batch) throw new Error(`labels must be a Uint8Array of batch = ${batch} values, got ${labels?.length}`);
      const ws = workspaceFor(model, batch);
      const logits = forwardOn(ws, model, x, rng);
      const layers = model.layers;
      const top = ws.layers[layers.length - 1];
      const loss = crossEntropyOver64(logits, labels, batch, top.n, top.dz);
      for (let l = layers.length - 1; l >= 0; l--) layerBackward(ws, model, l, l === 0 ? x : ws.layers[l - 1].out);
      return { loss, logits, grads: ws.layers.map((L) => ({ weight: L.gradWeight, bias: L.gradBias })) };
    },
    dispose() {
      workspaces = [];
    },
  };
}
