/**
 * Section "Hardware session": the emulated chip for `chipId`, its calibration (shipped nightly file, a
 * fresh run of the routine, or none), the session report, and measure_mock_parameter on that device.
 *
 * Every value here is a lazy handle (lib/chip/session.ts): a reader on backend mock or ideal with the
 * default mock parameters never builds, calibrates or measures the chip. Training on `chip` (through
 * `chipDevice`), mockSource "measured" (through `measuredMockParameter`) or the session display
 * (below, through `sessionReport`) do the work, once per chip and calibration.
 *
 * The parameter `calibration` already names a cell (its value), so the calibration is `chipCalibration`
 * and the device the engine runs on is `chipDevice`. The page's `session` placeholder is the display
 * cell of that name; the data behind it is `sessionReport`.
 */
import nightlyChip1 from '../notebook/calibration/nightly-chip1.json';
import type { EmulatedChip } from '../lib/chip/chip';
import {
  Lazy, LazyChipDevice, MeasuredMockParameter, checkCalibrationSource, chooseCalibration, describeSession, lazyChip,
  type ChipCalibration, type SessionReport,
} from '../lib/chip/session';
import type { CellSpec } from '../lib/runtime/cell';
import { DEFAULT_MOCK } from '../lib/hagen/constants';
import type { HagenModel } from '../lib/hagen/types';
import type { Split } from '../lib/data/types';
import type { Lang } from '../lib/ui/i18n';
import { chipPictures, mockPanel, sessionPanel, type View } from '../lib/ui/sessionPanels';

export { describeSession, type ChipCalibration, type SessionReport } from '../lib/chip/session';

/** Hosts may ship nightly files for more chips; this optional edge is not (yet) part of Host. */
export interface CalibrationHost { loadCalibration?(chipId: number): Promise<string> }

/** The nightly file's text for `chipId` (a failed load is kept as the reason the calibration is refused). */
export async function nightlyText(host: CalibrationHost, chipId: number): Promise<string | Error> {
  try {
    if (typeof host.loadCalibration === 'function') return await host.loadCalibration(chipId);
  } catch (err) {
    return new Error(`the nightly calibration for chip ${chipId} could not be loaded: ${(err as Error).message}`);
  }
  // Until hosts provide loadCalibration, the one shipped file is bundled.
  return JSON.stringify(nightlyChip1);
}

/** The calibration handle of the `chipCalibration` cell: the file is fetched now (cheap), checked or measured on first use. */
export async function loadChipCalibration(chip: Lazy<EmulatedChip>, chipId: number, mode: string, host: CalibrationHost): Promise<Lazy<ChipCalibration>> {
  const source = checkCalibrationSource(mode);
  const text = source === 'nightly' ? await nightlyText(host, chipId) : null;
  return new Lazy(() => chooseCalibration(chip.value, source, text));
}

export const environmentCells: CellSpec[] = [
  // The tfjs backend this host chose (wasm in Node; webgpu / webgl / wasm / cpu in browsers), reported as a value.
  { name: 'tfBackend', inputs: ['host'], define: (host: { tfBackend(): Promise<string> }) => host.tfBackend() },
  { name: 'chip', inputs: ['chipId'], define: (chipId: number) => lazyChip(chipId) },
  {
    name: 'chipCalibration',
    inputs: ['chip', 'chipId', 'calibration', 'host'],
    define: (chip: Lazy<EmulatedChip>, chipId: number, calibration: string, host: CalibrationHost) => loadChipCalibration(chip, chipId, calibration, host),
  },
  {
    name: 'chipDevice',
    inputs: ['chipId', 'chip', 'chipCalibration'],
    define: (chipId: number, chip: Lazy<EmulatedChip>, chipCalibration: Lazy<ChipCalibration>) => new LazyChipDevice(chipId, chip, chipCalibration),
  },
  {
    // Runs only when observed (the session display): it measures the chip before and after calibration.
    name: 'sessionReport',
    inputs: ['backend', 'chip', 'chipCalibration'],
    define: (backend: string, chip: Lazy<EmulatedChip>, chipCalibration: Lazy<ChipCalibration>): SessionReport =>
      describeSession(backend, chip.value, chipCalibration.value),
  },
  {
    name: 'measuredMockParameter',
    inputs: ['chipDevice', 'seed'],
    define: (chipDevice: LazyChipDevice, seed: number) => new MeasuredMockParameter(chipDevice, seed),
  },
  // Display: showing them is what makes the lazy cells above build, calibrate and measure the emulated chip.
  {
    name: 'session',
    inputs: ['sessionReport', 'chipDevice', 'model', 'testSet', 'trainSize', 'viewof calibration', 'tfBackend', 'lang'],
    define: (sessionReport: SessionReport, chipDevice: LazyChipDevice, model: HagenModel, testSet: Split, trainSize: number, viewCalibration: View, tfBackend: string, lang: Lang) =>
      sessionPanel(sessionReport, chipDevice, model, testSet, trainSize, viewCalibration, tfBackend, lang),
  },
  {
    name: 'mockParameters',
    inputs: ['measuredMockParameter', 'lang', 'width'],
    define: (measuredMockParameter: MeasuredMockParameter, lang: Lang, width: number) => mockPanel(measuredMockParameter, DEFAULT_MOCK, lang, width),
  },
  {
    name: 'chipPictures',
    inputs: ['chip', 'chipDevice', 'sessionReport', 'lang', 'width'],
    define: (chip: Lazy<EmulatedChip>, chipDevice: LazyChipDevice, sessionReport: SessionReport, lang: Lang, width: number) =>
      chipPictures(chip.value, chipDevice, sessionReport, lang, width),
  },
];
