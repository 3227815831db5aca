/**
 * The mock MAC of hxtorch's hagen mode (src/hxtorch/perceptron/detail/mac.cpp), as plain typed-array
 * code: the reference every faster engine is checked against. Each hardware effect is one named
 * function. Arithmetic follows PyTorch's float32 so the golden vectors match exactly.
 */
import type { Rng } from '../random';
import { NormalSource } from './fast/normal';
import { INPUT_MAX, INPUT_MIN, OUTPUT_MAX, OUTPUT_MIN, ROWS_PER_CHUNK, WEIGHT_MAX } from './constants';
import type { MockParameter } from './types';
import { roundHalfEven } from '../round';

/** Quantisation of inputs and weights: round half to even, like torch.round (Math.round rounds half up, which is wrong here). */
export { roundHalfEven };

/** Round every value half to even into a new array. */
export function roundAll(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = roundHalfEven(values[i]);
  return out;
}

/** What a refused value becomes: an Error naming it, where it was and the allowed range (the caller's words). */
export type RangeRefusal = (index: number, value: number, min: number, max: number) => Error;

/** The mock's words for a refused value (hxtorch raises an OverflowError and does not clamp). */
function mockRefusal(what: string): RangeRefusal {
  return (index, value, min, max) => new RangeError(`${what} value ${value} (at index ${index}, after rounding) is outside the allowed range ${min}..${max}; hxtorch raises an OverflowError here and does not clamp`);
}

/** The first value outside min..max (NaN counts) is refused, never clamped. */
function checkRange(values: ArrayLike<number>, min: number, max: number, refuse: RangeRefusal): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= min && v <= max)) throw refuse(i, v, min, max);
  }
}

/** The chip takes 5-bit inputs: every rounded input must lie in 0..31. */
export function checkInputRange(xq: ArrayLike<number>, refuse: RangeRefusal = mockRefusal('input')): void {
  checkRange(xq, INPUT_MIN, INPUT_MAX, refuse);
}

/** The chip takes signed 6-bit weights: every rounded weight must lie in −63..63. */
export function checkWeightRange(wq: ArrayLike<number>, refuse: RangeRefusal = mockRefusal('weight')): void {
  checkRange(wq, -WEIGHT_MAX, WEIGHT_MAX, refuse);
}

export interface RowChunk { start: number; end: number }

/** How many hardware blocks of 128 rows K input rows take. */
export function chunkCount(k: number): number {
  return Math.ceil(k / ROWS_PER_CHUNK);
}

/** Split K input rows into consecutive hardware blocks of 128 rows (the last one may be shorter). */
export function chunkRows(k: number): RowChunk[] {
  return Array.from({ length: chunkCount(k) }, (_, c) => ({ start: c * ROWS_PER_CHUNK, end: Math.min(k, (c + 1) * ROWS_PER_CHUNK) }));
}

/**
 * The factor each chunk's integer sum is multiplied by: num_sends · gain, computed in float32 as
 * hxtorch does (`num_sends * gain` with a float gain, then a float32 tensor multiply).
 */
export function macScale(numSends: number, gain: number): number {
  return Math.fround(numSends * Math.fround(gain));
}

/**
 * Fresh Gaussian noise N(0, noiseStd) for every output of every chunk, laid out [chunk][batch][out].
 * All engines draw it with this function, so the same Rng gives the same noise everywhere.
 * Returns null when noise is off (rng null or noiseStd 0); then the rng is not advanced.
 * The draws come from a ziggurat seeded by `rng` (~2× faster than Rng.fillNormal; ~460k draws a batch).
 */
export function drawChunkNoise(rng: Rng | null, chunks: number, batch: number, n: number, noiseStd: number): Float32Array | null {
  if (rng === null || noiseStd === 0) return null;
  return new NormalSource(rng).fill(new Float32Array(chunks * batch * n), noiseStd);
}

/** Add one chunk's noise (float32 sum, as torch adds two float tensors). */
export function addChunkNoise(local: Float32Array, noise: Float32Array | null, offset: number): void {
  if (noise === null) return;
  for (let i = 0; i < local.length; i++) local[i] = Math.fround(local[i] + noise[offset + i]);
}

