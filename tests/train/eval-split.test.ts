/**
 * The test pass shared with the augmentation thread (lib/train/evaluate.ts evaluateShared,
 * lib/train/helper/testPass.ts ThreadTestPass): the same accuracy, loss and confusion as evaluate() in one
 * thread, whichever thread runs which batch, also when the thread fails, refuses or never answers;
 * an abort stops the pass between batches and leaves nothing pending.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AugmentThread } from '../../lib/train/helper/thread';
import { forwardTestBatch, RecordedDraws, wordsPerForward } from '../../lib/train/helper/testPass';
import type { Dataset, Split } from '../../lib/data/types';
import { DEFAULT_MOCK } from '../../lib/hagen/constants';
import { fastEngine } from '../../lib/hagen/engine';
import { buildModel } from '../../lib/hagen/model';
import type { HagenModel } from '../../lib/hagen/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { nodeAugmentThread } from '../../lib/host/node';
import { Rng } from '../../lib/random';
import { evaluate, evaluateShared, type EvaluateOptions } from '../../lib/train/evaluate';
import { trainModel, type TrainOptions, type TrainProgress } from '../../lib/train/train';
import { inProcessThreadPair, until } from '../data/threadKit';

let data: Dataset;
beforeAll(async () => { data = await loadMnistNode(); });

const tutorialModel = (seed = 1) => buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend: 'mock', mock: { ...DEFAULT_MOCK }, seed });
const smallModel = (seed = 1, noiseStd = DEFAULT_MOCK.noiseStd) => buildModel({ hidden: 32, layers: 2, shift: 1 }, { backend: 'mock', mock: { ...DEFAULT_MOCK, noiseStd }, seed });
const firstImages = (split: Split, count: number): Split => ({ images: split.images.subarray(0, count * 784), labels: split.labels.subarray(0, count), count });

/** evaluate() in one thread; `rngAfter` is the pass's Rng's next word (evaluateShared must leave it where evaluate does). */
function inOneThread(model: HagenModel, split: Split, opts: Omit<EvaluateOptions, 'rng'>, seed: number | null) {
  const rng = seed === null ? null : new Rng(seed);
  const result = evaluate(model, split, { ...opts, rng });
  return { result, rngAfter: rng?.uint32() ?? null };
}

async function shared(model: HagenModel, split: Split, opts: Omit<EvaluateOptions, 'rng'>, seed: number | null, thread: AugmentThread | null, signal?: AbortSignal) {
  const rng = seed === null ? null : new Rng(seed);
  const result = await evaluateShared(model, split, { ...opts, rng, signal }, thread);
  return { result, rngAfter: rng?.uint32() ?? null };
}

/** Counts the test batches the thread answered (spying on the trainer's side of the transport). */
function countThreadBatches(thread: AugmentThread) {
  const counts = { sent: 0, answered: 0, failed: 0 };
  const original = thread.forwardTest.bind(thread);
  vi.spyOn(thread, 'forwardTest').mockImplementation((...args: Parameters<AugmentThread['forwardTest']>) => {
    counts.sent++;
    const logits = original(...args);
    logits.then(() => counts.answered++, () => counts.failed++);
    return logits;
  });
  return counts;
}

/**
 * A trainer–thread pair in this process. `testAnswers` limits the thread's test answers: after that many
 * the trainer's side reports the thread as gone (`crash`), or the thread answers every further test
 * batch with `failed` (`refuse`), or it never answers them (`silent`).
 */
function inProcessThread(testAnswers = Infinity, after: 'crash' | 'refuse' | 'silent' = 'crash') {
  const seen = { testModels: 0, testEnds: 0, answers: 0 };
  let testBatches = 0;
  const pair = inProcessThreadPair({
    toTrainer: (message, crash) => {
      if (message.type === 'tested' && ++seen.answers > testAnswers && after === 'crash') { crash(new Error('the thread crashed')); return false; }
      return true;
    },
    toThread: (message, reply) => {
      if (message.type === 'testModel') seen.testModels++;
      if (message.type === 'testEnd') seen.testEnds++;
      if (message.type === 'testBatch' && ++testBatches > testAnswers && after !== 'crash') {
        if (after === 'refuse') reply({ type: 'failed', id: message.id, message: 'refused' });
        return false;
      }
      return true;
    },
  });
  return { ...pair, seen };
}

