/**
 * Persistent buffers for one model shape and batch size, so a training step allocates nothing.
 * Everything the mock forward/backward touches lives in the kernels' wasm memory (byte offsets
 * below); the arrays handed out (z, logits, dz, gradients) are views into that memory, valid until
 * the next call on the same workspace — the training loop consumes them at once (see fastEngine docs).
 */
import { allocateWasmNormal, type WasmNormalScratch } from './normal';
import { chunkCount } from '../mac';
import { KernelMemory } from './wasm/runtime';
import { BLOCK_COLUMNS } from './wasm/source';

const padded = (n: number) => Math.ceil(n / BLOCK_COLUMNS) * BLOCK_COLUMNS;
/** the transpose kernels work in 4x4 tiles */
const padded4 = (n: number) => Math.ceil(n / 4) * 4;

interface LayerShape { inFeatures: number; outFeatures: number }

/** Byte offsets of one layer's regions in kernel memory, plus views of those it hands out. */
export interface LayerBuffers {
  k: number;
  n: number;
  /** n rounded up to BLOCK_COLUMNS (row length of the SIMD accumulations) */
  width: number;
  /** k rounded up to BLOCK_COLUMNS */
  kWidth: number;
  /** k and n rounded up to 4 (the transposes' tiles) */
  k4: number;
  n4: number;
  chunks: number;
  /** raw W, clamped in place to ±63, float32 [n4, kWidth] (zero padding): quantised from here, and dx's weights */
  weightRows: number;
  /** round(W)ᵀ as int16 [k4, width] (rowsAxpyI16) */
  weightQT: number;
  /** noise [chunks, batch, n] float32 (+ one row of slack for the padded SIMD reads) */
  noise: number;
  /** dz·gain·numSends as float32 [batch, width] */
  gradOut: number;
  /** dWᵀ as float32 [k4, width] */
  gradWeightT: number;
  /** dW as float32 [n4, k4] */
  gradWeightTiles: number;
  /** digital bias operand clamp(floor(b)) as int32 [n] */
  biasQ: number;
  /** this layer's input as lists of non-zero entries, sample by sample and chunk by chunk:
   *  input index (int32) and quantised value (int32), [batch · k] each */
  inRows: number;
  inValues: number;
  /** first entry of every (sample, chunk) in those lists, and the total: int32 [batch·chunks + 1] */
  starts: number;
  /** pre-activations after the bias add, int32 [batch, n] */
  z: Int32Array;
  zAt: number;
  /** this layer's output as the next layer's float input (the logits for the last layer) */
  out: Float32Array;
  outAt: number;
  /** dLoss/dz, float64 [batch, n] */
  dz: Float64Array;
  dzAt: number;
  /** dW [n, k]: a view of gradWeightTiles when k4 = k, else a copy */
  gradWeight: Float32Array;
  gradBias: Float32Array;
  gradBiasAt: number;
  /** the weight array weightQT was quantised from for a prediction, and its version then (workspaceEngine.ts), else null */
  quantisedFrom: Float32Array | null;
  quantisedVersion: number;
}

export class Workspace {
  readonly memory = new KernelMemory();
  readonly layers: LayerBuffers[];
  readonly normal: WasmNormalScratch;
  /** the first layer's raw input, float32 [batch, k] */
  readonly input: number;
  /** backward lists (samples per input for dW, outputs per sample for dx), shared: [batch · max(k, n)] */
  readonly listRows: number;
  readonly listValues: number;
  readonly accumulator: number;
  readonly chunkSum: number;
  readonly zeroRow: number;
  readonly dxRow: number;
  /** per-input entry starts of the dW lists (int32 [maxK + 1]) and their fill positions */
  readonly counts: number;
  readonly fillAt: number;
  readonly biasSum: number;
  /** firstInputLists' report: [first index out of range or −1, 1 if every input was integral] */
  readonly status: number;
  /** whether every first-layer input was an integer (then its lists also serve the backward) */
  firstInputIntegral = true;
  /** the one value every listed first-layer input has (31: a binarised batch), else 0 */
  firstInputUniform = 0;
  /** Views over the whole kernel memory; it never grows after the constructor, so they stay valid. */
  readonly heapI32: Int32Array;
  readonly heapF32: Float32Array;

  constructor(readonly shapes: LayerShape[], readonly batch: number) {
    const mem = this.memory;
    this.normal = allocateWasmNormal(mem);
    const maxWidth = Math.max(...shapes.map((s) => padded(Math.max(s.inFeatures, s.outFeatures))));
    const maxList = batch * Math.max(...shapes.map((s) => Math.max(s.inFeatures, s.outFeatures)));
    const maxK = Math.max(...shapes.map((s) => s.inFeatures));
    this.input = mem.alloc(batch * shapes[0].inFeatures * 4);
    this.listRows = mem.alloc((maxList + 1) * 4); // + 1: inputGradients writes one entry past the last
    this.listValues = mem.alloc((maxList + 1) * 4);
    this.accumulator = mem.alloc(maxWidth * 4);
    this.chunkSum = mem.alloc(maxWidth * 4);
    this.zeroRow = mem.alloc(maxWidth * 4);
    this.dxRow = mem.alloc(maxWidth * 4);
    this.counts = mem.alloc((maxK + 1) * 4);
    this.fillAt = mem.alloc(maxK * 4);
    this.biasSum = mem.alloc(Math.max(...shapes.map((s) => s.outFeatures)) * 8);
    this.status = mem.alloc(12);
    const regions = shapes.map(({ inFeatures: k, outFeatures: n }) => {
      const width = padded(n), kWidth = padded(k), k4 = padded4(k), n4 = padded4(n), chunks = chunkCount(k);
      return {
        k, n, width, kWidth, k4, n4, chunks,
        weightRows: mem.alloc(n4 * kWidth * 4),
        weightQT: mem.alloc(k4 * width * 2), // int16
        noise: mem.alloc((chunks * batch * n + width) * 4),
        gradOut: mem.alloc(batch * width * 4),
        gradWeightT: mem.alloc(k4 * width * 4),
        gradWeightTiles: mem.alloc(n4 * k4 * 4),
        biasQ: mem.alloc(n * 4),
        inRows: mem.alloc((batch * k + 1) * 4), // + 1: reluToLists writes one entry past the last
        inValues: mem.alloc((batch * k + 1) * 4),
        starts: mem.alloc((batch * chunks + 1) * 4),
        zAt: mem.alloc(batch * n * 4),
        outAt: mem.alloc(batch * n * 4),
        dzAt: mem.alloc(batch * n * 8),
        gradBiasAt: mem.alloc(n * 4),
      };
    });
    // Kernel memory never grows after this point, so views made now stay attached.
    this.heapI32 = mem.i32(0, mem.used / 4);
    this.heapF32 = mem.f32(0, mem.used / 4);
    this.layers = regions.map((r) => ({
      ...r,
      z: mem.i32(r.zAt, batch * r.n),
      out: mem.f32(r.outAt, batch * r.n),
      dz: mem.f64(r.dzAt, batch * r.n),
      gradWeight: r.k4 === r.k ? mem.f32(r.gradWeightTiles, r.n * r.k) : new Float32Array(r.n * r.k),
      gradBias: mem.f32(r.gradBiasAt, r.n),
      quantisedFrom: null,
      quantisedVersion: 0,
    }));
  }

  fits(shapes: LayerShape[], batch: number): boolean {
    return batch === this.batch && shapes.length === this.shapes.length
      && shapes.every((s, i) => s.inFeatures === this.shapes[i].inFeatures && s.outFeatures === this.shapes[i].outFeatures);
  }
}
