/**
 * Calibration of the emulated chip, done the way a lab does it: only through reads (never by peeking
 * at the drawn pattern). Zero-input reads averaged give each neuron's offset; single-row reads with
 * a known input and weight, once excitatory and once inhibitory, give a response matrix whose row
 * and column effects are the driver amplitudes and neuron gains. The result is a file-like
 * Calibration (chip id, format version, creation time, values, checksum) that is refused for another
 * chip, another version, a bad checksum or a damaged file.
 */
import { INPUT_MAX, WEIGHT_MAX } from '../hagen/constants';
import { Rng } from '../random';
import { canonicalJson, sha256Hex } from './checksum';
import { EmulatedChip } from './chip';
import { DRIVER_COUNT, HEMISPHERES, NEURON_COUNT, NEURONS_PER_HEMISPHERE, ROWS_PER_HEMISPHERE } from './imperfections';

const CALIBRATION_FORMAT_VERSION = 1;
/** A calibration file is ≈ 10 kB; readers refuse anything beyond this unread (files, fetches, text). */
export const MAX_CALIBRATION_BYTES = 256 * 1024;
/** Where a site or package keeps the nightly calibration of chip `chipId` (relative to the site / package's notebook/ folder). */
export function nightlyCalibrationPath(chipId: number): string {
  if (!Number.isInteger(chipId) || chipId < 0) throw new RangeError(`chipId must be a non-negative integer, got ${chipId}`);
  return `calibration/nightly-chip${chipId}.json`;
}
/** What the trims can reach; a calibration asking for more is refused (and clamped when produced). */
const TRIM_FACTOR_RANGE: readonly [number, number] = [0.5, 2];
const TRIM_OFFSET_RANGE = 64;

interface MeasurementSettings {
  /** Zero-input reads averaged per neuron for its offset. */
  offsetReads: number;
  /** Reads per row and sign for the response matrix. */
  gainReads: number;
  /** Input value, |weight| and sends of the single-row probe (kept inside the linear range). */
  probeInput: number;
  probeWeight: number;
  probeSends: number;
}

const DEFAULT_MEASUREMENT: Readonly<MeasurementSettings> = Object.freeze({
  offsetReads: 64, gainReads: 4, probeInput: 31, probeWeight: 63, probeSends: 6,
});

/** What one measurement of the chip finds (all relative to the chip's own average). */
interface ChipMeasurement {
  /** Per neuron mean zero-input read, LSB [NEURON_COUNT]. */
  neuronOffset: Float32Array;
  /** Per neuron gain relative to the chip's geometric mean [NEURON_COUNT]. */
  neuronGain: Float32Array;
  /** Per driver amplitude relative to the chip's geometric mean [DRIVER_COUNT]. */
  driverAmplitude: Float32Array;
  /** Median probe response in LSB (how far inside the linear range the probe stayed). */
  probeResponse: number;
}

