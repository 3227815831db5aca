import { describe, expect, it } from 'vitest';
import { EmulatedChip, compressOutput, createChip, lround } from '../../lib/chip/chip';
import { DEFAULT_IMPERFECTIONS, type Imperfections } from '../../lib/chip/imperfections';
import { Rng } from '../../lib/random';

/** A chip without any imperfection or noise: what is left is the chip's rules. */
const PERFECT: Imperfections = {
  ...DEFAULT_IMPERFECTIONS,
  driverAmplitude: { uncalibrated: 0, calibrated: 0 },
  synapseMismatch: 0,
  neuronGain: { uncalibrated: 0, calibrated: 0 },
  neuronOffset: { uncalibrated: 0, calibrated: 0 },
  saturation: { min: 120, max: 120 },
  readoutNoise: 0,
  baseGain: { min: 0.002, max: 0.002 },
};

function randomInputs(rng: Rng, count: number, density: number): Float32Array {
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) if (rng.next() < density) x[i] = 1 + rng.int(31);
  return x;
}

function randomWeights(rng: Rng, count: number, max = 63): Float32Array {
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = rng.int(2 * max + 1) - max;
  return w;
}

describe('emulated chip: encoding and range errors', () => {
  it('rounds half away from zero (lround), unlike the mock', () => {
    expect([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999].map(lround)).toEqual([1, 2, 3, -1, -3, 2]);
  });

  it('refuses inputs outside 0…31 and weights outside −63…63 after rounding', () => {
    const chip = createChip(1);
    const w = new Float32Array(4).fill(1);
    expect(() => chip.mac(new Float32Array([31.5, 0, 0, 0]), 1, w, 4, 1, 1)).toThrow(/input x\[0\] = 31.5 .*0…31/);
    expect(() => chip.mac(new Float32Array([0, -0.5, 0, 0]), 1, w, 4, 1, 1)).toThrow(/input x\[1\]/);
    expect(() => chip.mac(new Float32Array([Number.NaN, 0, 0, 0]), 1, w, 4, 1, 1)).toThrow(/input/);
    expect(() => chip.mac(new Float32Array([31.4, -0.4, 0, 0]), 1, w, 4, 1, 1)).not.toThrow();
    expect(() => chip.mac(new Float32Array(4), 1, new Float32Array([63.5, 0, 0, 0]), 4, 1, 1)).toThrow(/weight w\[0\] = 63.5 .*63/);
    expect(() => chip.mac(new Float32Array(4), 1, new Float32Array([0, 0, 0, -63.5]), 4, 1, 1)).toThrow(/weight w\[3\]/);
    expect(() => chip.mac(new Float32Array(4), 1, new Float32Array([63.4, -63.4, 0, 0]), 4, 1, 1)).not.toThrow();
  });

  it('refuses wrong shapes and send counts', () => {
    const chip = createChip(1);
    expect(() => chip.mac(new Float32Array(3), 1, new Float32Array(4), 4, 1, 1)).toThrow(/x has 3 values/);
    expect(() => chip.mac(new Float32Array(4), 1, new Float32Array(5), 4, 1, 1)).toThrow(/w has 5 values/);
    expect(() => chip.mac(new Float32Array(4), 1, new Float32Array(4), 4, 1, 0)).toThrow(/numSends/);
    expect(() => chip.readBlock(2, new Float32Array(128), 1, new Float32Array(128 * 256), 1)).toThrow(/hemisphere/);
  });
});

