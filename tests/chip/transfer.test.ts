import { beforeAll, describe, expect, it } from 'vitest';
import { applyCalibration, calibrateChip } from '../../lib/chip/calibration';
import { EmulatedChip } from '../../lib/chip/chip';
import { firstImages, transferAccuracy } from '../../lib/chip/transfer';
import type { Dataset } from '../../lib/data/types';
import { DEFAULT_MOCK } from '../../lib/hagen/constants';
import { buildModel } from '../../lib/hagen/model';
import type { HagenModel } from '../../lib/hagen/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { trainModel } from '../../lib/train/train';

let data: Dataset;
let trained: HagenModel;

beforeAll(async () => {
  data = await loadMnistNode();
  const model = buildModel({ hidden: 256, layers: 1, shift: 1 }, { backend: 'mock', mock: DEFAULT_MOCK, seed: 3 });
  let last: HagenModel = model;
  for await (const p of trainModel(model, data, { lr: 0.25, epochs: 2, batchSize: 200, augment: 'none', seed: 3, trainSize: 6000, labelNoise: 0 })) {
    if (p.state === 'error') throw new Error(p.error);
    last = p.model;
  }
  trained = last;
});

describe('a mock-trained model moved onto the emulated chip', () => {
  it('keeps its accuracy on the calibrated chip and loses much of it on the uncalibrated one', () => {
    const chip = new EmulatedChip(1);
    const calibrated = applyCalibration(chip, calibrateChip(chip));
    const rows = transferAccuracy(trained, firstImages(data.test, 500), { calibrated, uncalibrated: chip }, 1);
    expect(rows.map((r) => r.target)).toEqual(['mock', 'chip, calibrated', 'chip, uncalibrated']);
    const [mock, cal, uncal] = rows.map((r) => r.accuracy);
    expect(mock).toBeGreaterThan(0.7);
    expect(Math.abs(cal - mock)).toBeLessThan(0.08);
    expect(uncal).toBeLessThan(cal - 0.1);
  });

  it('refuses a bad image count', () => {
    expect(() => firstImages(data.test, 0)).toThrow(/count must be a whole number ≥ 1, got 0/);
  });
});
