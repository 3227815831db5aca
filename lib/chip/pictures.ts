/**
 * Pure data for the hardware-session pictures (lib/ui draws them): response curves of single neurons,
 * offset/gain spreads before and after calibration, measured mock parameters against the defaults.
 */
import type { MockParameter } from '../hagen/types';
import type { CalibrationReport } from './calibration';
import type { EmulatedChip } from './chip';
import { HEMISPHERES, NEURONS_PER_HEMISPHERE, ROWS_PER_HEMISPHERE } from './imperfections';

interface ResponseCurve {
  /** Global neuron index (hemisphere · 256 + column). */
  neuron: number;
  /** Mean and standard deviation of the reads at each swept weight. */
  mean: number[];
  std: number[];
}

export interface WeightSweep {
  chipId: number;
  calibrated: boolean;
  /** Swept weight (the same on all 128 rows of the neuron's column). */
  weights: number[];
  /** What an ideal linear chip with the chip's base gain would read (no offset, no saturation). */
  ideal: number[];
  curves: ResponseCurve[];
}

interface WeightSweepOptions {
  /** Input value on every row (default 8: the sweep reaches the compression and saturation at |w| ≳ 40). */
  input?: number;
  reads?: number;
  weights?: number[];
}

const DEFAULT_SWEEP_WEIGHTS = Array.from({ length: 43 }, (_, i) => -63 + 3 * i);

/**
 * Sweep the weight of `neurons` (global indices 0…511) with all 128 rows driven at `input`. Pass the raw
 * chip or `applyCalibration(chip, cal)` to show the curves before or after calibration.
 */
export function weightSweep(chip: EmulatedChip, neurons: readonly number[], options: WeightSweepOptions = {}): WeightSweep {
  const input = options.input ?? 8;
  const reads = options.reads ?? 8;
  const weights = options.weights ?? DEFAULT_SWEEP_WEIGHTS;
  const total = HEMISPHERES * NEURONS_PER_HEMISPHERE;
  for (const n of neurons) {
    if (!Number.isInteger(n) || n < 0 || n >= total) throw new RangeError(`weightSweep: neuron ${n} does not exist; allowed are 0…${total - 1}`);
  }
  if (!Number.isInteger(reads) || reads < 2) throw new RangeError(`weightSweep: reads must be an integer ≥ 2, got ${reads}`);
  const x = new Float32Array(reads * ROWS_PER_HEMISPHERE).fill(input);
  const curves: ResponseCurve[] = neurons.map((neuron) => ({ neuron, mean: [], std: [] }));
  const hemispheres = [...new Set(neurons.map((n) => Math.floor(n / NEURONS_PER_HEMISPHERE)))];
  for (const weight of weights) {
    // One read per hemisphere and weight serves all its neurons at once.
    const w = new Float32Array(ROWS_PER_HEMISPHERE * NEURONS_PER_HEMISPHERE).fill(weight);
    const readsByHemisphere = new Map(hemispheres.map((h) => [h, chip.readBlock(h, x, reads, w, 1)]));
    neurons.forEach((neuron, i) => {
      const out = readsByHemisphere.get(Math.floor(neuron / NEURONS_PER_HEMISPHERE))!;
      const column = neuron % NEURONS_PER_HEMISPHERE;
      let sum = 0;
      let sumSq = 0;
      for (let b = 0; b < reads; b++) {
        const v = out[b * NEURONS_PER_HEMISPHERE + column];
        sum += v;
        sumSq += v * v;
      }
      const mean = sum / reads;
      curves[i].mean.push(mean);
      curves[i].std.push(Math.sqrt(Math.max(0, (sumSq - reads * mean * mean) / (reads - 1))));
    });
  }
  const ideal = weights.map((w) => chip.baseGain * input * w * ROWS_PER_HEMISPHERE);
  return { chipId: chip.id, calibrated: chip.calibrated, weights: [...weights], ideal, curves };
}

interface SpreadRow {
  quantity: 'neuron offset' | 'neuron gain' | 'driver amplitude';
  unit: 'LSB' | 'relative';
  before: number;
  after: number;
  /** The per-element values behind the spread, for histograms. */
  beforeValues: number[];
  afterValues: number[];
}

/** Before/after spreads of a calibration report as rows for a table or paired histograms. */
export function spreadRows(report: CalibrationReport): SpreadRow[] {
  const { before, after } = report;
  return [
    { quantity: 'neuron offset', unit: 'LSB', before: before.offsetStd, after: after.offsetStd,
      beforeValues: Array.from(before.measurement.neuronOffset), afterValues: Array.from(after.measurement.neuronOffset) },
    { quantity: 'neuron gain', unit: 'relative', before: before.gainSpread, after: after.gainSpread,
      beforeValues: Array.from(before.measurement.neuronGain), afterValues: Array.from(after.measurement.neuronGain) },
    { quantity: 'driver amplitude', unit: 'relative', before: before.driverSpread, after: after.driverSpread,
      beforeValues: Array.from(before.measurement.driverAmplitude), afterValues: Array.from(after.measurement.driverAmplitude) },
  ];
}

interface MockComparisonRow {
  quantity: 'gain' | 'noiseStd';
  measured: number;
  default: number;
  /** measured / default */
  ratio: number;
}

/** Measured mock parameters beside the defaults (hxtorch: gain 0.002, noise 2.0). */
export function mockComparison(measured: MockParameter, defaults: MockParameter): MockComparisonRow[] {
  return (['gain', 'noiseStd'] as const).map((quantity) => ({
    quantity, measured: measured[quantity], default: defaults[quantity], ratio: measured[quantity] / defaults[quantity],
  }));
}