describe('emulated chip: analog behaviour', () => {
  it('is deterministic per chip id and differs between ids', () => {
    const rng = new Rng(3);
    const x = randomInputs(rng, 4 * 300, 0.3);
    const w = randomWeights(rng, 300 * 20, 20);
    const a = createChip(5).mac(x, 4, w, 300, 20, 2);
    const b = createChip(5).mac(x, 4, w, 300, 20, 2);
    const c = createChip(6).mac(x, 4, w, 300, 20, 2);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);
  });

  it('draws fresh readout noise on every call from a stream the chip owns', () => {
    const chip = createChip(5);
    const x = new Float32Array(128).fill(10);
    const w = new Float32Array(128 * 8).fill(3);
    expect(chip.mac(x, 1, w, 128, 8, 1)).not.toEqual(chip.mac(x, 1, w, 128, 8, 1));
  });

  it('a perfect chip computes clamp(Σ over 128-row blocks of clamp(round(compress(gain·sends·x·w))))', () => {
    const chip = new EmulatedChip(1, { imperfections: PERFECT });
    const rng = new Rng(9);
    const batch = 3, k = 300, n = 270, sends = 2;
    const x = randomInputs(rng, batch * k, 0.2);
    const w = randomWeights(rng, k * n, 10);
    const y = chip.mac(x, batch, w, k, n, sends);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) {
        // The chip sums in float32, so an exact .5 tie may round either way: allow both there.
        let low = 0;
        let high = 0;
        for (let start = 0; start < k; start += 128) {
          let sum = 0;
          for (let r = start; r < Math.min(k, start + 128); r++) sum += x[b * k + r] * w[r * n + j];
          const v = compressOutput(Math.fround(0.002) * sends * sum, 120, 80);
          const tie = Math.abs(v - Math.floor(v) - 0.5) < 1e-4;
          const clamp8 = (t: number) => Math.max(-128, Math.min(127, t));
          low += clamp8(tie ? Math.floor(v) : Math.round(v));
          high += clamp8(tie ? Math.ceil(v) : Math.round(v));
        }
        const got = y[b * n + j];
        expect(got).toBeGreaterThanOrEqual(Math.max(-128, Math.min(127, low)));
        expect(got).toBeLessThanOrEqual(Math.max(-128, Math.min(127, high)));
      }
    }
  });

  it('sends the vector numSends times: output scales with sends in the linear range', () => {
    const chip = new EmulatedChip(1, { imperfections: PERFECT });
    const x = new Float32Array(128).fill(5);
    const w = new Float32Array(128).fill(1);
    expect(chip.mac(x, 1, w, 128, 1, 1)[0]).toBe(Math.round(0.002 * 640));
    expect(chip.mac(x, 1, w, 128, 1, 20)[0]).toBe(Math.round(0.002 * 640 * 20));
  });

  it('compresses smoothly above |u| = 80 towards the saturation, then clamps', () => {
    expect(compressOutput(80, 110, 80)).toBe(80);
    expect(compressOutput(-50, 110, 80)).toBe(-50);
    const justAbove = compressOutput(80.01, 110, 80);
    expect(justAbove - 80).toBeCloseTo(0.01, 4); // slope 1 at the joint
    expect(compressOutput(500, 110, 80)).toBeLessThan(110);
    expect(compressOutput(500, 110, 80)).toBeGreaterThan(109);
    expect(compressOutput(-500, 110, 80)).toBeCloseTo(-compressOutput(500, 110, 80), 10);
    expect(compressOutput(100, 110, 80)).toBeLessThan(compressOutput(120, 110, 80));
  });

  it('zero inputs send no event: the read is the neuron offset whatever the weights', () => {
    const chip1 = createChip(8);
    const chip2 = createChip(8);
    const x = new Float32Array(2 * 128);
    const a = chip1.mac(x, 2, randomWeights(new Rng(1), 128 * 16), 128, 16, 3);
    const b = chip2.mac(x, 2, randomWeights(new Rng(2), 128 * 16), 128, 16, 3);
    expect(a).toEqual(b);
    const offsets = chip1.pattern.neuronOffset.subarray(0, 16);
    for (let j = 0; j < 16; j++) expect(Math.abs(a[j] - offsets[j])).toBeLessThan(8); // 1.6 LSB noise, 5σ
  });

  it('adds row blocks digitally and clamps the sum', () => {
    const chip = new EmulatedChip(1, { imperfections: PERFECT });
    // Each of the two blocks alone gives ≈ 100 (after compression); the digital sum clamps at 127.
    const x = new Float32Array(256).fill(31);
    const w = new Float32Array(256).fill(13);
    const single = chip.mac(x.subarray(0, 128), 1, w.subarray(0, 128), 128, 1, 1)[0];
    expect(single).toBeGreaterThan(80);
    expect(chip.mac(x, 1, w, 256, 1, 1)[0]).toBe(127);
  });
});

describe('emulated chip: time model', () => {
  const { waitBetweenEvents, cycleSeconds, overheadSecondsPerRun } = DEFAULT_IMPERFECTIONS;
  const event = waitBetweenEvents * cycleSeconds;

  it('one block: non-zero inputs × sends × 40 ns + 30 µs per vector', () => {
    const chip = createChip(1);
    const x = new Float32Array(2 * 100);
    x.fill(7, 0, 30); // vector 0: 30 events
    x[150] = 0.4; // rounds to 0: no event
    x[151] = 0.5; // rounds to 1: one event
    expect(chip.chipTimeSeconds(x, 2, 100, 3)).toBeCloseTo((30 * 3 + 1 * 3) * event + 2 * overheadSecondsPerRun, 15);
    expect(event).toBeCloseTo(40e-9, 15);
  });

  it('several blocks: pairs of blocks run at once, the busier hemisphere sets the pace', () => {
    const chip = createChip(1);
    const x = new Float32Array(784);
    x.fill(1, 0, 10); // block 0 (hemisphere 0): 10
    x.fill(1, 128, 128 + 50); // block 1 (hemisphere 1): 50 → run 0 takes 50
    x.fill(1, 256, 256 + 5); // block 2: 5, block 3: 0 → run 1 takes 5
    x.fill(1, 768, 784); // block 6 (alone in run 3): 16
    const runs = 4;
    expect(chip.chipTimeSeconds(x, 1, 784, 2)).toBeCloseTo((50 + 5 + 0 + 16) * 2 * event + runs * overheadSecondsPerRun, 15);
  });
});