describe('evaluateShared', () => {
  it("equals evaluate() on the full test set with Node's worker thread taking part of the batches", async () => {
    const thread = nodeAugmentThread();
    await until(() => thread.noiseReady, 'the augmentation thread starting');
    const counts = countThreadBatches(thread);
    try {
      const model = tutorialModel(2);
      const expected = inOneThread(model, data.test, { engine: fastEngine }, 21);
      const actual = await shared(model, data.test, { engine: fastEngine }, 21, thread);
      expect(actual).toEqual(expected);
      expect(expected.result.confusion.flat().reduce((sum, v) => sum + v, 0)).toBe(10000);
      expect(counts.answered).toBeGreaterThan(0); // the thread ran some of the 10 batches
      expect(counts.sent).toBeLessThan(10);
      expect(thread.pendingRequests).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
  }, 120_000);

  it('equals evaluate() for short last batches, without noise (no Rng, or std 0), and for one batch', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const counts = countThreadBatches(pair.thread);
      const split = firstImages(data.test, 2345);
      for (const [model, seed, batchSize] of [[smallModel(3), 5, 300], [smallModel(3), null, 300], [smallModel(4, 0), 6, 500], [smallModel(5), 7, 5000]] as const) {
        expect(await shared(model, split, { engine: fastEngine, batchSize }, seed, pair.thread)).toEqual(inOneThread(model, split, { engine: fastEngine, batchSize }, seed));
      }
      expect(counts.answered).toBeGreaterThan(0);
      expect(pair.seen.testModels).toBe(3); // one batch: nothing for the thread, no weights sent
      await until(() => pair.seen.testEnds === 3, 'the thread dropping the weights');
      expect(pair.thread.pendingRequests).toBe(0);
    } finally {
      vi.restoreAllMocks();
      pair.close();
    }
  });

  it('gives the same result when the thread crashes mid-pass, refuses test batches, never answers, or is not there', async () => {
    const model = smallModel(6);
    const split = firstImages(data.test, 4000);
    const opts = { engine: fastEngine, batchSize: 250 };
    const expected = inOneThread(model, split, opts, 8);
    for (const [answers, after] of [[2, 'crash'], [1, 'refuse'], [0, 'silent'], [3, 'silent']] as const) {
      const pair = inProcessThread(answers, after);
      try {
        await until(() => pair.thread.noiseReady, 'the in-process thread starting');
        expect(await shared(model, split, opts, 8, pair.thread)).toEqual(expected);
        if (after === 'crash') expect(pair.thread.failure?.message).toBe('the thread crashed');
        else expect(pair.thread.failure).toBeNull();
        expect(pair.thread.pendingRequests).toBe(0);
      } finally {
        pair.close();
      }
    }
    expect(await shared(model, split, opts, 8, null)).toEqual(expected);
  });

  it('stops between batches when aborted, cancels what the thread holds and makes it drop the weights', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const controller = new AbortController();
      const original = pair.thread.forwardTest.bind(pair.thread);
      let sent = 0;
      vi.spyOn(pair.thread, 'forwardTest').mockImplementation((...args: Parameters<AugmentThread['forwardTest']>) => {
        if (++sent === 3) controller.abort(); // the thread's first answer is in: the pass is under way
        return original(...args);
      });
      const stopped = await shared(smallModel(7), firstImages(data.test, 3000), { engine: fastEngine, batchSize: 200 }, 9, pair.thread, controller.signal);
      expect(stopped.result).toBeNull();
      expect(sent).toBeLessThan(15); // stopped early
      expect(pair.thread.pendingRequests).toBe(0);
      await until(() => pair.seen.testEnds === 1, 'the thread dropping the weights');
      // the pass's weights are gone on the thread: a late batch of it is refused
      await expect(pair.thread.forwardTest(1, 1, new Uint32Array(0), { images: new Uint8Array(784), logits: new Float32Array(10) })).rejects.toThrow(/test pass 1 has no model/);
    } finally {
      vi.restoreAllMocks();
      pair.close();
    }
  });

  it('refuses an engine other than the fast one', async () => {
    await expect(evaluateShared(smallModel(1), firstImages(data.test, 10), { engine: 'reference', rng: null }, null)).rejects.toThrow(/engine must be 'fast', got 'reference'/);
  });
});

