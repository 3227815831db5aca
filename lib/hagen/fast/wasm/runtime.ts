/**
 * Loads the generated kernel module (synchronously: it is ~1 KB, which every host allows) and hands
 * out scratch space in its memory with a bump allocator that is reset for every engine call.
 */
import { KERNEL_WASM_BASE64 } from './module.generated';

interface KernelExports {
  rowsAxpyI32(dst: number, src: number, n: number, rows: number, vals: number, count: number): void;
  rowsAxpyI16(dst: number, src: number, n: number, rows: number, vals: number, count: number): void;
  /** the 5th parameter is the common factor of all rows (see wasm/source.ts) */
  rowsSumI16(dst: number, src: number, n: number, rows: number, factor: number, count: number): void;
  rowsSumF32(dst: number, src: number, n: number, rows: number, vals: number, count: number): void;
  rowsAxpyF32(dst: number, src: number, n: number, rows: number, vals: number, count: number): void;
  digitiseChunk(y: number, acc: number, noise: number, n: number, scale: number): void;
  normalFill(dst: number, from: number, to: number, std: number, state: number, tables: number): number;
  /** lerpFromEnd: 1 or 0 (see wasm/source.ts adamQuads); the scalars are float32 values; the old p goes to `previous` */
  adamQuads(p: number, g: number, m: number, v: number, quads: number, lerpCoefficient: number, lerpFromEnd: number,
    beta2: number, oneMinusBeta2: number, negStepSize: number, biasCorrection2Sqrt: number, eps: number, previous: number): void;
  /** returns (values beyond ±63, listed at clampList) · 2 + 1 if a value was NaN */
  transposeQuantise(src: number, srcStride: number, dst: number, dstStride: number, rows: number, cols: number, clampList: number, clampCapacity: number): number;
  transposeF32(src: number, srcStride: number, dst: number, dstStride: number, rows: number, cols: number): number;
  mockLayer(batch: number, chunks: number, width: number, n: number, starts: number, inRows: number, inValues: number, weightQT: number,
    acc: number, sums: number, noise: number, noiseStep: number, scale: number, biasQ: number, z: number, uniform: number): void;
  reluToLists(z: number, batch: number, n: number, shift: number, out: number, chunks: number, starts: number, rows: number, values: number): void;
  firstInputLists(x: number, batch: number, k: number, chunks: number, starts: number, rows: number, values: number, status: number): void;
  listsPerInput(inRows: number, inValues: number, batch: number, chunks: number, starts: number, k: number, counts: number, fillAt: number,
    outRows: number, outValues: number): void;
  layerGradients(dz: number, batch: number, n: number, width: number, gradScale: number, g: number, biasSum: number, gradBias: number,
    gradWeightT: number, listRows: number, listValues: number, counts: number, k: number, uniform: number): void;
  inputGradients(g: number, batch: number, n: number, width: number, weightRows: number, kWidth: number, k: number, listRows: number,
    listValues: number, dxRow: number, zPrev: number, dzPrev: number, reluScale: number): void;
  allFinite(src: number, count: number): number;
  pixelInputLists(pixels: number, batch: number, k: number, chunks: number, starts: number, rows: number, values: number, scale: number, status: number): void;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const PAGE = 65536;

/** Compiled once per thread and instantiated per memory: every workspace shares the optimised code,
 *  instead of recompiling (and re-running the baseline tier) for each new memory. */
let kernelModule: WebAssembly.Module | null = null;

export class KernelMemory {
  readonly exports: KernelExports;
  private readonly memory: WebAssembly.Memory;
  private top = 0;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 16 });
    kernelModule ??= new WebAssembly.Module(decodeBase64(KERNEL_WASM_BASE64));
    this.exports = new WebAssembly.Instance(kernelModule, { env: { memory: this.memory, exp: Math.exp, log: Math.log } }).exports as unknown as KernelExports;
  }

  reset(): void {
    this.top = 0;
  }

  /** Reserve `bytes` (16-byte aligned) and return its byte offset. Views made before may detach: make views after allocating. */
  alloc(bytes: number): number {
    const start = this.top;
    this.top = (start + bytes + 15) & ~15;
    const needed = this.top - this.memory.buffer.byteLength;
    if (needed > 0) this.memory.grow(Math.ceil(needed / PAGE));
    return start;
  }

  i32(offset: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, offset, length);
  }

  f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }

  f64(offset: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, offset, length);
  }

  /** Bytes reserved so far (the workspace of a persistent user). */
  get used(): number {
    return this.top;
  }
}

let shared: KernelMemory | null = null;
/** One instance per thread; engine calls are synchronous, so they never interleave. */
export function kernelMemory(): KernelMemory {
  shared ??= new KernelMemory();
  return shared;
}