/** The 8-bit range: saturate at −128..127. */
export function clampOutputValue(v: number): number {
  return Math.min(OUTPUT_MAX, Math.max(OUTPUT_MIN, v));
}

/** floor, then saturate at −128..127: the ADC's read of a chunk (and the digital add's operands, add.ts). */
export function floorClamp8(v: number): number {
  return clampOutputValue(Math.floor(v));
}

/** Each chunk is read by the 8-bit ADC: floor to an integer, saturate at −128..127. */
export function floorAndClampChunk(local: Float32Array): void {
  for (let i = 0; i < local.length; i++) local[i] = floorClamp8(local[i]);
}

/** The digital sum of the chunks: y[yAt + i] += local[i] for i < count (integers: exact in float32). */
export function addChunk(y: Float32Array, local: ArrayLike<number>, yAt = 0, count = local.length): void {
  for (let i = 0; i < count; i++) y[yAt + i] += local[i];
}

/** The digital sum of all chunks saturates again at −128..127. */
export function clampOutput(y: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = clampOutputValue(y[i]);
}

function checkShapes(x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number): void {
  for (const [name, v] of [['batch', batch], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`mockMac: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(numSends) || numSends < 1) throw new RangeError(`mockMac: numSends must be a positive integer, got ${numSends}`);
  if (x.length !== batch * k) throw new RangeError(`mockMac: input has ${x.length} values, expected batch*k = ${batch * k}`);
  if (w.length !== k * n) throw new RangeError(`mockMac: weight has ${w.length} values, expected k*n = ${k * n}`);
}

/**
 * y[B,N] = mock MAC of x[B,K] and W[K,N] (row-major): round, range check, per 128-row chunk
 * integer product · (numSends·gain) + noise, floor, clamp; sum the chunks; clamp.
 * rng null ⇒ noise off.
 */
export function mockMacForward(
  x: Float32Array, batch: number, w: Float32Array, k: number, n: number,
  numSends: number, mock: MockParameter, rng: Rng | null,
): Float32Array {
  checkShapes(x, batch, w, k, n, numSends);
  const xq = roundAll(x);
  const wq = roundAll(w);
  checkInputRange(xq);
  checkWeightRange(wq);
  const chunks = chunkRows(k);
  const scale = macScale(numSends, mock.gain);
  const noise = drawChunkNoise(rng, chunks.length, batch, n, mock.noiseStd);
  const y = new Float32Array(batch * n);
  const local = new Float32Array(batch * n);
  chunks.forEach(({ start, end }, c) => {
    // Integer products of 5- and 6-bit values: the sum is exact in float32 as in double.
    local.fill(0);
    for (let b = 0; b < batch; b++) {
      for (let r = start; r < end; r++) {
        const xv = xq[b * k + r];
        if (xv === 0) continue;
        const wRow = r * n;
        for (let j = 0; j < n; j++) local[b * n + j] += xv * wq[wRow + j];
      }
    }
    for (let i = 0; i < local.length; i++) local[i] = Math.fround(local[i] * scale);
    addChunkNoise(local, noise, c * batch * n);
    floorAndClampChunk(local);
    addChunk(y, local);
  });
  clampOutput(y);
  return y;
}

/**
 * Straight-through backward of the MAC, with the raw (unrounded) x and W of the forward pass:
 * g = dy·gain·numSends, dx = g Wᵀ, dW = xᵀ g. Rounding, noise, floor and clamps are invisible.
 */
export function mockMacBackward(
  x: Float32Array, batch: number, w: Float32Array, k: number, n: number,
  numSends: number, gain: number, dy: Float32Array,
): { dx: Float32Array; dw: Float32Array } {
  checkShapes(x, batch, w, k, n, numSends);
  const g = new Float64Array(batch * n);
  for (let i = 0; i < g.length; i++) g[i] = dy[i] * gain * numSends;
  const dx = new Float32Array(batch * k);
  const dw = new Float64Array(k * n);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < k; r++) {
      let sum = 0;
      const xv = x[b * k + r];
      for (let j = 0; j < n; j++) {
        const gv = g[b * n + j];
        sum += gv * w[r * n + j];
        dw[r * n + j] += xv * gv;
      }
      dx[b * k + r] = sum;
    }
  }
  return { dx, dw: Float32Array.from(dw) };
}
