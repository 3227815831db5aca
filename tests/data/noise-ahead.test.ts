/**
 * Mock noise drawn ahead on the augmentation thread (lib/train/helper/noiseAhead.ts NoiseAhead / DrawnNoise):
 * training gives exactly the same results with it as without it, also when the thread fails mid-run,
 * and a stopped run leaves no request behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DrawnNoise, NoiseAhead } from '../../lib/train/helper/noiseAhead';
import { inProcessThreadPair, until } from './threadKit';
import type { Dataset } from '../../lib/data/types';
import { DEFAULT_MOCK } from '../../lib/hagen/constants';
import { fastEngine } from '../../lib/hagen/engine';
import { drawNormalSeed, NormalSource } from '../../lib/hagen/fast/normal';
import { buildModel } from '../../lib/hagen/model';
import type { HagenEngine, NoiseSupply } from '../../lib/hagen/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { nodeAugmentThread } from '../../lib/host/node';
import { Rng } from '../../lib/random';
import { initTf } from '../../lib/tf/backend';
import { trainModel, type TrainOptions, type TrainProgress } from '../../lib/train/train';

let data: Dataset;
beforeAll(async () => {
  await initTf();
  const all = await loadMnistNode();
  const test = { images: all.test.images.subarray(0, 1000 * 784), labels: all.test.labels.subarray(0, 1000), count: 1000 };
  data = { train: all.train, test };
});

const tutorialModel = (seed = 1) => buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend: 'mock', mock: { ...DEFAULT_MOCK }, seed });
const options = (over: Partial<TrainOptions> = {}): TrainOptions => ({ lr: 0.25, epochs: 1, batchSize: 200, augment: 'crop', seed: 4, trainSize: 2000, labelNoise: 0, ...over });

/**
 * The fast engine, counting the layers whose noise came from a supply (drawn ahead) and those it drew
 * itself, in training steps and in test forward passes.
 */
function countingEngine() {
  const counts = { supplied: 0, drawnHere: 0, testSupplied: 0, testDrawnHere: 0 };
  const counting = (noise: NoiseSupply | undefined, test: boolean): NoiseSupply => ({
    take(seed, std, target) {
      const taken = noise?.take(seed, std, target) ?? false;
      if (test) counts[taken ? 'testSupplied' : 'testDrawnHere']++;
      else counts[taken ? 'supplied' : 'drawnHere']++;
      return taken;
    },
  });
  const engine: HagenEngine = {
    name: 'fast',
    usesNoiseSupply: true,
    forward: (model, x, batch, rng, chip, noise) => fastEngine.forward(model, x, batch, rng, chip, counting(noise, true)),
    trainStep: (model, x, labels, batch, rng, chip, noise) => fastEngine.trainStep(model, x, labels, batch, rng, chip, counting(noise, false)),
  };
  return { engine, counts };
}

interface RunResult { losses: number[]; testAccuracy: number; weights: Float32Array[]; state: TrainProgress['state'] }

async function train(over: Partial<TrainOptions>, stopAfterBatches = Infinity): Promise<RunResult> {
  const controller = new AbortController();
  let last!: TrainProgress;
  let batches = 0;
  for await (const progress of trainModel(tutorialModel(), data, options({ signal: controller.signal, ...over }))) {
    last = progress;
    if (progress.state === 'running' && ++batches >= stopAfterBatches) controller.abort();
  }
  return { losses: last.losses, testAccuracy: last.epochs[0]?.testAccuracy ?? NaN, weights: last.model.layers.flatMap((l) => [l.weight, l.bias]), state: last.state };
}

function expectSameRun(actual: RunResult, expected: RunResult): void {
  expect(actual.state).toBe(expected.state);
  expect(actual.losses).toEqual(expected.losses);
  expect(actual.testAccuracy).toBe(expected.testAccuracy);
  actual.weights.forEach((w, i) => expect(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(expected.weights[i].buffer, expected.weights[i].byteOffset, expected.weights[i].byteLength))).toBe(true));
}

