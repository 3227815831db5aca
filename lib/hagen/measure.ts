/**
 * hxtorch's measure_mock_parameter (src/hxtorch/perceptron/mock.cpp): find the gain and noise of a
 * MAC — the mock, or the emulated chip — the way the tutorial does before training.
 *
 * Weights: a full 256 × 128 matrix ([K, N]) of 21 (= 63/3). Input value 15.5 (= 31/2; the MAC rounds
 * it to 16, the reference product keeps 15.5, so the measured gain carries a 16/15.5 factor, as in
 * hxtorch). For i = 0…19 one vector whose entries are 15.5 with probability 0.85^i; the i whose
 * median output is closest to 63.5 (= 127/2) is used for 50 more vectors:
 *   gain     = median over all outputs of hw / (x @ W)
 *   noiseStd = median over columns of the (unbiased) std over the 50 samples of hw − gain · (x @ W)
 */
import type { Rng } from '../random';
import { ROWS_PER_CHUNK } from './constants';
import { mockParameter } from './mockParameter';
import type { MockParameter } from './types';

type MacFunction = (x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number) => Float32Array;

const MEASURE_ROWS = 256;
const MEASURE_COLUMNS = 128;
const MEASURE_WEIGHT = 21;
const MEASURE_INPUT = 15.5;
const MEASURE_TARGET = 63.5;
const MEASURE_MASKING_FACTOR = 0.85;
const MEASURE_STEPS = 20;
const MEASURE_BATCH = 50;

/** torch.median without a dim: the lower of the two middle values for an even count. */
export function torchMedian(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('torchMedian: no values');
  const sorted = Float64Array.from(values).sort();
  return sorted[(sorted.length - 1) >> 1];
}

function maskedInputs(rng: Rng, count: number, density: number): Float32Array {
  const x = new Float32Array(count * MEASURE_ROWS);
  for (let i = 0; i < x.length; i++) if (rng.next() < density) x[i] = MEASURE_INPUT;
  return x;
}

/** Reference product x @ W for the all-21 matrix: 21 · (sum of the row's inputs), the same for every column. */
function referenceRowSums(x: Float32Array, count: number): Float64Array {
  const sums = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let s = 0;
    for (let r = 0; r < MEASURE_ROWS; r++) s += x[b * MEASURE_ROWS + r];
    sums[b] = s * MEASURE_WEIGHT;
  }
  return sums;
}

export interface MockMeasurement extends MockParameter {
  /** Density 0.85^i chosen, and the median output there. */
  densityStep: number;
  medianOutput: number;
  /** 128-row chunks the 256 measurement rows are read as; each adds its own noise and rounding. */
  chunks: number;
  /**
   * The noise of ONE chunk read, which is what the mock's noiseStd means: hxtorch's noiseStd sees
   * `chunks` independent reads, each with noise σ and an integer rounding (variance 1/12), so
   * noiseStd² ≈ chunks · (σ² + 1/12). This undoes both. hxtorch itself returns noiseStd (≈ √2 σ),
   * and so do we: the mock is given what hxtorch would give it.
   */
  noisePerChunk: number;
}

/** One chunk's noise σ from the std of a sum of `chunks` rounded reads: √(noiseStd²/chunks − 1/12), at least 0. */
export function noisePerChunk(noiseStd: number, chunks: number): number {
  if (!(noiseStd >= 0) || !Number.isFinite(noiseStd)) throw new RangeError(`noisePerChunk: noiseStd must be a finite number ≥ 0, got ${noiseStd}`);
  if (!Number.isInteger(chunks) || chunks < 1) throw new RangeError(`noisePerChunk: chunks must be a positive integer, got ${chunks}`);
  return Math.sqrt(Math.max(0, (noiseStd * noiseStd) / chunks - 1 / 12));
}

/** Full result with the intermediate numbers (for the session cell's explanation). */
export function measureMockParameterDetailed(mac: MacFunction, rng: Rng): MockMeasurement {
  const weights = new Float32Array(MEASURE_ROWS * MEASURE_COLUMNS).fill(MEASURE_WEIGHT);
  // Step 1: one vector per density, pick the density whose median output is closest to the target.
  const probe = new Float32Array(MEASURE_STEPS * MEASURE_ROWS);
  for (let i = 0; i < MEASURE_STEPS; i++) probe.set(maskedInputs(rng, 1, MEASURE_MASKING_FACTOR ** i), i * MEASURE_ROWS);
  const probeOut = mac(probe, MEASURE_STEPS, weights, MEASURE_ROWS, MEASURE_COLUMNS, 1);
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < MEASURE_STEPS; i++) {
    const distance = Math.abs(torchMedian(probeOut.subarray(i * MEASURE_COLUMNS, (i + 1) * MEASURE_COLUMNS)) - MEASURE_TARGET);
    if (distance < bestDistance) { // strict: argmin keeps the first minimum, like torch
      bestDistance = distance;
      best = i;
    }
  }
  // Step 2: 50 vectors at that density.
  const x = maskedInputs(rng, MEASURE_BATCH, MEASURE_MASKING_FACTOR ** best);
  const hw = mac(x, MEASURE_BATCH, weights, MEASURE_ROWS, MEASURE_COLUMNS, 1);
  const reference = referenceRowSums(x, MEASURE_BATCH);
  const ratios: number[] = [];
  for (let b = 0; b < MEASURE_BATCH; b++) {
    // An all-zero vector has no reference product; hxtorch would get NaN there, we skip it.
    if (reference[b] === 0) continue;
    for (let c = 0; c < MEASURE_COLUMNS; c++) ratios.push(hw[b * MEASURE_COLUMNS + c] / reference[b]);
  }
  if (ratios.length === 0) throw new Error('measureMockParameter: every measurement vector was all zero; the MAC gives no signal');
  const gain = torchMedian(ratios);
  const columnStd = new Float64Array(MEASURE_COLUMNS);
  for (let c = 0; c < MEASURE_COLUMNS; c++) {
    let sum = 0;
    let sumSq = 0;
    for (let b = 0; b < MEASURE_BATCH; b++) {
      const residual = hw[b * MEASURE_COLUMNS + c] - gain * reference[b];
      sum += residual;
      sumSq += residual * residual;
    }
    const mean = sum / MEASURE_BATCH;
    columnStd[c] = Math.sqrt(Math.max(0, (sumSq - MEASURE_BATCH * mean * mean) / (MEASURE_BATCH - 1)));
  }
  const noiseStd = torchMedian(columnStd);
  const checked = mockParameter(noiseStd, gain);
  const chunks = Math.ceil(MEASURE_ROWS / ROWS_PER_CHUNK);
  return { ...checked, densityStep: best, medianOutput: torchMedian(hw), chunks, noisePerChunk: noisePerChunk(noiseStd, chunks) };
}

/** measure_mock_parameter: gain and noise of `mac` (mock or emulated chip), randomness from `rng`. */
export function measureMockParameter(mac: MacFunction, rng: Rng): MockParameter {
  const { gain, noiseStd } = measureMockParameterDetailed(mac, rng);
  return { noiseStd, gain };
}
