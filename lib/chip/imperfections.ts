/**
 * The emulated chip's imperfections: ONE table of every parameter (with the project's assumed
 * defaults, not measurements of a real chip), and the deterministic draw of one chip from its id.
 *
 * Spreads are Gaussian standard deviations, truncated at ±3σ so that no factor turns negative.
 * "calibrated" is the residual spread the chip's trim circuits leave when a calibration sets
 * them: every trim realises its setting with a fixed per-element error of that size, drawn from
 * the chip id like everything else (see chip.ts).
 */
import { ROWS_PER_CHUNK } from '../hagen/constants';
import { Rng } from '../random';

export const HEMISPHERES = 2;
/**
 * Signed inputs per hemisphere: one synapse driver feeding an excitatory and an inhibitory row. The mock's
 * 128-row chunks (lib/hagen/constants.ts) are these rows, so the number is declared there once.
 */
export const ROWS_PER_HEMISPHERE = ROWS_PER_CHUNK;
/** Neuron columns per hemisphere. */
export const NEURONS_PER_HEMISPHERE = 256;

interface CalibratableSpread {
  /** Standard deviation before calibration (relative for factors, LSB for offsets). */
  uncalibrated: number;
  /** Residual standard deviation the trims leave after calibration. */
  calibrated: number;
}

export interface Imperfections {
  /** Per synapse driver (row) amplitude factor 1 ± σ. */
  driverAmplitude: CalibratableSpread;
  /** Per synapse (and sign: excitatory / inhibitory) multiplicative mismatch 1 ± σ; not calibratable. */
  synapseMismatch: number;
  /** Per neuron gain factor 1 ± σ. */
  neuronGain: CalibratableSpread;
  /** Per neuron output offset N(0, σ) in LSB. */
  neuronOffset: CalibratableSpread;
  /** Per neuron saturation level, uniform in [min, max] LSB; not calibratable. */
  saturation: { min: number; max: number };
  /** Output is linear for |u| ≤ this many LSB, then compresses smoothly towards the saturation level. */
  linearRange: number;
  /** Trial-to-trial readout noise, N(0, σ) LSB per read. */
  readoutNoise: number;
  /** Base gain of the setup (output LSB per input × weight per send), uniform in [min, max]. */
  baseGain: { min: number; max: number };
  /** FPGA cycles between two input events (hxtorch's wait_between_events) and the cycle length. */
  waitBetweenEvents: number;
  cycleSeconds: number;
  /** Fixed cost of one run of a vector (reset, baseline read, ADC readout). */
  overheadSecondsPerRun: number;
}

export const DEFAULT_IMPERFECTIONS: Readonly<Imperfections> = Object.freeze({
  driverAmplitude: { uncalibrated: 0.1, calibrated: 0.02 },
  synapseMismatch: 0.03,
  neuronGain: { uncalibrated: 0.1, calibrated: 0.03 },
  neuronOffset: { uncalibrated: 10, calibrated: 1 },
  saturation: { min: 100, max: 127 },
  linearRange: 80,
  readoutNoise: 1.6,
  baseGain: { min: 0.0018, max: 0.0022 },
  waitBetweenEvents: 5,
  cycleSeconds: 8e-9,
  overheadSecondsPerRun: 30e-6,
});

/** Check a (possibly user-changed) table; throws naming the entry and what is allowed. */
export function validateImperfections(table: Imperfections): Imperfections {
  const nonNegative = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`imperfection "${name}" must be a finite number ≥ 0, got ${v}`);
  };
  const spread = (name: string, s: CalibratableSpread, limit: number) => {
    nonNegative(`${name}.uncalibrated`, s.uncalibrated);
    nonNegative(`${name}.calibrated`, s.calibrated);
    if (s.uncalibrated > limit || s.calibrated > limit) throw new RangeError(`imperfection "${name}" spread must be at most ${limit}, got ${s.uncalibrated} / ${s.calibrated}`);
  };
  spread('driverAmplitude', table.driverAmplitude, 0.3);
  spread('neuronGain', table.neuronGain, 0.3);
  spread('neuronOffset', table.neuronOffset, 40);
  nonNegative('synapseMismatch', table.synapseMismatch);
  if (table.synapseMismatch > 0.3) throw new RangeError(`imperfection "synapseMismatch" must be at most 0.3, got ${table.synapseMismatch}`);
  nonNegative('readoutNoise', table.readoutNoise);
  const { min: sMin, max: sMax } = table.saturation;
  if (!(sMin > 0 && sMin <= sMax && sMax <= 127)) throw new RangeError(`imperfection "saturation" must satisfy 0 < min ≤ max ≤ 127, got ${sMin}..${sMax}`);
  if (!(table.linearRange > 0 && table.linearRange < sMin)) throw new RangeError(`imperfection "linearRange" must be > 0 and below saturation.min (${sMin}), got ${table.linearRange}`);
  const { min: gMin, max: gMax } = table.baseGain;
  if (!(gMin > 0 && gMin <= gMax && gMax <= 1)) throw new RangeError(`imperfection "baseGain" must satisfy 0 < min ≤ max ≤ 1, got ${gMin}..${gMax}`);
  if (!Number.isInteger(table.waitBetweenEvents) || table.waitBetweenEvents < 1) throw new RangeError(`imperfection "waitBetweenEvents" must be an integer ≥ 1, got ${table.waitBetweenEvents}`);
  nonNegative('cycleSeconds', table.cycleSeconds);
  nonNegative('overheadSecondsPerRun', table.overheadSecondsPerRun);
  return table;
}

