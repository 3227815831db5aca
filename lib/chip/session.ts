/**
 * The hardware session of the environment section as lazy, memoised handles: building the emulated
 * chip, calibrating it and running measure_mock_parameter cost time, and a reader on backend mock or
 * ideal with the default mock parameters needs none of it. The cells hand these handles on; the work
 * happens the first time something asks for a value (training on `chip`, mockSource "measured", or the
 * session display), and only once.
 */
import { measureMockParameterDetailed, type MockMeasurement } from '../hagen/measure';
import type { MockParameter } from '../hagen/types';
import { Rng } from '../random';
import {
  applyCalibration, calibrateChip, calibrationAgeHours, calibrationReport, parseCalibration, serializeCalibration,
  type Calibration, type CalibrationReport,
} from './calibration';
import { EmulatedChip } from './chip';
import type { ChipDescription, DescribedChipDevice, ImperfectionOverrides } from './description';
import { imperfectionsWith } from './description';

/** A value computed on first use, then kept (a failure is kept too: asking again gives the same error). */
export class Lazy<T> {
  private state: { done: false } | { done: true; value: T } | { done: true; error: unknown } = { done: false };
  constructor(private readonly compute: () => T) {}

  get value(): T {
    if (!this.state.done) {
      try {
        this.state = { done: true, value: this.compute() };
      } catch (error) {
        this.state = { done: true, error };
      }
    }
    if ('error' in this.state) throw this.state.error;
    return this.state.value;
  }

  /** Whether the work has been done (for displays that only show what exists). */
  get computed(): boolean {
    return this.state.done;
  }
}

type CalibrationSource = 'nightly' | 'fresh' | 'none';
const CALIBRATION_SOURCES: readonly CalibrationSource[] = ['nightly', 'fresh', 'none'];

export interface ChipCalibration {
  source: CalibrationSource;
  calibration: Calibration | null;
  /** Why a requested calibration is not applied (e.g. the nightly file is for another chip). */
  refused?: string;
}

export function checkCalibrationSource(mode: string): CalibrationSource {
  if (!(CALIBRATION_SOURCES as readonly string[]).includes(mode)) {
    throw new RangeError(`calibration must be one of ${CALIBRATION_SOURCES.join(', ')}; got ${JSON.stringify(mode)}`);
  }
  return mode as CalibrationSource;
}

/**
 * The calibration for `chip` from `source`. A nightly file that does not fit (another chip, version,
 * checksum, truncated) is refused with the reason, and the chip runs uncalibrated.
 */
export function chooseCalibration(chip: EmulatedChip, source: CalibrationSource, nightlyText: string | Error | null): ChipCalibration {
  switch (source) {
    case 'none':
      return { source, calibration: null };
    case 'fresh':
      return { source, calibration: calibrateChip(chip) };
    case 'nightly':
      try {
        if (nightlyText === null) throw new Error('no nightly calibration file was loaded');
        if (nightlyText instanceof Error) throw nightlyText;
        return { source, calibration: parseCalibration(nightlyText, chip.id) };
      } catch (err) {
        return { source, calibration: null, refused: `${(err as Error).message} — the chip runs uncalibrated; choose calibration "fresh" to measure it now` };
      }
  }
}

/** The raw chip `chipId` (with imperfection overrides), built on first use. */
export function lazyChip(chipId: number, overrides?: ImperfectionOverrides): Lazy<EmulatedChip> {
  if (!Number.isInteger(chipId) || chipId < 0) throw new RangeError(`chipId must be a non-negative integer, got ${chipId}`);
  const imperfections = overrides ? imperfectionsWith(overrides) : undefined;
  return new Lazy(() => new EmulatedChip(chipId, { imperfections }));
}

/**
 * The device training runs on: `chip` with `calibration` programmed, built on first use. It also
 * describes itself (chipFromDescription rebuilds it wherever training runs).
 */
export class LazyChipDevice implements DescribedChipDevice {
  private readonly device: Lazy<EmulatedChip>;
  private readonly describe: Lazy<ChipDescription>;

