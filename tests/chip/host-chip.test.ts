import { describe, expect, it } from 'vitest';
import nightlyChip1 from '../../notebook/calibration/nightly-chip1.json';
import { lazyChip, Lazy, LazyChipDevice, chooseCalibration } from '../../lib/chip/session';
import type { Dataset, Split } from '../../lib/data/types';
import { buildModel } from '../../lib/hagen/model';
import { createNodeHost } from '../../lib/host/node';
import type { FromWorker, TransferableTrainOptions } from '../../lib/host/worker';
import { trainThroughWorker } from '../host/fakeWorker';
import { Rng } from '../../lib/random';
import type { TrainProgress } from '../../lib/train/train';

function randomSplit(rng: Rng, count: number): Split {
  const images = new Uint8Array(count * 784).map(() => (rng.next() < 0.15 ? 1 : 0));
  const labels = new Uint8Array(count).map(() => rng.int(10));
  return { images, labels, count };
}

const data: Dataset = { train: randomSplit(new Rng(1), 40), test: randomSplit(new Rng(2), 20) };
const opts = { lr: 0.25, epochs: 1, batchSize: 20, augment: 'none' as const, seed: 3, trainSize: 40, labelNoise: 0 };

function chipDevice(chipId: number, source: 'nightly' | 'none'): LazyChipDevice {
  const chip = lazyChip(chipId);
  const nightly = JSON.stringify(nightlyChip1);
  return new LazyChipDevice(chipId, chip, new Lazy(() => chooseCalibration(chip.value, source, nightly)));
}

/** Run one training through the worker protocol with a fake worker scope; the chip goes as its description. */
async function trainInWorker(device: LazyChipDevice): Promise<TrainProgress> {
  const messages = await trainThroughWorker({
    type: 'train', runId: 1, data,
    model: buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'chip', mock: { gain: 0.002, noiseStd: 2 }, seed: 1 }),
    opts: { ...opts, chip: device.description } satisfies TransferableTrainOptions,
  });
  const progress = messages.filter((m) => m.type === 'progress').at(-1)!;
  return (progress as Extract<FromWorker, { type: 'progress' }>).progress as TrainProgress;
}

async function trainInNode(device: LazyChipDevice): Promise<TrainProgress> {
  const host = createNodeHost({ loadDataset: async () => data });
  let last: TrainProgress | null = null;
  const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'chip', mock: { gain: 0.002, noiseStd: 2 }, seed: 1 });
  for await (const progress of host.runTraining(model, data, { ...opts, chip: device })) last = progress;
  return last!;
}

describe('hardware-in-the-loop training through a chip description', () => {
  it('the worker rebuilds the chip and trains exactly like the Node host', async () => {
    const viaWorker = await trainInWorker(chipDevice(1, 'nightly'));
    const viaNode = await trainInNode(chipDevice(1, 'nightly'));
    expect(viaWorker.state).toBe('done');
    expect(viaWorker.epochs[0].backend).toBe('chip');
    expect(viaWorker.losses).toEqual(viaNode.losses);
    expect(viaWorker.epochs[0].testAccuracy).toBe(viaNode.epochs[0].testAccuracy);
  });

  it('another chip (or no calibration) trains differently; a broken description fails the run with its reason', async () => {
    const nightly = await trainInWorker(chipDevice(1, 'nightly'));
    const uncalibrated = await trainInWorker(chipDevice(1, 'none'));
    expect(uncalibrated.losses).not.toEqual(nightly.losses);
    const bad = chipDevice(1, 'nightly');
    Object.defineProperty(bad, 'description', { value: { chipId: 2, calibration: bad.description.calibration } });
    await expect(trainInWorker(bad)).rejects.toThrow(/measured on chip 1, but this session's chip is 2/);
  });
});
