/** The one training entry (lib/train/run.ts): what Node's host and the page's worker both run. */
import { describe, expect, it } from 'vitest';
import { lazyChip, Lazy, LazyChipDevice, chooseCalibration } from '../../lib/chip/session';
import { buildModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';
import type { AugmentThread } from '../../lib/train/helper/thread';
import { runTraining, trainingChip, type TrainingRunOptions } from '../../lib/train/run';
import { trainModel, type TrainOptions, type TrainProgress } from '../../lib/train/train';
import { syntheticDataset } from './synthetic';

const data = syntheticDataset(400, 100);
const small = (seed = 1) => buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: mockParameter(), seed });
const opts = (over: Partial<TrainingRunOptions> = {}): TrainingRunOptions => ({ lr: 0.25, epochs: 2, batchSize: 40, augment: 'none', seed: 3, trainSize: 400, labelNoise: 0, ...over });

async function collect(gen: AsyncIterable<TrainProgress>): Promise<TrainProgress[]> {
  const all: TrainProgress[] = [];
  for await (const p of gen) all.push(p);
  return all;
}
const steps = (all: TrainProgress[]) => all.map((p) => `${p.state} ${p.epoch}:${p.batch} e${p.epochs.length}`);

describe('runTraining', () => {
  it('trains exactly as trainModel; with interval 0 it hands on every value', async () => {
    const direct = await collect(trainModel(small(), data, opts() as TrainOptions));
    const entry = await collect(runTraining(small(), data, opts({ progressIntervalMs: 0 })));
    expect(steps(entry)).toEqual(steps(direct));
    expect(entry.at(-1)!.losses).toEqual(direct.at(-1)!.losses);
    expect(entry.at(-1)!.epochs).toEqual(direct.at(-1)!.epochs.map((e) => ({ ...e, seconds: expect.any(Number) })));
    expect(entry.at(-1)!.model.layers.map((l) => Array.from(l.weight))).toEqual(direct.at(-1)!.model.layers.map((l) => Array.from(l.weight)));
  });

  it('applies the one progress rule: with a clock that never moves, the first batch, every epoch\'s last batch and results, the end', async () => {
    const all = await collect(runTraining(small(), data, opts(), { clock: () => 0 }));
    expect(steps(all)).toEqual(['running 1:1 e0', 'running 1:10 e0', 'running 1:10 e1', 'running 2:10 e1', 'done 2:10 e2']);
    // the stream is cumulative: nothing of the skipped batches is lost
    expect(all.at(-1)!.losses).toHaveLength(20);
  });

  it('awaits the host\'s preparation; a run aborted meanwhile hands on nothing', async () => {
    const order: string[] = [];
    const controller = new AbortController();
    const all = await collect(runTraining(small(), data, opts({ signal: controller.signal }), {
      prepare: async () => { order.push('prepare'); controller.abort(); },
      augmentThread: () => { order.push('thread'); return null; },
    }));
    expect(order).toEqual(['prepare']);
    expect(all).toEqual([]);
  });

  it('stops within one batch on abort (cancelled, handed on at once)', async () => {
    const controller = new AbortController();
    const seen: TrainProgress[] = [];
    for await (const p of runTraining(small(), data, opts({ signal: controller.signal, progressIntervalMs: 1e9 }))) {
      seen.push(p);
      if (seen.length === 1) controller.abort();
    }
    expect(steps(seen)).toEqual(['running 1:1 e0', 'cancelled 1:1 e0']);
  });

  it('asks the host for its helper thread only when the run has work for it', async () => {
    let asked = 0;
    const augmentThread = (): AugmentThread | null => { asked++; return null; };
    const ideal = buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'ideal', mock: mockParameter(), seed: 1 });
    await collect(runTraining(ideal, data, opts({ epochs: 1 }), { augmentThread }));
    expect(asked).toBe(0); // no crops, no mock noise
    await collect(runTraining(small(), data, opts({ epochs: 1 }), { augmentThread }));
    expect(asked).toBe(1); // the mock's noise
  });

  it('builds a chip from its description, given as a description or a described device', () => {
    const chip = lazyChip(1);
    const device = new LazyChipDevice(1, chip, new Lazy(() => chooseCalibration(chip.value, 'none', null)));
    const fromDevice = trainingChip(device)!;
    const fromDescription = trainingChip(device.description)!;
    expect(fromDevice).not.toBe(device);
    expect(fromDevice.id).toBe(1);
    expect(fromDescription.id).toBe(1);
    const x = new Float32Array(4 * 8).fill(3), w = new Float32Array(8 * 2).fill(5);
    expect(fromDescription.mac(x, 4, w, 8, 2, 1)).toEqual(fromDevice.mac(x, 4, w, 8, 2, 1));
    expect(trainingChip(undefined)).toBeUndefined();
  });
});
