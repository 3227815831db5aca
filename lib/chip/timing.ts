/**
 * "Chip time" beside wall-clock time: how long the (emulated) chip itself would be busy according to
 * its time model, next to how long this computer took to emulate it.
 */
import { resolveEngine } from '../hagen/engine';
import type { ChipDevice, HagenModel } from '../hagen/types';
import type { Split } from '../data/types';
import { imagesToInput } from '../train/evaluate';
import type { EmulatedChip } from './chip';

interface ForwardTiming {
  batch: number;
  /** Modelled chip time of the forward pass (all layers' MACs). */
  chipSeconds: number;
  /** Wall-clock time of the whole emulated forward pass on this machine. */
  wallSeconds: number;
}

/** A device that forwards to `chip` and adds up the time model of every MAC it runs. */
function timedDevice(chip: EmulatedChip): ChipDevice & { chipSeconds: number } {
  const device = {
    id: chip.id,
    calibrated: chip.calibrated,
    chipSeconds: 0,
    mac(x: Float32Array, batch: number, w: Float32Array, k: number, n: number, numSends: number): Float32Array {
      device.chipSeconds += chip.chipTimeSeconds(x, batch, k, numSends, n);
      return chip.mac(x, batch, w, k, n, numSends);
    },
    chipTimeSeconds: (x: Float32Array, batch: number, k: number, numSends: number) => chip.chipTimeSeconds(x, batch, k, numSends),
  };
  return device;
}

/** One forward pass of the first `batch` images of `split` through `model` on `chip`. */
export function timeForward(model: HagenModel, split: Split, batch: number, chip: EmulatedChip): ForwardTiming {
  if (!Number.isInteger(batch) || batch < 1 || batch > split.count) throw new RangeError(`timeForward: batch must be an integer from 1 to ${split.count}, got ${batch}`);
  const device = timedDevice(chip);
  const x = imagesToInput(split.images.subarray(0, batch * 784));
  const started = performance.now();
  resolveEngine(undefined).forward({ ...model, backend: 'chip' }, x, batch, null, device);
  return { batch, chipSeconds: device.chipSeconds, wallSeconds: (performance.now() - started) / 1000 };
}

interface EpochTiming {
  /** Chip time of one epoch's forward passes (training images + test set); the backward pass runs on the host. */
  chipSeconds: number;
  /** Wall-clock estimate from the measured forward (forward only; a real epoch adds the backward pass). */
  wallSecondsEstimate: number;
}

/** Scale a forward timing to an epoch of `trainImages` + `testImages` forward passes. */
export function epochTiming(forward: ForwardTiming, trainImages: number, testImages: number): EpochTiming {
  const perImage = (seconds: number) => seconds / forward.batch;
  const images = trainImages + testImages;
  return { chipSeconds: perImage(forward.chipSeconds) * images, wallSecondsEstimate: perImage(forward.wallSeconds) * images };
}
