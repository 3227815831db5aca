import { describe, expect, it } from 'vitest';
import { describeSession, environmentCells, loadChipCalibration } from '../../cells/environment';
import { createChip, type EmulatedChip } from '../../lib/chip/chip';
import type { MockParameter } from '../../lib/hagen/types';
import { calibrationReport } from '../../lib/chip/calibration';
import { mockComparison, spreadRows, weightSweep } from '../../lib/chip/pictures';

const noHost = {};

describe('environment cells', () => {
  it('loads the shipped nightly calibration for chip 1 and refuses it for another chip', async () => {
    const nightly = await loadChipCalibration(createChip(1), 'nightly', noHost);
    expect(nightly.calibration?.chipId).toBe(1);
    const other = await loadChipCalibration(createChip(2), 'nightly', noHost);
    expect(other.calibration).toBeNull();
    expect(other.refused).toMatch(/measured on chip 1, but this session's chip is 2/);
    const viaHost = await loadChipCalibration(createChip(2), 'nightly', { loadCalibration: async () => '{"formatVersion":1' });
    expect(viaHost.refused).toMatch(/not valid JSON/);
    await expect(loadChipCalibration(createChip(1), 'weekly', noHost)).rejects.toThrow(/nightly, fresh, none/);
  });

  it('describes the session with residuals and calibration age', async () => {
    const chip = createChip(1);
    const chipCalibration = await loadChipCalibration(chip, 'fresh', noHost);
    const created = new Date(chipCalibration.calibration!.created);
    const session = describeSession('chip', chip, chipCalibration, new Date(created.getTime() + 2 * 3.6e6));
    expect(session).toMatchObject({ backend: 'chip', chipId: 1, calibrated: true, calibrationSource: 'fresh', refused: null });
    expect(session.calibrationAgeHours).toBeCloseTo(2, 6);
    expect(session.residuals!.offsetLsb[0] / session.residuals!.offsetLsb[1]).toBeGreaterThan(3);
    const none = describeSession('mock', chip, await loadChipCalibration(chip, 'none', noHost));
    expect(none).toMatchObject({ calibrated: false, residuals: null, calibrationAgeHours: null });
  });

  it('wires chip → chipCalibration → chipDevice → measuredMockParameter', async () => {
    const byName = new Map(environmentCells.map((c) => [c.name, c]));
    const chip = byName.get('chip')!.define(1);
    const chipCalibration = await byName.get('chipCalibration')!.define(chip, 'nightly', noHost);
    const device = byName.get('chipDevice')!.define(chip, chipCalibration) as EmulatedChip;
    expect(device.calibrated).toBe(true);
    const measured = byName.get('measuredMockParameter')!.define(device, 1) as MockParameter;
    const again = byName.get('measuredMockParameter')!.define(device, 1);
    expect(measured).toEqual(again);
    expect(measured.gain).toBeGreaterThan(0.0018);
    expect(measured.gain).toBeLessThan(0.0023);
  });
});

describe('picture data', () => {
  it('sweeps neuron responses: linear near zero, saturating at a per-neuron level', () => {
    const chip = createChip(1);
    const sweep = weightSweep(chip, [0, 300], { reads: 4 });
    expect(sweep.weights[0]).toBe(-63);
    expect(sweep.curves).toHaveLength(2);
    for (const curve of sweep.curves) {
      const top = curve.mean[curve.mean.length - 1];
      expect(top).toBeGreaterThan(85);
      expect(top).toBeLessThanOrEqual(127);
      for (let i = 1; i < curve.mean.length; i++) expect(curve.mean[i]).toBeGreaterThan(curve.mean[i - 1] - 4);
    }
    expect(sweep.ideal[sweep.ideal.length - 1]).toBeGreaterThan(127); // the ideal line runs past the ADC
    expect(() => weightSweep(chip, [512])).toThrow(/neuron 512 does not exist/);
  });

  it('turns a report into before/after rows and compares mock parameters', async () => {
    const chip = createChip(1);
    const { calibration } = await loadChipCalibration(chip, 'nightly', noHost);
    const rows = spreadRows(calibrationReport(chip, calibration!));
    expect(rows.map((r) => r.quantity)).toEqual(['neuron offset', 'neuron gain', 'driver amplitude']);
    expect(rows[0].beforeValues).toHaveLength(512);
    expect(rows[2].afterValues).toHaveLength(256);
    for (const row of rows) expect(row.before).toBeGreaterThan(row.after);
    expect(mockComparison({ gain: 0.0021, noiseStd: 2.4 }, { gain: 0.002, noiseStd: 2 })[1].ratio).toBeCloseTo(1.2, 10);
  });
});
