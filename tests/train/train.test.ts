import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, cloneModel } from '../../lib/hagen/model';
import { mockParameter } from '../../lib/hagen/mockParameter';
import { tfjsEngine } from '../../lib/hagen/tfjsEngine';
import type { Backend, HagenEngine } from '../../lib/hagen/types';
import type { AugmentThread } from '../../lib/train/helper/thread';
import { nodeAugmentThread } from '../../lib/host/node';
import { evaluate } from '../../lib/train/evaluate';
import { trainModel, type TrainOptions, type TrainProgress } from '../../lib/train/train';
import { useWasmBackend } from '../hagen/tfSetup';
import { syntheticDataset } from './synthetic';

beforeAll(useWasmBackend);

const data = syntheticDataset(600, 200);
const small = (backend: Backend = 'mock', seed = 1) => buildModel({ hidden: 32, layers: 2, shift: 1 }, { backend, mock: mockParameter(), seed });
const opts = (over: Partial<TrainOptions> = {}): TrainOptions => ({ lr: 0.25, epochs: 2, batchSize: 60, augment: 'none', seed: 3, trainSize: 600, labelNoise: 0, ...over });

async function collect(gen: AsyncGenerator<TrainProgress>): Promise<TrainProgress[]> {
  const all: TrainProgress[] = [];
  for await (const p of gen) all.push(p);
  return all;
}