function checkSettings(s: MeasurementSettings): void {
  const int = (name: keyof MeasurementSettings, min: number, max: number) => {
    const v = s[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`calibration setting ${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int('offsetReads', 1, 4096);
  int('gainReads', 1, 256);
  int('probeInput', 1, INPUT_MAX);
  int('probeWeight', 1, WEIGHT_MAX);
  int('probeSends', 1, 64);
}

/** Measure offsets, neuron gains and driver amplitudes of `chip` with its current trims and noise stream. */
function measureChip(chip: EmulatedChip, settings: MeasurementSettings = DEFAULT_MEASUREMENT): ChipMeasurement {
  checkSettings(settings);
  const rows = ROWS_PER_HEMISPHERE;
  const cols = NEURONS_PER_HEMISPHERE;
  const neuronOffset = new Float32Array(NEURON_COUNT);
  const neuronGain = new Float32Array(NEURON_COUNT);
  const driverAmplitude = new Float32Array(DRIVER_COUNT);
  const hemisphereMeans: number[] = [];
  const allResponses: number[] = [];
  const zeroWeights = new Float32Array(rows * cols);
  const plus = new Float32Array(rows * cols).fill(settings.probeWeight);
  const minus = new Float32Array(rows * cols).fill(-settings.probeWeight);
  // One active row per vector: vector i drives row i mod 128.
  const probeCount = rows * settings.gainReads;
  const probe = new Float32Array(probeCount * rows);
  for (let i = 0; i < probeCount; i++) probe[i * rows + (i % rows)] = settings.probeInput;

  for (let h = 0; h < HEMISPHERES; h++) {
    const zeros = chip.readBlock(h, new Float32Array(settings.offsetReads * rows), settings.offsetReads, zeroWeights, 1);
    for (let p = 0; p < cols; p++) {
      let sum = 0;
      for (let b = 0; b < settings.offsetReads; b++) sum += zeros[b * cols + p];
      neuronOffset[h * cols + p] = sum / settings.offsetReads;
    }
    // Excitatory minus inhibitory response: the offset cancels, the signal doubles.
    const up = chip.readBlock(h, probe, probeCount, plus, settings.probeSends);
    const down = chip.readBlock(h, probe, probeCount, minus, settings.probeSends);
    const logResponse = new Float64Array(rows * cols);
    for (let i = 0; i < probeCount; i++) {
      const r = i % rows;
      for (let p = 0; p < cols; p++) logResponse[r * cols + p] += (up[i * cols + p] - down[i * cols + p]) / (2 * settings.gainReads);
    }
    for (let j = 0; j < logResponse.length; j++) {
      const response = logResponse[j];
      allResponses.push(response);
      if (!(response > 0.5)) {
        throw new Error(`calibration failed: hemisphere ${h}, row ${(j / cols) | 0}, neuron ${j % cols} shows no response (${response.toFixed(2)} LSB); raise probeSends`);
      }
      logResponse[j] = Math.log(response);
    }
    // Two-way decomposition log R[r][p] = μ + α_r + β_p + mismatch.
    let mean = 0;
    for (let j = 0; j < logResponse.length; j++) mean += logResponse[j];
    mean /= logResponse.length;
    hemisphereMeans.push(mean);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let p = 0; p < cols; p++) sum += logResponse[r * cols + p];
      driverAmplitude[h * rows + r] = sum / cols - mean;
    }
    for (let p = 0; p < cols; p++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += logResponse[r * cols + p];
      neuronGain[h * cols + p] = sum / rows - mean;
    }
  }
  // Split each hemisphere's level difference from the chip mean evenly between its drivers and neurons.
  const chipMean = hemisphereMeans.reduce((a, b) => a + b, 0) / HEMISPHERES;
  for (let h = 0; h < HEMISPHERES; h++) {
    const half = (hemisphereMeans[h] - chipMean) / 2;
    for (let r = 0; r < rows; r++) driverAmplitude[h * rows + r] = Math.exp(driverAmplitude[h * rows + r] + half);
    for (let p = 0; p < cols; p++) neuronGain[h * cols + p] = Math.exp(neuronGain[h * cols + p] + half);
  }
  return { neuronOffset, neuronGain, driverAmplitude, probeResponse: median(allResponses) };
}

interface CalibrationValues {
  /** Trim factors per driver [DRIVER_COUNT], per neuron gain [NEURON_COUNT]; offset shifts in LSB [NEURON_COUNT]. */
  driverAmplitude: number[];
  neuronGain: number[];
  neuronOffset: number[];
}

export interface Calibration {
  chipId: number;
  formatVersion: number;
  /** ISO 8601 time of the measurement. */
  created: string;
  settings: MeasurementSettings & { noiseSeed: number };
  values: CalibrationValues;
  /** "sha256:" + SHA-256 of the canonical JSON of every other field. */
  checksum: string;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function calibrationChecksum(cal: Omit<Calibration, 'checksum'>): string {
  const { chipId, formatVersion, created, settings, values } = cal;
  return 'sha256:' + sha256Hex(canonicalJson({ chipId, formatVersion, created, settings, values }));
}

interface CalibrateOptions {
  /** Which noise realisation the measurement sees; same chip + seed → same calibration. */
  noiseSeed?: number;
  created?: Date;
  settings?: MeasurementSettings;
}

/** Run the calibration routine on `chip` (from its untrimmed state) and return the Calibration. */
export function calibrateChip(chip: EmulatedChip, options: CalibrateOptions = {}): Calibration {
  const noiseSeed = options.noiseSeed ?? 0;
  if (!Number.isInteger(noiseSeed) || noiseSeed < 0) throw new RangeError(`calibrateChip: noiseSeed must be a non-negative integer, got ${noiseSeed}`);
  const settings = { ...(options.settings ?? DEFAULT_MEASUREMENT) };
  const bench = chip.withTrims(undefined).withNoise(Rng.derive(chip.id, `calibration/run${noiseSeed}`));
  const measured = measureChip(bench, settings);
  const [lo, hi] = TRIM_FACTOR_RANGE;
  const values: CalibrationValues = {
    driverAmplitude: Array.from(measured.driverAmplitude, (d) => round(clamp(1 / d, lo, hi), 5)),
    neuronGain: Array.from(measured.neuronGain, (g) => round(clamp(1 / g, lo, hi), 5)),
    neuronOffset: Array.from(measured.neuronOffset, (o) => round(clamp(-o, -TRIM_OFFSET_RANGE, TRIM_OFFSET_RANGE), 3)),
  };
  const body = { chipId: chip.id, formatVersion: CALIBRATION_FORMAT_VERSION, created: (options.created ?? new Date()).toISOString(), settings: { ...settings, noiseSeed }, values };
  return { ...body, checksum: calibrationChecksum(body) };
}

/** Program `cal`'s trims into the chip (after checking it belongs to this chip). */
export function applyCalibration(chip: EmulatedChip, cal: Calibration): EmulatedChip {
  validateCalibration(cal, chip.id);
  return chip.withTrims({
    driverAmplitude: Float32Array.from(cal.values.driverAmplitude),
    neuronGain: Float32Array.from(cal.values.neuronGain),
    neuronOffset: Float32Array.from(cal.values.neuronOffset),
  });
}

/** File text: canonical field order, one array per line. */
export function serializeCalibration(cal: Calibration): string {
  validateCalibration(cal);
  const v = cal.values;
  return [
    '{',
    `  "chipId": ${cal.chipId},`,
    `  "formatVersion": ${cal.formatVersion},`,
    `  "created": ${JSON.stringify(cal.created)},`,
    `  "settings": ${canonicalJson(cal.settings)},`,
    '  "values": {',
    `    "driverAmplitude": ${JSON.stringify(v.driverAmplitude)},`,
    `    "neuronGain": ${JSON.stringify(v.neuronGain)},`,
    `    "neuronOffset": ${JSON.stringify(v.neuronOffset)}`,
    '  },',
    `  "checksum": ${JSON.stringify(cal.checksum)}`,
    '}',
    '',
  ].join('\n');
}

/** Parse and validate a calibration file; `expectedChipId` refuses one made for another chip. */
export function parseCalibration(text: string, expectedChipId?: number): Calibration {
  if (typeof text !== 'string') throw new Error(`calibration file refused: expected text, got ${typeof text}`);
  if (text.length > MAX_CALIBRATION_BYTES) throw new Error(`calibration file refused: ${text.length} characters, a calibration has at most ${MAX_CALIBRATION_BYTES}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`calibration file is not valid JSON (truncated or damaged?): ${(err as Error).message}`);
  }
  return validateCalibration(data, expectedChipId);
}