/** A trainer–thread pair in this process; after `breakAfter` noise answers the trainer's side reports the thread as gone. */
function inProcessThread(breakAfter = Infinity) {
  let noiseAnswers = 0;
  const pair = inProcessThreadPair({
    toTrainer: (message, crash) => {
      if (message.type === 'noise' && ++noiseAnswers > breakAfter) { crash(new Error('the thread crashed')); return false; }
      return true;
    },
  });
  return { ...pair, noiseAnswers: () => noiseAnswers };
}

describe('training with noise drawn ahead on the augmentation thread', () => {
  let inThisThread: RunResult;
  beforeAll(async () => { inThisThread = await train({}); }, 120_000);

  it("gives the same losses, weights and test accuracy as drawing it here (Node's worker_thread)", async () => {
    const thread = nodeAugmentThread();
    await until(() => thread.ready && thread.noiseReady, 'the augmentation thread starting');
    const { engine, counts } = countingEngine();
    expectSameRun(await train({ augmentThread: thread, engine }), inThisThread);
    // 10 batches · 3 layers; most came from the thread (a batch whose noise was late is drawn here)
    expect(counts.supplied + counts.drawnHere).toBe(30);
    expect(counts.supplied).toBeGreaterThanOrEqual(15);
    // the test pass (1000 images, one batch) runs here with its own draws (tests/train/eval-split.test.ts)
    expect(counts).toMatchObject({ testSupplied: 0, testDrawnHere: 3 });
    expect(thread.pendingRequests).toBe(0);
  }, 120_000);

  it('falls back to drawing here when the thread fails mid-run, with the same results', async () => {
    const pair = inProcessThread(3);
    try {
      await until(() => pair.thread.ready && pair.thread.noiseReady, 'the in-process thread starting');
      const { engine, counts } = countingEngine();
      expectSameRun(await train({ augmentThread: pair.thread, engine }), inThisThread);
      expect(pair.thread.failure?.message).toBe('the thread crashed');
      expect(counts.testDrawnHere).toBe(3);
      expect(counts.supplied).toBeGreaterThan(0);
      expect(counts.supplied).toBeLessThanOrEqual(3 * 3);
      expect(counts.drawnHere).toBeGreaterThanOrEqual(30 - 3 * 3);
    } finally {
      pair.close();
    }
  }, 120_000);

  it('a cancelled run leaves no request pending, and the next run gets none of its noise', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.ready && pair.thread.noiseReady, 'the in-process thread starting');
      const stopped = await train({ augmentThread: pair.thread }, 3);
      expect(stopped.state).toBe('cancelled');
      expect(stopped.losses).toEqual(inThisThread.losses.slice(0, 3));
      expect(pair.thread.pendingRequests).toBe(0);
      const { engine, counts } = countingEngine();
      expectSameRun(await train({ augmentThread: pair.thread, engine, seed: 4 }), inThisThread);
      expect(counts.supplied).toBeGreaterThan(0);
      expect(pair.thread.pendingRequests).toBe(0);
    } finally {
      pair.close();
    }
  }, 120_000);

  it('a different model or seed trains as it does without the thread (the noise is keyed by its seeds)', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const over = { seed: 9, augment: 'none' as const, trainSize: 1000 };
      expectSameRun(await train({ ...over, augmentThread: pair.thread }), await train(over));
    } finally {
      pair.close();
    }
  }, 120_000);
});