  constructor(
    readonly id: number,
    private readonly chip: Lazy<EmulatedChip>,
    private readonly calibration: Lazy<ChipCalibration>,
    private readonly overrides?: ImperfectionOverrides,
  ) {
    this.device = new Lazy(() => {
      const { calibration: cal } = calibration.value;
      return cal ? applyCalibration(chip.value, cal) : chip.value;
    });
    this.describe = new Lazy(() => {
      const { calibration: cal } = calibration.value;
      return { chipId: id, calibration: cal ? serializeCalibration(cal) : 'none', ...(overrides ? { imperfections: overrides } : {}) };
    });
  }

  /** The calibrated (or raw) EmulatedChip; builds it on first use. */
  get emulated(): EmulatedChip {
    return this.device.value;
  }

  get built(): boolean {
    return this.device.computed;
  }

  get calibrated(): boolean {
    return this.device.value.calibrated;
  }

  get description(): ChipDescription {
    return this.describe.value;
  }

  mac(x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number): Float32Array {
    return this.device.value.mac(x, batch, w, k, n, numSends);
  }

  chipTimeSeconds(x: Float32Array, batch: number, k: number, numSends: number): number {
    return this.device.value.chipTimeSeconds(x, batch, k, numSends);
  }
}

/** measure_mock_parameter on `chip` with its own noise streams from `seed`, so the result does not depend on what ran before. */
function measureOnChip(chip: EmulatedChip, seed: number): MockMeasurement {
  const bench = chip.withNoise(Rng.derive(seed, 'measure-mock-parameter/readout'));
  return measureMockParameterDetailed(bench.mac.bind(bench), Rng.derive(seed, 'measure-mock-parameter'));
}

/**
 * The MockParameter measured on the session's chip; reading `gain` or `noiseStd` (or `measurement`)
 * runs the measurement once. So the model section may hold it and only pays when mockSource is "measured".
 */
export class MeasuredMockParameter implements MockParameter {
  private readonly result: Lazy<MockMeasurement>;

  constructor(device: LazyChipDevice, seed: number) {
    this.result = new Lazy(() => measureOnChip(device.emulated, seed));
  }

  get measurement(): MockMeasurement {
    return this.result.value;
  }

  get measured(): boolean {
    return this.result.computed;
  }

  get gain(): number {
    return this.result.value.gain;
  }

  get noiseStd(): number {
    return this.result.value.noiseStd;
  }

  toJSON(): MockParameter {
    return { noiseStd: this.noiseStd, gain: this.gain };
  }
}

export interface SessionReport {
  backend: string;
  chipId: number;
  calibrated: boolean;
  calibrationSource: CalibrationSource;
  calibrationCreated: string | null;
  calibrationAgeHours: number | null;
  refused: string | null;
  /** Residual spreads on fresh reads, before → after (null when uncalibrated). */
  residuals: { offsetLsb: [number, number]; gain: [number, number]; driver: [number, number] } | null;
  /** The full before/after measurement behind `residuals` (for the spread pictures). */
  report: CalibrationReport | null;
}

/** Reports already measured, per calibration (switching the backend does not measure the chip again). */
const reports = new WeakMap<Calibration, { chip: EmulatedChip; report: CalibrationReport }>();

function reportFor(chip: EmulatedChip, cal: Calibration): CalibrationReport {
  const cached = reports.get(cal);
  if (cached?.chip === chip) return cached.report;
  const report = calibrationReport(chip, cal);
  reports.set(cal, { chip, report });
  return report;
}

export function describeSession(backend: string, chip: EmulatedChip, chipCalibration: ChipCalibration, now = new Date()): SessionReport {
  const cal = chipCalibration.calibration;
  const report = cal ? reportFor(chip, cal) : null;
  return {
    backend,
    chipId: chip.id,
    calibrated: cal !== null,
    calibrationSource: chipCalibration.source,
    calibrationCreated: cal?.created ?? null,
    calibrationAgeHours: cal ? calibrationAgeHours(cal, now) : null,
    refused: chipCalibration.refused ?? null,
    residuals: report && {
      offsetLsb: [report.before.offsetStd, report.after.offsetStd],
      gain: [report.before.gainSpread, report.after.gainSpread],
      driver: [report.before.driverSpread, report.after.driverSpread],
    },
    report,
  };
}
