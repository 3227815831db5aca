/**
 * Section "Hardware session": the emulated chip for `chipId`, its calibration (shipped nightly file, a
 * fresh run of the routine, or none), the session summary, and measure_mock_parameter on that device.
 *
 * The parameter `calibration` already names a cell (its value), so the calibration object is
 * `chipCalibration` and the device the engine runs on is `chipDevice`.
 */
import nightlyChip1 from '../notebook/calibration/nightly-chip1.json';
import {
  applyCalibration, calibrateChip, calibrationAgeHours, calibrationReport, parseCalibration, type Calibration,
} from '../lib/chip/calibration';
import { createChip, type EmulatedChip } from '../lib/chip/chip';
import { measureMockParameterDetailed, type MockMeasurement } from '../lib/hagen/measure';
import { Rng } from '../lib/random';
import type { CellSpec } from '../lib/runtime/cell';

/** Hosts may ship nightly files for more chips; this optional edge is not (yet) part of Host. */
interface CalibrationHost { loadCalibration?(chipId: number): Promise<string> }

export interface ChipCalibration {
  source: 'nightly' | 'fresh' | 'none';
  calibration: Calibration | null;
  /** Why a requested calibration is not applied (e.g. the nightly file is for another chip). */
  refused?: string;
}

export interface Session {
  backend: string;
  chipId: number;
  calibrated: boolean;
  calibrationSource: ChipCalibration['source'];
  calibrationCreated: string | null;
  calibrationAgeHours: number | null;
  refused: string | null;
  /** Residual spreads on fresh reads, before → after (null when uncalibrated). */
  residuals: { offsetLsb: [number, number]; gain: [number, number]; driver: [number, number] } | null;
}

async function nightlyText(host: CalibrationHost, chipId: number): Promise<string> {
  if (typeof host.loadCalibration === 'function') return host.loadCalibration(chipId);
  // Until hosts provide loadCalibration, the one shipped file is bundled.
  return JSON.stringify(nightlyChip1);
}

export async function loadChipCalibration(chip: EmulatedChip, mode: string, host: CalibrationHost): Promise<ChipCalibration> {
  switch (mode) {
    case 'none':
      return { source: 'none', calibration: null };
    case 'fresh':
      return { source: 'fresh', calibration: calibrateChip(chip) };
    case 'nightly':
      try {
        return { source: 'nightly', calibration: parseCalibration(await nightlyText(host, chip.id), chip.id) };
      } catch (err) {
        return { source: 'nightly', calibration: null, refused: `${(err as Error).message} — the chip runs uncalibrated; choose calibration "fresh" to measure it now` };
      }
    default:
      throw new RangeError(`calibration must be one of nightly, fresh, none; got ${JSON.stringify(mode)}`);
  }
}

export function describeSession(backend: string, chip: EmulatedChip, chipCalibration: ChipCalibration, now = new Date()): Session {
  const cal = chipCalibration.calibration;
  const report = cal ? calibrationReport(chip, cal) : null;
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
  };
}

export const environmentCells: CellSpec[] = [
  { name: 'chip', inputs: ['chipId'], define: (chipId: number) => createChip(chipId) },
  {
    name: 'chipCalibration',
    inputs: ['chip', 'calibration', 'host'],
    define: (chip: EmulatedChip, calibration: string, host: CalibrationHost) => loadChipCalibration(chip, calibration, host),
  },
  {
    name: 'chipDevice',
    inputs: ['chip', 'chipCalibration'],
    define: (chip: EmulatedChip, chipCalibration: ChipCalibration) =>
      chipCalibration.calibration ? applyCalibration(chip, chipCalibration.calibration) : chip,
  },
  {
    name: 'session',
    inputs: ['backend', 'chip', 'chipCalibration'],
    define: (backend: string, chip: EmulatedChip, chipCalibration: ChipCalibration) => describeSession(backend, chip, chipCalibration),
  },
  {
    name: 'measuredMockParameter',
    inputs: ['chipDevice', 'seed'],
    define: (chipDevice: EmulatedChip, seed: number): MockMeasurement => {
      // Its own readout-noise stream, so the result does not depend on what ran on the chip before.
      const bench = chipDevice.withNoise(Rng.derive(seed, 'measure-mock-parameter/readout'));
      return measureMockParameterDetailed(bench.mac.bind(bench), Rng.derive(seed, 'measure-mock-parameter'));
    },
  },
];