describe('DrawnNoise and NoiseAhead', () => {
  const std = 2;
  const drawn = (rng: Rng, counts: number[]) => {
    const seeds = new Int32Array(4 * counts.length);
    counts.forEach((_, part) => seeds.set(drawNormalSeed(rng), 4 * part));
    const values = new Float32Array(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    counts.forEach((count, part) => { new NormalSource(seeds.subarray(4 * part, 4 * part + 4)).fill(values.subarray(at, at + count), std); at += count; });
    return new DrawnNoise(seeds, counts, std, values);
  };

  it('hands out a part only for its seed, std and length, in order, skipping parts not asked for', () => {
    const noise = drawn(new Rng(1), [5, 3, 4]);
    const stream = new Rng(1);
    const seeds = [drawNormalSeed(stream), drawNormalSeed(stream), drawNormalSeed(stream)];
    const target = new Float32Array(4);
    expect(noise.take(seeds[2], 3, target)).toBe(false); // wrong std
    expect(noise.take(seeds[2], std, new Float32Array(5))).toBe(false); // wrong length (and part 2 is passed now)
    expect(noise.take(seeds[0], std, new Float32Array(5))).toBe(false); // part 0 lies behind
    const fresh = drawn(new Rng(1), [5, 3, 4]);
    expect(fresh.take(seeds[1], std, target.subarray(0, 3))).toBe(true); // part 0 skipped
    expect(Array.from(target.subarray(0, 3))).toEqual(Array.from(new NormalSource(seeds[1]).fill(new Float32Array(3), std)));
    expect(fresh.take(seeds[2], std, target)).toBe(true);
    expect(Array.from(target)).toEqual(Array.from(new NormalSource(seeds[2]).fill(new Float32Array(4), std)));
    expect(fresh.take(new Int32Array(4), std, target)).toBe(false);
  });

  it('draws the same seeds whether it sends or not, and nothing without a thread', () => {
    const plan = (rng: Rng) => ({ rng, std, layers: [{ inFeatures: 300, outFeatures: 4 }] });
    const a = new Rng(5), b = new Rng(5);
    const ahead = new NoiseAhead(plan(a), null);
    expect(ahead.available).toBe(false);
    expect(ahead.next(10, true)).toBeNull();
    drawNormalSeed(b);
    expect(a.uint32()).toBe(b.uint32());
  });

  it('rejects bad plans and batches naming them', () => {
    const rng = new Rng(1);
    expect(() => new NoiseAhead({ rng, std: 0, layers: [{ inFeatures: 1, outFeatures: 1 }] }, null)).toThrow(/std must be a finite number > 0, got 0/);
    expect(() => new NoiseAhead({ rng, std: 1, layers: [] }, null)).toThrow(/layers must be a non-empty array/);
    expect(() => new NoiseAhead({ rng, std: 1, layers: [{ inFeatures: 2.5, outFeatures: 1 }] }, null)).toThrow(/layer 0 has inFeatures 2.5/);
    expect(() => new NoiseAhead({ rng, std: 1, layers: [{ inFeatures: 2, outFeatures: 1 }] }, null).next(0, true)).toThrow(/batch must be a positive integer, got 0/);
  });

  it("the thread's values equal the engine's own draws; a malformed request is answered with failed", async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const counts = [70000, 5];
      const seeds = new Int32Array(8);
      const rng = new Rng(8);
      seeds.set(drawNormalSeed(rng), 0);
      seeds.set(drawNormalSeed(rng), 4);
      const values = await pair.thread.drawNoise(seeds, counts, 1.5, new Float32Array(70005));
      const expected = new Float32Array(70005);
      new NormalSource(seeds.subarray(0, 4)).fill(expected.subarray(0, 70000), 1.5);
      new NormalSource(seeds.subarray(4, 8)).fill(expected.subarray(70000), 1.5);
      expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
      await expect(pair.thread.drawNoise(seeds, counts, 1.5, new Float32Array(3))).rejects.toThrow(/values must be a Float32Array of the parts' 70005 values, got 3/);
      await expect(pair.thread.drawNoise(seeds.subarray(0, 4), counts, 1.5, new Float32Array(70005))).rejects.toThrow(/seeds must be an Int32Array of 4 per part \(8\), got 4/);
      expect(pair.thread.pendingRequests).toBe(0);
    } finally {
      pair.close();
    }
  });
});
