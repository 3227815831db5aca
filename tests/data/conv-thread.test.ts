/**
 * A model with a convolution in front (lib/hagen/conv.ts) on the second thread: its noise drawn ahead
 * and its test batches shared give exactly the results of training and testing in one thread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { until } from './threadKit';
import type { Dataset } from '../../lib/data/types';
import { fastEngine } from '../../lib/hagen/engine';
import { buildModel } from '../../lib/hagen/model';
import type { HagenEngine, NoiseSupply } from '../../lib/hagen/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { nodeAugmentThread } from '../../lib/host/node';
import { trainModel, type TrainOptions, type TrainProgress } from '../../lib/train/train';

let data: Dataset;
beforeAll(async () => {
  const all = await loadMnistNode();
  // three test batches of 1000: the shared test pass sends some to the thread
  data = { train: all.train, test: { images: all.test.images.subarray(0, 3000 * 784), labels: all.test.labels.subarray(0, 3000), count: 3000 } };
});

const convModel = () => buildModel({ hidden: 32, layers: 1, shift: 1, conv: 8, convKernel: 9, convStride: 3 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 2 });

async function train(over: Partial<TrainOptions>): Promise<TrainProgress> {
  let last!: TrainProgress;
  const opts: TrainOptions = { lr: 0.25, lrSchedule: 'cosine', epochs: 2, batchSize: 100, augment: 'none', seed: 3, trainSize: 6000, labelNoise: 0, ...over };
  for await (const progress of trainModel(convModel(), data, opts)) last = progress;
  return last;
}

describe('a convolution model with the augmentation thread', () => {
  it('trains and tests bit-identically with noise drawn ahead and test batches shared', async () => {
    const here = await train({});
    const thread = nodeAugmentThread();
    await until(() => thread.ready && thread.noiseReady, 'the augmentation thread starting');
    let supplied = 0;
    const engine: HagenEngine = {
      name: 'fast',
      usesNoiseSupply: true,
      forward: (model, x, batch, rng, chip, noise) => fastEngine.forward(model, x, batch, rng, chip, noise),
      trainStep: (model, x, labels, batch, rng, chip, noise) => fastEngine.trainStep(model, x, labels, batch, rng, chip, {
        take: (seed, std, target) => { const taken = noise?.take(seed, std, target) ?? false; if (taken) supplied++; return taken; },
      } satisfies NoiseSupply),
    };
    const shared = await train({ augmentThread: thread, engine });
    expect(here.state).toBe('done');
    expect(shared.losses).toEqual(here.losses);
    expect(shared.epochs.map((e) => [e.testAccuracy, e.confusion])).toEqual(here.epochs.map((e) => [e.testAccuracy, e.confusion]));
    shared.model.layers.forEach((layer, i) => expect([...layer.weight]).toEqual([...here.model.layers[i].weight]));
    expect(supplied).toBeGreaterThan(0); // the thread drew some of the convolution's and dense layers' noise
    expect(here.epochs[1].testAccuracy).toBeGreaterThan(0.2); // and it learns (chance: 0.1): 120 small steps
  }, 120_000);
});
