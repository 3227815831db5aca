import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyCalibration, calibrateChip, calibrationChecksum, calibrationReport, parseCalibration, serializeCalibration,
  type Calibration,
} from '../../lib/chip/calibration';
import { canonicalJson, sha256Hex } from '../../lib/chip/checksum';
import { createChip } from '../../lib/chip/chip';

const chip1 = createChip(1);
const cal1 = calibrateChip(chip1, { created: new Date('2025-01-02T03:04:05Z') });
const text1 = serializeCalibration(cal1);

/** Re-sign an edited calibration so that only the edit (not the checksum) is wrong. */
function resign(cal: Calibration): Calibration {
  const { checksum: _old, ...body } = cal;
  return { ...body, checksum: calibrationChecksum(body) };
}

describe('checksum', () => {
  it('is SHA-256 (known vectors) over canonical JSON', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
    expect(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":2}]}');
  });
});

describe('calibration routine', () => {
  it.each([1, 2, 3])('reduces offset and gain spread at least 3× on fresh reads (chip %i)', (id) => {
    const chip = id === 1 ? chip1 : createChip(id);
    const report = calibrationReport(chip, id === 1 ? cal1 : calibrateChip(chip));
    expect(report.before.offsetStd).toBeGreaterThan(8);
    expect(report.after.offsetStd).toBeLessThan(1.4);
    expect(report.improvement.offset).toBeGreaterThanOrEqual(3);
    expect(report.improvement.gain).toBeGreaterThanOrEqual(3);
    expect(report.improvement.driver).toBeGreaterThanOrEqual(3);
    expect(report.after.gainSpread).toBeLessThan(0.04);
    expect(report.after.driverSpread).toBeLessThan(0.03);
  });

  it('is reproducible for the same chip and noise seed, and different for another seed', () => {
    const again = calibrateChip(createChip(1), { created: new Date('2025-01-02T03:04:05Z') });
    expect(again).toEqual(cal1);
    expect(calibrateChip(chip1, { noiseSeed: 1 }).values.neuronOffset).not.toEqual(cal1.values.neuronOffset);
  });

  it('measures from the untrimmed state even when given a calibrated chip', () => {
    const recal = calibrateChip(applyCalibration(chip1, cal1), { created: new Date('2025-01-02T03:04:05Z') });
    expect(recal.values).toEqual(cal1.values);
  });

  it('gives a calibrated ChipDevice with the same id', () => {
    const device = applyCalibration(chip1, cal1);
    expect(device.calibrated).toBe(true);
    expect(device.id).toBe(1);
    expect(chip1.calibrated).toBe(false);
  });
});

describe('calibration files', () => {
  it('round-trips through text', () => {
    expect(parseCalibration(text1, 1)).toEqual(cal1);
  });

  it('refuses a calibration for another chip id', () => {
    expect(() => parseCalibration(text1, 2)).toThrow(/measured on chip 1, but this session's chip is 2/);
    expect(() => applyCalibration(createChip(2), cal1)).toThrow(/chip 1.*chip is 2/);
  });

  it('refuses another format version', () => {
    const v2 = resign({ ...cal1, formatVersion: 2 });
    expect(() => parseCalibration(JSON.stringify(v2), 1)).toThrow(/format version 2 is not supported/);
  });

  it('refuses a bad checksum', () => {
    const edited = { ...cal1, values: { ...cal1.values, neuronOffset: cal1.values.neuronOffset.map((v, i) => (i === 7 ? v + 1 : v)) } };
    expect(() => parseCalibration(JSON.stringify(edited), 1)).toThrow(/checksum mismatch/);
    expect(() => parseCalibration(text1.replace('"created": "2025', '"created": "2024'), 1)).toThrow(/checksum mismatch/);
  });

  it('refuses a truncated file', () => {
    expect(() => parseCalibration(text1.slice(0, text1.length / 2), 1)).toThrow(/not valid JSON \(truncated/);
    expect(() => parseCalibration('', 1)).toThrow(/not valid JSON/);
  });

  it('refuses a wrong shape, naming the field', () => {
    const short = resign({ ...cal1, values: { ...cal1.values, neuronGain: cal1.values.neuronGain.slice(1) } });
    expect(() => parseCalibration(JSON.stringify(short), 1)).toThrow(/values.neuronGain must be an array of 512 numbers, got 511 entries/);
    const outOfRange = resign({ ...cal1, values: { ...cal1.values, driverAmplitude: cal1.values.driverAmplitude.map((v, i) => (i === 3 ? 5 : v)) } });
    expect(() => parseCalibration(JSON.stringify(outOfRange), 1)).toThrow(/driverAmplitude\[3\] = 5 is outside the trim range/);
    expect(() => parseCalibration('[1,2,3]', 1)).toThrow(/expected a JSON object/);
    const { values: _values, ...noValues } = cal1;
    expect(() => parseCalibration(JSON.stringify(noValues), 1)).toThrow(/"values" is missing/);
    expect(() => parseCalibration(JSON.stringify({ ...cal1, chipId: 'one' }), 1)).toThrow(/chipId/);
  });

  it('ships a valid nightly calibration for chip 1 that the routine reproduces (except "created")', () => {
    const shipped = parseCalibration(readFileSync(new URL('../../notebook/calibration/nightly-chip1.json', import.meta.url), 'utf8'), 1);
    const fresh = calibrateChip(createChip(1), { noiseSeed: shipped.settings.noiseSeed, created: new Date(shipped.created) });
    expect(fresh).toEqual(shipped);
  });
});
