import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrateChip } from '../../lib/chip/calibration';
import { createChip } from '../../lib/chip/chip';
import { DEFAULT_IMPERFECTIONS } from '../../lib/chip/imperfections';
import { mockMacForward } from '../../lib/hagen/mac';
import { measureMockParameter, measureMockParameterDetailed, noisePerChunk, torchMedian } from '../../lib/hagen/measure';
import type { MockParameter } from '../../lib/hagen/types';
import { Rng } from '../../lib/random';

const mockMac = (mock: MockParameter, noise: Rng) =>
  (x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number) => mockMacForward(x, batch, w, k, n, numSends, mock, noise);

describe('measureMockParameter', () => {
  it('takes the lower middle value as median, like torch.median', () => {
    expect(torchMedian([4, 1, 3, 2])).toBe(2);
    expect(torchMedian([5, 1, 3])).toBe(3);
  });

  it.each([
    { gain: 0.002, noiseStd: 2 },
    { gain: 0.0015, noiseStd: 1 },
    { gain: 0.003, noiseStd: 4 },
  ])('gives back the mock’s own gain (3 %) and the noise the measurement sees (25 %): %o', (mock) => {
    const measured = measureMockParameter(mockMac(mock, new Rng(5)), new Rng(1));
    expect(Math.abs(measured.gain / mock.gain - 1)).toBeLessThan(0.03);
    // K = 256 is two 128-row chunks, each with its own noise draw and floor: the 50 samples see
    // √(2σ² + 2/12), not σ. hxtorch's own measure_mock_parameter has the same property.
    const seen = Math.sqrt(2 * mock.noiseStd ** 2 + 2 / 12);
    expect(Math.abs(measured.noiseStd / seen - 1)).toBeLessThan(0.25);
  });

  it.each([
    { gain: 0.002, noiseStd: 2 },
    { gain: 0.0015, noiseStd: 1 },
    { gain: 0.003, noiseStd: 4 },
    { gain: 0.002, noiseStd: 0.5 },
  ])('the per-chunk noise estimate gives back the mock’s own noiseStd within 25 %: %o', (mock) => {
    const measured = measureMockParameterDetailed(mockMac(mock, new Rng(5)), new Rng(1));
    expect(measured.chunks).toBe(2);
    expect(Math.abs(measured.noisePerChunk / mock.noiseStd - 1)).toBeLessThan(0.25);
    // hxtorch's value stays what the mock is given: larger by about √2.
    expect(measured.noiseStd / measured.noisePerChunk).toBeGreaterThan(1.3);
  });

  it('noisePerChunk undoes the chunk sum and the rounding, and refuses bad input', () => {
    expect(noisePerChunk(Math.sqrt(2 * (4 + 1 / 12)), 2)).toBeCloseTo(2, 10);
    expect(noisePerChunk(0.2, 2)).toBe(0);
    expect(() => noisePerChunk(-1, 2)).toThrow(/noiseStd must be a finite number ≥ 0/);
    expect(() => noisePerChunk(1, 0)).toThrow(/chunks must be a positive integer/);
  });

  it('measures no noise on a noiseless mock, and a different gain for a different mock', () => {
    const quiet = measureMockParameterDetailed(mockMac({ gain: 0.002, noiseStd: 0 }, new Rng(5)), new Rng(1));
    expect(quiet.noiseStd).toBeLessThan(0.6); // only floor quantisation is left
    expect(quiet.medianOutput).toBeGreaterThan(50);
    expect(quiet.medianOutput).toBeLessThan(80);
    const loud = measureMockParameter(mockMac({ gain: 0.002, noiseStd: 8 }, new Rng(5)), new Rng(1));
    expect(loud.noiseStd).toBeGreaterThan(8);
  });

  it.each([1, 2, 3])('finds the emulated chip’s base gain (chip %i)', (id) => {
    const chip = createChip(id);
    const { min, max } = DEFAULT_IMPERFECTIONS.baseGain;
    for (const device of [chip, applyCalibration(chip, calibrateChip(chip))]) {
      const measured = measureMockParameter(device.mac.bind(device), new Rng(1));
      expect(measured.gain).toBeGreaterThanOrEqual(min);
      expect(measured.gain).toBeLessThanOrEqual(max);
      // Inputs 15.5 are sent as 16: the measured gain carries 16/15.5 on top of the chip's base gain.
      expect(Math.abs(measured.gain / (chip.baseGain * (16 / 15.5)) - 1)).toBeLessThan(0.05);
      // Two readouts of 1.6 LSB plus ADC rounding and mismatch: between 2 and 3 LSB.
      expect(measured.noiseStd).toBeGreaterThan(2);
      expect(measured.noiseStd).toBeLessThan(3);
    }
  });
});
