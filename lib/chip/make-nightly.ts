/**
 * Writes the shipped "nightly" calibration of the default emulated chip:
 *   npx tsx lib/chip/make-nightly.ts [chipId]   → notebook/calibration/nightly-chip<id>.json
 * The values depend only on the chip id and noise seed 0, so re-running changes only `created`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../host/node-files';
import { paramSpec } from '../params';
import { calibrateChip, calibrationReport, nightlyCalibrationPath, serializeCalibration } from './calibration';
import { createChip } from './chip';

function nightlyPath(chipId: number): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'notebook', nightlyCalibrationPath(chipId));
}

const chipId = Number(process.argv[2] ?? paramSpec('chipId').default);
if (!Number.isInteger(chipId) || chipId < 0) throw new RangeError(`make-nightly: chip id must be a non-negative integer, got ${process.argv[2]}`);
const chip = createChip(chipId);
const calibration = calibrateChip(chip, { noiseSeed: 0 });
// Whole or not at all: the site ships this file, a half-written one would be refused by every reader.
await writeFileAtomic(nightlyPath(chipId), serializeCalibration(calibration));
const report = calibrationReport(chip, calibration);
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
console.log(`wrote ${nightlyPath(chipId)}`);
console.log(`offset spread ${report.before.offsetStd.toFixed(2)} → ${report.after.offsetStd.toFixed(2)} LSB, ` +
  `gain spread ${pct(report.before.gainSpread)} → ${pct(report.after.gainSpread)}, driver spread ${pct(report.before.driverSpread)} → ${pct(report.after.driverSpread)}`);