/** One chip's fixed pattern: every factor drawn once from the chip id. Arrays are indexed [hemisphere][...] flattened. */
export interface ChipPattern {
  chipId: number;
  baseGain: number;
  /** [HEMISPHERES × ROWS_PER_HEMISPHERE] */
  driverAmplitude: Float32Array;
  /** [HEMISPHERES × ROWS × NEURONS × 2]: (…, 0) excitatory synapse for w > 0, (…, 1) inhibitory for w < 0. */
  synapseMismatch: Float32Array;
  /** [HEMISPHERES × NEURONS_PER_HEMISPHERE] each */
  neuronGain: Float32Array;
  neuronOffset: Float32Array;
  saturation: Float32Array;
  /** Errors with which the trims realise a calibration's settings (relative / LSB). */
  driverTrimError: Float32Array;
  neuronGainTrimError: Float32Array;
  neuronOffsetTrimError: Float32Array;
}

export const DRIVER_COUNT = HEMISPHERES * ROWS_PER_HEMISPHERE;
export const NEURON_COUNT = HEMISPHERES * NEURONS_PER_HEMISPHERE;

function truncatedNormal(rng: Rng, std: number): number {
  if (std === 0) return 0;
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 3) return z * std;
  }
}

function fillFactors(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 + truncatedNormal(rng, std);
  return out;
}

function fillNormals(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = truncatedNormal(rng, std);
  return out;
}

/** Draw chip `chipId`'s fixed pattern. Same id and table → identical chip; each effect has its own stream. */
export function drawChipPattern(chipId: number, table: Imperfections = DEFAULT_IMPERFECTIONS): ChipPattern {
  if (!Number.isInteger(chipId) || chipId < 0 || chipId > 0xffffffff) throw new RangeError(`chipId must be a non-negative 32-bit integer, got ${chipId}`);
  validateImperfections(table);
  const stream = (label: string) => Rng.derive(chipId, `chip/${label}`);
  const satRng = stream('saturation');
  const saturation = new Float32Array(NEURON_COUNT);
  for (let i = 0; i < NEURON_COUNT; i++) saturation[i] = satRng.uniform(table.saturation.min, table.saturation.max);
  return {
    chipId,
    baseGain: stream('base-gain').uniform(table.baseGain.min, table.baseGain.max),
    driverAmplitude: fillFactors(stream('driver-amplitude'), DRIVER_COUNT, table.driverAmplitude.uncalibrated),
    synapseMismatch: fillFactors(stream('synapse-mismatch'), DRIVER_COUNT * NEURONS_PER_HEMISPHERE * 2, table.synapseMismatch),
    neuronGain: fillFactors(stream('neuron-gain'), NEURON_COUNT, table.neuronGain.uncalibrated),
    neuronOffset: fillNormals(stream('neuron-offset'), NEURON_COUNT, table.neuronOffset.uncalibrated),
    saturation,
    driverTrimError: fillNormals(stream('trim/driver'), DRIVER_COUNT, table.driverAmplitude.calibrated),
    neuronGainTrimError: fillNormals(stream('trim/neuron-gain'), NEURON_COUNT, table.neuronGain.calibrated),
    neuronOffsetTrimError: fillNormals(stream('trim/neuron-offset'), NEURON_COUNT, table.neuronOffset.calibrated),
  };
}