describe('trainModel', () => {
  it('learns the synthetic digits in the mock, yields every batch, never mutates the input model', async () => {
    const model = small();
    const before = cloneModel(model);
    const states = await collect(trainModel(model, data, opts({ epochs: 3 })));
    const last = states[states.length - 1];
    expect(last.state).toBe('done');
    expect(states.filter((s) => s.state === 'running').length).toBeGreaterThanOrEqual(30);
    expect(last.losses.length).toBe(30);
    expect(last.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(last.epochs[2].testAccuracy).toBeGreaterThan(0.8);
    for (const e of last.epochs) {
      expect(Number.isFinite(e.trainAccuracy) && Number.isFinite(e.testAccuracy)).toBe(true);
      expect(e.confusion.flat().reduce((s, v) => s + v, 0)).toBe(200);
      expect(e.backend).toBe('mock');
    }
    expect(last.losses[last.losses.length - 1]).toBeLessThan(last.losses[0]);
    expect(last.samplesPerSecond).toBeGreaterThan(0);
    expect(model).toEqual(before);
    expect(last.model.layers[0].weight).not.toEqual(before.layers[0].weight);
  });

  it('is deterministic for a seed, with crop augmentation, whichever thread resizes the crops', async () => {
    const run = async (augmentThread?: AugmentThread) => (await collect(trainModel(small(), data, opts({ epochs: 2, augment: 'crop', augmentThread })))).pop()!.losses;
    const a = await run();
    expect(await run()).toEqual(a);
    const thread = nodeAugmentThread();
    while (!thread.ready) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await run(thread)).toEqual(a);
  }, 60_000);

  it('stops within one batch on abort and reports cancelled', async () => {
    const controller = new AbortController();
    const seen: TrainProgress[] = [];
    for await (const p of trainModel(small(), data, opts({ signal: controller.signal }))) {
      seen.push(p);
      if (p.batch === 3) controller.abort();
    }
    expect(seen[seen.length - 1].state).toBe('cancelled');
    expect(seen[seen.length - 1].losses.length).toBe(3);
  });

  it('leaks no tensors over 20 started-and-cancelled runs', async () => {
    const baseline = tf.memory().numTensors;
    for (let run = 0; run < 20; run++) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 0);
      const states = await collect(trainModel(small('mock', run), data, opts({ augment: 'crop', signal: controller.signal, seed: run })));
      expect(states[states.length - 1].state).toBe('cancelled');
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('reports divergence (a NaN loss) as an error and keeps the last model with a finite loss', async () => {
    // The real engine, except that its 14th step reports a NaN loss, as an overflowing ideal network would.
    let steps = 0;
    let weightsOfStep13: Float32Array | undefined;
    const diverging: HagenEngine = {
      name: 'diverging',
      forward: tfjsEngine.forward,
      trainStep(model, x, labels, batch, rng) {
        const result = tfjsEngine.trainStep(model, x, labels, batch, rng);
        steps++;
        if (steps === 13) weightsOfStep13 = Float32Array.from(model.layers[0].weight);
        return steps === 14 ? { ...result, loss: NaN } : result;
      },
    };
    const states = await collect(trainModel(small('ideal'), data, opts({ epochs: 3, engine: diverging })));
    const last = states[states.length - 1];
    expect(last.state).toBe('error');
    expect(last.error).toMatch(/diverged in epoch 2, batch 4.*NaN.*learning rate/);
    expect(last.model.layers[0].weight).toEqual(weightsOfStep13);
    expect(last.epochs.length).toBe(1);
    expect(Number.isNaN(last.epochs[0].testAccuracy)).toBe(false);
  });

  it('turns engine errors into an error state and rejects bad options', async () => {
    const states = await collect(trainModel(small('chip'), data, opts()));
    expect(states.pop()!.error).toMatch(/ChipDevice/);
    await expect(collect(trainModel(small(), data, opts({ trainSize: 601 })))).rejects.toThrow(/trainSize/);
    await expect(collect(trainModel(small(), data, opts({ lr: -1 })))).rejects.toThrow(/lr/);
  });
});

describe('trainModel engines and snapshots', () => {
  it("defaults to the fast engine; engine: 'tfjs' selects tfjs with the same first-batch loss (same noise)", async () => {
    const first = async (engine?: 'tfjs' | 'fast') => {
      for await (const p of trainModel(small(), data, opts({ epochs: 1, augment: 'crop', engine }))) return p.losses[0];
      return NaN;
    };
    const byDefault = await first();
    expect(await first('tfjs')).toBe(byDefault);
    expect(await first('fast')).toBe(byDefault);
    await expect(collect(trainModel(small(), data, opts({ engine: 'gpu' as 'tfjs' })))).rejects.toThrow(/engine must be one of fast, tfjs, reference/);
  });

  it('copies the model only every snapshotEveryBatches batches, at epoch ends and on cancel', async () => {
    const controller = new AbortController();
    const seen: TrainProgress[] = [];
    const weightsWhenSeen: Float32Array[] = [];
    for await (const p of trainModel(small(), data, opts({ epochs: 2, snapshotEveryBatches: 4, signal: controller.signal }))) {
      seen.push(p);
      weightsWhenSeen.push(p.model.layers[0].weight.slice());
      if (p.epoch === 2 && p.batch === 6) controller.abort();
    }
    const models = seen.map((p) => p.model);
    // snapshots are copies: training on (its weights live in the optimiser's memory) never changes one handed out
    models.forEach((model, i) => expect(model.layers[0].weight).toEqual(weightsWhenSeen[i]));
    expect(weightsWhenSeen[3]).not.toEqual(weightsWhenSeen[0]);
    expect(models[1]).toBe(models[0]); // batches 1 and 2 share the initial snapshot
    expect(models[3]).not.toBe(models[2]); // batch 4 takes a new one
    const last = seen[seen.length - 1];
    expect(last.state).toBe('cancelled');
    expect(last.model).not.toBe(models[models.length - 2]); // fresh weights on cancel
  });
});

describe('evaluate', () => {
  it('accuracy is the confusion diagonal over the count', () => {
    const { accuracy, loss, confusion } = evaluate(small(), data.test, { rng: null, batchSize: 64 });
    const diagonal = confusion.reduce((s, row, i) => s + row[i], 0);
    expect(accuracy).toBe(diagonal / 200);
    expect(confusion.map((row) => row.reduce((s, v) => s + v, 0))).toEqual(
      Array.from({ length: 10 }, (_, d) => data.test.labels.filter((l) => l === d).length));
    expect(loss).toBeGreaterThan(0);
  });
});
