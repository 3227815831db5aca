/**
 * Persistent buffers for one model shape and batch size, so a training step allocates nothing:
 * every array the mock forward/backward needs lives here (the kernels' in their own wasm memory).
 * Results handed out (logits, gradients) are views into these buffers, valid until the next call
 * on the same workspace — the training loop consumes them at once (see fastEngine docs).
 */
import { allocateWasmNormal, type WasmNormalScratch } from './normal';
import { chunkCount } from './kernels';
import { KernelMemory } from './wasm/runtime';
import { BLOCK_COLUMNS } from './wasm/source';

const padded = (n: number) => Math.ceil(n / BLOCK_COLUMNS) * BLOCK_COLUMNS;

export interface LayerShape { inFeatures: number; outFeatures: number }

/** Byte offsets of one layer's regions in kernel memory, plus its JS-side arrays. */
export interface LayerBuffers {
  k: number;
  n: number;
  width: number;
  kWidth: number;
  chunks: number;
  /** round(W)ᵀ as int32 [k, width] */
  weightQT: number;
  /** raw (clamped) W as float32 [n, kWidth], for dx */
  weightRows: number;
  /** noise [chunks, batch, n] float32 (+ one row of slack for the padded SIMD reads) */
  noise: number;
  /** dz·gain·numSends as float32 [batch, width] */
  gradOut: number;
  /** dWᵀ as float32 [k, width] */
  gradWeightT: number;
  /** pre-activations after the bias add (mock/chip: integers) */
  z: Int32Array;
  /** this layer's output as the next layer's float input (the logits for the last layer) */
  out: Float32Array;
  /** dLoss/dz */
  dz: Float64Array;
  gradWeight: Float32Array;
  gradBias: Float32Array;
  biasQ: Int32Array;
  /** this layer's input as lists of non-zero entries, sample by sample and chunk by chunk:
   *  input index (int32) and quantised value (int32), [batch · k] each */
  inRows: number;
  inValues: number;
  /** first entry of every (sample, chunk) in those lists; [batch·chunks + 1] */
  starts: Int32Array;
}

export class Workspace {
  readonly memory = new KernelMemory();
  readonly layers: LayerBuffers[];
  readonly normal: WasmNormalScratch;
  /** backward lists (samples per input for dW, outputs per sample for dx), shared: [batch · max(k, n)] */
  readonly listRows: number;
  readonly listValues: number;
  readonly accumulator: number;
  readonly chunkSum: number;
  readonly zeroRow: number;
  readonly dxRow: number;
  /** per-input sample counts for the dW lists */
  readonly counts: Int32Array;
  readonly fillAt: Int32Array;
  readonly biasSum: Float64Array;
  /** whether every first-layer input was an integer (then its lists also serve the backward) */
  firstInputIntegral = true;
  /** Views over the whole kernel memory; it never grows after the constructor, so they stay valid. */
  readonly heapI32: Int32Array;
  readonly heapF32: Float32Array;

  constructor(readonly shapes: LayerShape[], readonly batch: number) {
    const mem = this.memory;
    this.normal = allocateWasmNormal(mem);
    const maxWidth = Math.max(...shapes.map((s) => padded(Math.max(s.inFeatures, s.outFeatures))));
    const maxList = batch * Math.max(...shapes.map((s) => Math.max(s.inFeatures, s.outFeatures)));
    this.listRows = mem.alloc(maxList * 4);
    this.listValues = mem.alloc(maxList * 4);
    this.accumulator = mem.alloc(maxWidth * 4);
    this.chunkSum = mem.alloc(maxWidth * 4);
    this.zeroRow = mem.alloc(maxWidth * 4);
    this.dxRow = mem.alloc(maxWidth * 4);
    this.layers = shapes.map(({ inFeatures: k, outFeatures: n }) => {
      const width = padded(n), kWidth = padded(k), chunks = chunkCount(k);
      return {
        k, n, width, kWidth, chunks,
        weightQT: mem.alloc(k * width * 4),
        weightRows: mem.alloc(n * kWidth * 4),
        noise: mem.alloc((chunks * batch * n + width) * 4),
        gradOut: mem.alloc(batch * width * 4),
        gradWeightT: mem.alloc(k * width * 4),
        inRows: mem.alloc(batch * k * 4),
        inValues: mem.alloc(batch * k * 4),
        z: new Int32Array(batch * n),
        out: new Float32Array(batch * n),
        dz: new Float64Array(batch * n),
        gradWeight: new Float32Array(n * k),
        gradBias: new Float32Array(n),
        biasQ: new Int32Array(n),
        starts: new Int32Array(batch * chunks + 1),
      };
    });
    const maxK = Math.max(...shapes.map((s) => s.inFeatures));
    this.counts = new Int32Array(maxK + 1);
    this.fillAt = new Int32Array(maxK);
    this.biasSum = new Float64Array(Math.max(...shapes.map((s) => s.outFeatures)));
    // Kernel memory never grows after this point, so whole-memory views stay attached.
    mem.alloc(16);
    this.heapI32 = mem.i32(0, mem.used / 4);
    this.heapF32 = mem.f32(0, mem.used / 4);
  }

  fits(shapes: LayerShape[], batch: number): boolean {
    return batch === this.batch && shapes.length === this.shapes.length
      && shapes.every((s, i) => s.inFeatures === this.shapes[i].inFeatures && s.outFeatures === this.shapes[i].outFeatures);
  }
}
