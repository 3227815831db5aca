/**
 * Fast seeded Gaussian noise for the mock MAC (~470k draws per training batch).
 *
 * Marsaglia–Tsang ziggurat (128 layers) driven by sfc32, the same integer generator as lib/random.ts.
 * The layer index comes from the low 7 bits of a draw and the signed position inside the layer from
 * the other 25 bits, so index and value never share bits (the flaw of the original RNOR). Tail and
 * wedge draws are exact, so every value is a true N(0, 1) sample at 25-bit resolution.
 */
import type { Rng } from '../../random';
import { KernelMemory } from './wasm/runtime';
import { NORMAL_STATE_BYTES, ZIGGURAT_TABLE_BYTES } from './wasm/source';

const LAYERS = 128;
const POSITION_SCALE = 2 ** 24; // |position| < 2^24 (25-bit signed)
const TAIL_START = 3.442619855899;
const LAYER_AREA = 9.91256303526217e-3;

/** kn: acceptance thresholds on |position|; wn: position → x; fn: density at the layer edges. */
const kn = new Float64Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = TAIL_START;
  let tn = dn;
  const q = LAYER_AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * POSITION_SCALE;
  kn[1] = 0;
  wn[0] = q / POSITION_SCALE;
  wn[LAYERS - 1] = dn / POSITION_SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(LAYER_AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * POSITION_SCALE;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / POSITION_SCALE;
  }
}

export class NormalSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * Seeds from four draws of `rng`, so the caller's stream advances by a fixed amount, or from those
   * four draws taken before (drawNormalSeed: noise drawn ahead is keyed by them).
   */
  constructor(seed: Rng | Int32Array) {
    const words = seed instanceof Int32Array ? seed : drawNormalSeed(seed);
    if (words.length !== 4) throw new RangeError(`a NormalSource seed holds 4 draws, got ${words.length}`);
    this.a = words[0];
    this.b = words[1];
    this.c = words[2];
    this.d = words[3] | 1;
    for (let i = 0; i < 12; i++) this.nextInt();
  }

  /** The sfc32 step of lib/random.ts, inlined here because it runs once per noise draw (≈ 140 M per epoch). */
  private nextInt(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }

  /** Uniform in (0, 1), never 0 (it feeds a logarithm). */
  private uniformOpen(): number {
    return ((this.nextInt() >>> 0) + 0.5) / 4294967296;
  }

  /** One standard normal; the slow path of the ziggurat (≈1.2 % of draws). */
  private fix(position: number, layer: number): number {
    for (;;) {
      const x = position * wn[layer];
      if (layer === 0) {
        // Tail beyond TAIL_START (Marsaglia's exponential rejection).
        let tx: number, ty: number;
        do {
          tx = -Math.log(this.uniformOpen()) / TAIL_START;
          ty = -Math.log(this.uniformOpen());
        } while (ty + ty < tx * tx);
        return position > 0 ? TAIL_START + tx : -TAIL_START - tx;
      }
      if (fn[layer] + this.uniformOpen() * (fn[layer - 1] - fn[layer]) < Math.exp(-0.5 * x * x)) return x;
      const draw = this.nextInt();
      layer = draw & (LAYERS - 1);
      position = (draw >> 7) + 0.5;
      if (Math.abs(position) < kn[layer]) return position * wn[layer];
    }
  }

  normal(): number {
    const draw = this.nextInt();
    const layer = draw & (LAYERS - 1);
    const position = (draw >> 7) + 0.5;
    if (Math.abs(position) < kn[layer]) return position * wn[layer];
    return this.fix(position, layer);
  }

  /**
   * The same draws as `fill`, written by the wasm kernel `normalFill` (slow path included) straight
   * into kernel memory: `count` float32 values at byte offset `dst`. `scratch` is a WasmNormalScratch
   * in the same memory.
   */
  fillWasm(memory: KernelMemory, scratch: WasmNormalScratch, dst: number, count: number, std: number): void {
    const state = memory.i32(scratch.state, NORMAL_STATE_BYTES / 4);
    state[0] = this.a; state[1] = this.b; state[2] = this.c; state[3] = this.d;
    memory.exports.normalFill(dst, 0, count, std, scratch.state, scratch.tables);
    this.a = state[0]; this.b = state[1]; this.c = state[2]; this.d = state[3];
  }

  /** out[i] = float32(N(0,1) · std) for i in [from, to); the hot loop keeps the state in locals. */
  fill(out: Float32Array, std: number, from = 0, to = out.length): Float32Array {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    for (let i = from; i < to; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      const layer = t & (LAYERS - 1);
      const position = (t >> 7) + 0.5;
      if (Math.abs(position) < kn[layer]) {
        out[i] = position * wn[layer] * std;
      } else {
        this.a = a; this.b = b; this.c = c; this.d = d;
        out[i] = this.fix(position, layer) * std;
        a = this.a; b = this.b; c = this.c; d = this.d;
      }
    }
    this.a = a; this.b = b; this.c = c; this.d = d;
    return out;
  }
}

/** Words of an Rng a NormalSource seeds from. */
export const NORMAL_SEED_WORDS = 4;

/** The NORMAL_SEED_WORDS draws of `rng` a NormalSource seeds from (as int32), in order. */
export function drawNormalSeed(rng: Rng): Int32Array {
  return Int32Array.of(rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32());
}

/** Values per normalFill call of a NormalFiller: its kernel memory stays small and in cache. */
const FILLER_CHUNK = 1 << 15;

/**
 * Draws noise into plain Float32Arrays with the wasm kernel, on a kernel memory of its own: the side
 * of a thread that draws noise ahead for another (lib/train/helper/noiseAhead.ts). The same values as an
 * engine's NormalSource.fillWasm for the same seed.
 */
export class NormalFiller {
  private readonly memory = new KernelMemory();
  private readonly scratch = allocateWasmNormal(this.memory);
  private readonly region = this.memory.alloc(FILLER_CHUNK * 4);

  /** out[i] = f32(N(0,1) · std) for every i, from the source seeded with `seed`. */
  fill(seed: Int32Array, std: number, out: Float32Array): Float32Array {
    const source = new NormalSource(seed);
    for (let from = 0; from < out.length; from += FILLER_CHUNK) {
      const count = Math.min(FILLER_CHUNK, out.length - from);
      source.fillWasm(this.memory, this.scratch, this.region, count, std);
      out.set(this.memory.f32(this.region, count), from);
    }
    return out;
  }
}

/** Where `normalFill` keeps the generator state and the ziggurat tables (kn, wn) in kernel memory. */
export interface WasmNormalScratch { state: number; tables: number }

/** Reserve the state block and write the tables into `memory` (once per memory). */
export function allocateWasmNormal(memory: KernelMemory): WasmNormalScratch {
  const state = memory.alloc(NORMAL_STATE_BYTES);
  const tables = memory.alloc(ZIGGURAT_TABLE_BYTES);
  const view = memory.f64(tables, 3 * LAYERS);
  view.set(kn, 0);
  view.set(wn, LAYERS);
  view.set(fn, 2 * LAYERS);
  return { state, tables };
}
