/**
 * Node's in-process training and the page's training worker run the same entry (lib/train/run.ts): for the
 * same run they hand on the same progress stream (the one progress rule), with the same numbers.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../lib/hagen/model';
import { createNodeHost } from '../../lib/host/node';
import type { TransferableTrainOptions } from '../../lib/host/worker';
import type { TrainProgress } from '../../lib/train/train';
import { syntheticDataset } from '../train/synthetic';
import { trainThroughWorker } from './fakeWorker';

const data = syntheticDataset(400, 100);
const model = () => buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 5 });
// A minute between running values: only what the rule always keeps, so the stream does not depend on speed.
const opts = { lr: 0.25, epochs: 2, batchSize: 40, augment: 'crop' as const, seed: 3, trainSize: 400, labelNoise: 0, progressIntervalMs: 60_000 };
const steps = (all: TrainProgress[]) => all.map((p) => `${p.state} ${p.epoch}:${p.batch} e${p.epochs.length}`);

async function inWorker(): Promise<TrainProgress[]> {
  const messages = await trainThroughWorker({ type: 'train', runId: 1, data, model: model(), opts: opts satisfies TransferableTrainOptions });
  let weights = null as TrainProgress['model'] | null;
  return messages.flatMap((m) => {
    if (m.type !== 'progress') return [];
    weights = m.progress.model ?? weights;
    return [{ ...m.progress, model: weights! }];
  });
}

async function inNode(): Promise<TrainProgress[]> {
  const host = createNodeHost({ loadDataset: async () => data, tfBackend: 'cpu' });
  const all: TrainProgress[] = [];
  for await (const progress of host.runTraining(model(), data, opts)) all.push(progress);
  return all;
}

describe('one training entry, one progress rule', () => {
  it('the worker and the Node host hand on the same stream with the same numbers', async () => {
    const worker = await inWorker();
    const node = await inNode();
    expect(steps(worker)).toEqual(['running 1:1 e0', 'running 1:10 e0', 'running 1:10 e1', 'running 2:10 e1', 'done 2:10 e2']);
    expect(steps(node)).toEqual(steps(worker));
    expect(node.at(-1)!.losses).toEqual(worker.at(-1)!.losses);
    expect(node.at(-1)!.epochs.map((e) => e.testAccuracy)).toEqual(worker.at(-1)!.epochs.map((e) => e.testAccuracy));
    expect(Array.from(node.at(-1)!.model.layers[0].weight)).toEqual(Array.from(worker.at(-1)!.model.layers[0].weight));
  }, 60_000);

  it('the Node host refuses a progress interval that is not a number of milliseconds ≥ 0', () => {
    expect(() => createNodeHost({ progressIntervalMs: -5 })).toThrow(/progressIntervalMs must be a finite number of milliseconds ≥ 0/);
  });
});