/** Check shape, version, checksum and (optionally) chip id; returns the calibration typed. */
function validateCalibration(data: unknown, expectedChipId?: number): Calibration {
  const fail = (what: string): never => {
    throw new Error(`calibration file refused: ${what}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('expected a JSON object');
  const cal = data as Record<string, unknown>;
  if (typeof cal.formatVersion !== 'number') fail('field "formatVersion" is missing or not a number');
  if (cal.formatVersion !== CALIBRATION_FORMAT_VERSION) fail(`format version ${cal.formatVersion} is not supported (this build reads version ${CALIBRATION_FORMAT_VERSION})`);
  if (!Number.isInteger(cal.chipId) || (cal.chipId as number) < 0) fail('field "chipId" must be a non-negative integer');
  if (typeof cal.created !== 'string' || Number.isNaN(Date.parse(cal.created))) fail('field "created" must be an ISO date string');
  if (typeof cal.checksum !== 'string') fail('field "checksum" is missing');
  const settings = cal.settings as Record<string, unknown> | undefined;
  if (typeof settings !== 'object' || settings === null) fail('field "settings" is missing');
  for (const key of [...Object.keys(DEFAULT_MEASUREMENT), 'noiseSeed']) {
    if (!Number.isInteger(settings![key])) fail(`settings.${key} must be an integer`);
  }
  const values = cal.values as Record<string, unknown> | undefined;
  if (typeof values !== 'object' || values === null) fail('field "values" is missing');
  const [lo, hi] = TRIM_FACTOR_RANGE;
  const checkArray = (name: keyof CalibrationValues, length: number, min: number, max: number) => {
    const a = values![name];
    if (!Array.isArray(a) || a.length !== length) fail(`values.${name} must be an array of ${length} numbers, got ${Array.isArray(a) ? `${a.length} entries` : typeof a}`);
    const bad = (a as unknown[]).findIndex((v) => typeof v !== 'number' || !(v >= min && v <= max));
    if (bad >= 0) fail(`values.${name}[${bad}] = ${JSON.stringify((a as unknown[])[bad])} is outside the trim range ${min}…${max}`);
  };
  checkArray('driverAmplitude', DRIVER_COUNT, lo, hi);
  checkArray('neuronGain', NEURON_COUNT, lo, hi);
  checkArray('neuronOffset', NEURON_COUNT, -TRIM_OFFSET_RANGE, TRIM_OFFSET_RANGE);
  const typed = cal as unknown as Calibration;
  const expected = calibrationChecksum(typed);
  if (typed.checksum !== expected) fail(`checksum mismatch (file says ${typed.checksum.slice(0, 20)}…, content hashes to ${expected.slice(0, 20)}…): the file was changed or damaged`);
  if (expectedChipId !== undefined && typed.chipId !== expectedChipId) fail(`it was measured on chip ${typed.chipId}, but this session's chip is ${expectedChipId}`);
  return typed;
}

/** Age of a calibration at `now`, in hours. */
export function calibrationAgeHours(cal: Calibration, now: Date = new Date()): number {
  return (now.getTime() - Date.parse(cal.created)) / 3.6e6;
}

interface SpreadReport {
  /** Standard deviation of the per-neuron offsets (LSB). */
  offsetStd: number;
  /** Relative standard deviation of the per-neuron gains and per-driver amplitudes. */
  gainSpread: number;
  driverSpread: number;
  measurement: ChipMeasurement;
}

export interface CalibrationReport {
  chipId: number;
  before: SpreadReport;
  after: SpreadReport;
  /** before / after for each spread (≥ 1 means calibration helped). */
  improvement: { offset: number; gain: number; driver: number };
}

function spreadOf(measurement: ChipMeasurement): SpreadReport {
  return {
    offsetStd: std(measurement.neuronOffset),
    gainSpread: std(measurement.neuronGain) / mean(measurement.neuronGain),
    driverSpread: std(measurement.driverAmplitude) / mean(measurement.driverAmplitude),
    measurement,
  };
}

/**
 * Residual spreads before and after `cal`, each measured on FRESH reads (noise streams unrelated to
 * the calibration run), so the report cannot just echo the calibration's own numbers.
 */
export function calibrationReport(chip: EmulatedChip, cal: Calibration, settings: MeasurementSettings = DEFAULT_MEASUREMENT): CalibrationReport {
  const raw = chip.withTrims(undefined).withNoise(Rng.derive(chip.id, 'calibration/report-before'));
  const calibrated = applyCalibration(chip, cal).withNoise(Rng.derive(chip.id, 'calibration/report-after'));
  const before = spreadOf(measureChip(raw, settings));
  const after = spreadOf(measureChip(calibrated, settings));
  return {
    chipId: chip.id,
    before,
    after,
    improvement: {
      offset: before.offsetStd / after.offsetStd,
      gain: before.gainSpread / after.gainSpread,
      driver: before.driverSpread / after.driverSpread,
    },
  };
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function std(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}

export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