describe("the thread's test batches", () => {
  it('forwardTestBatch with recorded draws equals the fast engine with the Rng they were drawn from', () => {
    const model = smallModel(11);
    const split = firstImages(data.test, 40);
    const draws = new Uint32Array(wordsPerForward(model));
    const rng = new Rng(12);
    for (let i = 0; i < draws.length; i++) draws[i] = rng.uint32();
    const x = Float32Array.from(split.images, (v) => v * 31);
    const expected = fastEngine.forward(model, x, 40, new Rng(12)).slice();
    const out = new Float32Array(400);
    expect(forwardTestBatch(model, split.images, 40, draws, out)).toBe(out);
    expect(out).toEqual(expected);
    expect(wordsPerForward(model)).toBe(12); // a NormalSource seed per layer
    expect(wordsPerForward(smallModel(11, 0))).toBe(0);
  });

  it('reuses the buffers of answered batches (whole buffers, any smaller batch)', () => {
    const pair = inProcessThread();
    try {
      const first = pair.thread.testBuffers(10, 10);
      pair.thread.releaseTestBuffers(first);
      const smaller = pair.thread.testBuffers(5, 10);
      expect(smaller.images.buffer).toBe(first.images.buffer);
      expect([smaller.images.length, smaller.logits.length]).toEqual([5 * 784, 50]);
      expect(pair.thread.testBuffers(5, 10).images.buffer).not.toBe(first.images.buffer); // taken: a new pair
    } finally {
      pair.close();
    }
  });

  it('rejects bad batches naming the input; recorded draws run out with an error', () => {
    const model = smallModel(13);
    const images = new Uint8Array(2 * 784);
    const out = new Float32Array(20);
    expect(() => forwardTestBatch(model, images, 0, new Uint32Array(12), out)).toThrow(/n must be a positive integer, got 0/);
    expect(() => forwardTestBatch(model, images.subarray(0, 100), 2, new Uint32Array(12), out)).toThrow(/images must be a Uint8Array of n·784 = 1568 pixels, got 100/);
    expect(() => forwardTestBatch(model, images, 2, new Uint32Array(5), out)).toThrow(/draws must be a Uint32Array of the 12 words a forward pass draws \(or none: no noise\), got 5/);
    expect(() => forwardTestBatch(model, images, 2, new Uint32Array(12), new Float32Array(10))).toThrow(/out must be a Float32Array of n·10 = 20 logits, got 10/);
    const recorded = new RecordedDraws(Uint32Array.of(1, 2, 3));
    expect([recorded.uint32(), recorded.uint32(), recorded.unused]).toEqual([1, 2, 1]);
    recorded.uint32();
    expect(() => recorded.uint32()).toThrow(/drew more than its 3 recorded random words/);
  });
});

describe('trainModel test pass on two threads', () => {
  const options = (over: Partial<TrainOptions> = {}): TrainOptions => ({ lr: 0.25, epochs: 2, batchSize: 200, augment: 'none', seed: 4, trainSize: 1000, labelNoise: 0, ...over });
  const withTest = (count: number): Dataset => ({ train: data.train, test: firstImages(data.test, count) });

  async function run(over: Partial<TrainOptions>, dataset: Dataset): Promise<TrainProgress> {
    let last!: TrainProgress;
    for await (const progress of trainModel(smallModel(15), dataset, options(over))) last = progress;
    return last;
  }

  it('gives every epoch the same test accuracy and confusion with the thread as without it', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const counts = countThreadBatches(pair.thread);
      const dataset = withTest(3500);
      const alone = await run({}, dataset);
      const both = await run({ augmentThread: pair.thread }, dataset);
      expect(both.state).toBe('done');
      expect(both.epochs.map(({ testAccuracy, confusion }) => ({ testAccuracy, confusion }))).toEqual(alone.epochs.map(({ testAccuracy, confusion }) => ({ testAccuracy, confusion })));
      expect(both.losses).toEqual(alone.losses);
      expect(counts.answered).toBeGreaterThan(0);
      expect(pair.thread.pendingRequests).toBe(0);
    } finally {
      vi.restoreAllMocks();
      pair.close();
    }
  });

  it('reports cancelled when aborted during the test pass', async () => {
    const pair = inProcessThread();
    try {
      await until(() => pair.thread.noiseReady, 'the in-process thread starting');
      const controller = new AbortController();
      const original = pair.thread.forwardTest.bind(pair.thread);
      vi.spyOn(pair.thread, 'forwardTest').mockImplementation((...args: Parameters<AugmentThread['forwardTest']>) => {
        controller.abort();
        return original(...args);
      });
      const last = await run({ augmentThread: pair.thread, signal: controller.signal }, withTest(3000));
      expect(last.state).toBe('cancelled');
      expect(last.epochs).toEqual([]);
      expect(last.losses.length).toBe(5); // the first epoch's batches, then the pass stopped
      expect(pair.thread.pendingRequests).toBe(0);
    } finally {
      vi.restoreAllMocks();
      pair.close();
    }
  });
});
