/**
 * "Does the trained model still work on the chip?" A model trained on the mock is run, forward only, on the
 * emulated chip with and without calibration. Hardware-in-the-loop training absorbs most fixed-pattern errors
 * (the chip is in the loop), but a model moved onto an uncalibrated chip meets them unprepared: this is where
 * calibration shows its worth.
 */
import type { Split } from '../data/types';
import { IMAGE_PIXELS } from '../data/types';
import type { ChipDevice, HagenModel } from '../hagen/types';
import { Rng } from '../random';
import { evaluate } from '../train/evaluate';

type TransferTarget = 'mock' | 'chip, calibrated' | 'chip, uncalibrated';
export interface TransferRow { target: TransferTarget; accuracy: number }

/** The first `count` images of a split (test images are in no particular order, so they are a fair sample). */
export function firstImages(split: Split, count: number): Split {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${count}`);
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * IMAGE_PIXELS), labels: split.labels.subarray(0, n), count: n };
}

/** Accuracy of `model` on the mock and on both chips, on the same test images; the model's own backend is ignored. */
export function transferAccuracy(model: HagenModel, split: Split, devices: { calibrated: ChipDevice; uncalibrated: ChipDevice }, seed: number): TransferRow[] {
  const rng = (target: string) => Rng.derive(seed, `transfer/${target}`);
  return [
    { target: 'mock', accuracy: evaluate({ ...model, backend: 'mock' }, split, { rng: rng('mock') }).accuracy },
    { target: 'chip, calibrated', accuracy: evaluate({ ...model, backend: 'chip' }, split, { rng: rng('chip'), chip: devices.calibrated }).accuracy },
    { target: 'chip, uncalibrated', accuracy: evaluate({ ...model, backend: 'chip' }, split, { rng: rng('chip'), chip: devices.uncalibrated }).accuracy },
  ];
}
