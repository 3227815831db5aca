import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IMPERFECTIONS, DRIVER_COUNT, NEURON_COUNT, drawChipPattern, validateImperfections, type Imperfections,
} from '../../lib/chip/imperfections';

const std = (a: Float32Array) => {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};

describe('chip imperfections', () => {
  it('draws the same chip for the same id and a different chip for another id', () => {
    const a = drawChipPattern(1);
    const b = drawChipPattern(1);
    const c = drawChipPattern(2);
    // Byte comparison: toEqual on 131 072 floats is slow.
    for (const key of Object.keys(a) as (keyof typeof a)[]) {
      const [va, vb] = [a[key], b[key]];
      if (va instanceof Float32Array && vb instanceof Float32Array) expect(Buffer.from(va.buffer).equals(Buffer.from(vb.buffer))).toBe(true);
      else expect(va).toBe(vb);
    }
    expect(a.neuronOffset).not.toEqual(c.neuronOffset);
    expect(a.driverAmplitude).not.toEqual(c.driverAmplitude);
    expect(a.baseGain).not.toBe(c.baseGain);
  });

  it('draws spreads matching the table', () => {
    const p = drawChipPattern(11);
    expect(p.driverAmplitude.length).toBe(DRIVER_COUNT);
    expect(p.neuronOffset.length).toBe(NEURON_COUNT);
    expect(std(p.neuronOffset)).toBeGreaterThan(8.5);
    expect(std(p.neuronOffset)).toBeLessThan(11.5);
    expect(std(p.neuronGain)).toBeGreaterThan(0.085);
    expect(std(p.neuronGain)).toBeLessThan(0.115);
    expect(std(p.driverAmplitude)).toBeGreaterThan(0.08);
    expect(std(p.driverAmplitude)).toBeLessThan(0.12);
    expect(std(p.synapseMismatch)).toBeCloseTo(0.03, 2);
    expect(std(p.neuronOffsetTrimError)).toBeGreaterThan(0.85);
    expect(std(p.neuronOffsetTrimError)).toBeLessThan(1.15);
    expect(Math.min(...p.saturation)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...p.saturation)).toBeLessThanOrEqual(127);
    expect(p.baseGain).toBeGreaterThanOrEqual(0.0018);
    expect(p.baseGain).toBeLessThanOrEqual(0.0022);
    // Truncation at 3σ keeps every factor positive.
    expect(Math.min(...p.driverAmplitude)).toBeGreaterThanOrEqual(0.7 - 1e-6);
  });

  it('follows a changed table', () => {
    const quiet: Imperfections = { ...DEFAULT_IMPERFECTIONS, neuronOffset: { uncalibrated: 0, calibrated: 0 } };
    expect(drawChipPattern(1, quiet).neuronOffset.every((v) => v === 0)).toBe(true);
  });

  it('refuses bad tables and chip ids, naming the entry', () => {
    expect(() => validateImperfections({ ...DEFAULT_IMPERFECTIONS, readoutNoise: -1 })).toThrow(/readoutNoise/);
    expect(() => validateImperfections({ ...DEFAULT_IMPERFECTIONS, saturation: { min: 120, max: 110 } })).toThrow(/saturation/);
    expect(() => validateImperfections({ ...DEFAULT_IMPERFECTIONS, linearRange: 110 })).toThrow(/linearRange/);
    expect(() => validateImperfections({ ...DEFAULT_IMPERFECTIONS, neuronGain: { uncalibrated: 0.1, calibrated: Number.NaN } })).toThrow(/neuronGain/);
    expect(() => drawChipPattern(-1)).toThrow(/chipId/);
    expect(() => drawChipPattern(1.5)).toThrow(/chipId/);
  });
});
