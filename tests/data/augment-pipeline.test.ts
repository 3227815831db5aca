import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, drawCropBoxes, resizeCrops, type AugmentMode } from '../../lib/data/augment';
import { resizeCropsWithTfjs } from '../../lib/data/augment-tfjs';
import { gatherImages, shuffledOrder } from '../../lib/data/batches';
import { BatchStream } from '../../lib/train/batchStream';
import { AugmentThread, serveAugmentation, type FromAugmenter, type ThreadPort, type ToAugmenter } from '../../lib/train/helper/thread';
import type { Split } from '../../lib/data/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { nodeAugmentThread } from '../../lib/host/node';
import { Rng } from '../../lib/random';
import { initTf } from '../../lib/tf/backend';

let train: Split;
beforeAll(async () => {
  await initTf();
  const all = (await loadMnistNode()).train;
  const count = 1000;
  train = { images: all.images.subarray(0, count * 784), labels: all.labels.subarray(0, count), count };
});

const BATCH = 300; // 1000 images: three full batches and one of 100 per epoch
const EPOCHS = 2;

/** The batches as the trainer drew them before the pipeline: gather, then augmentBatch in this thread. */
function sequentialBatches(mode: AugmentMode, seed: number): { images: Uint8Array; labels: Uint8Array }[] {
  const rng = Rng.derive(seed, 'augment');
  const out = [];
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const order = shuffledOrder(train.count, seed, epoch - 1);
    for (let from = 0; from < train.count; from += BATCH) {
      const to = Math.min(train.count, from + BATCH);
      const gathered = gatherImages(train, order, from, to);
      out.push({ images: augmentBatch(gathered.images, to - from, mode, rng), labels: gathered.labels });
    }
  }
  return out;
}

async function streamed(mode: AugmentMode, seed: number, thread: AugmentThread | null, ahead = 2) {
  const stream = new BatchStream(train, { batchSize: BATCH, augment: mode, seed, epochs: EPOCHS, ahead }, Rng.derive(seed, 'augment'), thread);
  const out = [];
  for (let i = 0; i < EPOCHS * 4; i++) out.push(await stream.next());
  await expect(stream.next()).rejects.toThrow(/ended after 2 epochs/);
  return out;
}

/** A trainer–augmenter pair over a real MessageChannel (structured clone, asynchronous like a thread). */
function inProcessThread(prepare: () => Promise<unknown> = async () => undefined) {
  const { port1, port2 } = new MessageChannel();
  let requests = 0;
  const trainerSide: ThreadPort<FromAugmenter, ToAugmenter> = {
    send: (message, transfer) => port1.postMessage(message, transfer ?? []),
    listen: (onMessage) => { port1.onmessage = (event) => onMessage(event.data as FromAugmenter); },
  };
  const augmenterSide: ThreadPort<ToAugmenter, FromAugmenter> = {
    send: (message, transfer) => port2.postMessage(message, transfer ?? []),
    listen: (onMessage) => { port2.onmessage = (event) => { requests++; onMessage(event.data as ToAugmenter); }; },
  };
  serveAugmentation(augmenterSide, prepare);
  const thread = new AugmentThread(trainerSide);
  return { thread, requests: () => requests, close: () => { port1.close(); port2.close(); } };
}

async function untilReady(thread: AugmentThread, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!thread.ready) {
    if (thread.failure) throw thread.failure;
    if (Date.now() - started > timeoutMs) throw new Error('augmentation thread not ready in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectSameBatches(actual: { images: Uint8Array; labels: Uint8Array; n?: number }[], expected: { images: Uint8Array; labels: Uint8Array }[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((batch, i) => {
    expect(Buffer.from(batch.labels).equals(Buffer.from(expected[i].labels))).toBe(true);
    expect(Buffer.from(batch.images).equals(Buffer.from(expected[i].images))).toBe(true);
  });
}

describe('drawCropBoxes + resizeCrops', () => {
  it('compose to augmentBatch with either resizer and leave no tensors', () => {
    const images = train.images.subarray(0, 50 * 784);
    const before = tf.memory().numTensors;
    const boxes = drawCropBoxes(50, 'crop', new Rng(6))!;
    expect(boxes.length).toBe(200);
    expect(Buffer.from(resizeCrops(images, 50, boxes)).equals(Buffer.from(augmentBatch(images, 50, 'crop', new Rng(6))))).toBe(true);
    expect(Buffer.from(resizeCropsWithTfjs(images, 50, boxes)).equals(Buffer.from(augmentBatch(images, 50, 'crop', new Rng(6), resizeCropsWithTfjs)))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(drawCropBoxes(50, 'none', new Rng(6))).toBeNull();
  });
  it('reject bad arguments naming them', () => {
    expect(() => resizeCrops(new Uint8Array(784), 1, new Float32Array(3))).toThrow(/boxes must hold n\*4 = 4 values/);
    expect(() => resizeCrops(new Uint8Array(700), 1, new Float32Array(4))).toThrow(/images must hold n\*784 = 784/);
    expect(() => drawCropBoxes(2, 'wide' as AugmentMode, new Rng(1))).toThrow(/crop, mild, none/);
    expect(() => drawCropBoxes(-1, 'crop', new Rng(1))).toThrow(/n must be a non-negative integer/);
  });
});

describe('BatchStream: the same batches as the sequential loop, whoever resizes', () => {
  for (const mode of ['crop', 'mild', 'none'] as AugmentMode[]) {
    it(`${mode}: in this thread, 2 epochs incl. a short last batch`, async () => {
      const batches = await streamed(mode, 5, null);
      expectSameBatches(batches, sequentialBatches(mode, 5));
      expect(batches.map((b) => `${b.epoch}.${b.index}:${b.n}`)).toEqual(['1.0:300', '1.1:300', '1.2:300', '1.3:100', '2.0:300', '2.1:300', '2.2:300', '2.3:100']);
    });
  }

  it('crop on another thread (over a MessageChannel), with 0 and 2 batches ahead', async () => {
    const pair = inProcessThread();
    try {
      await untilReady(pair.thread);
      const expected = sequentialBatches('crop', 7);
      expectSameBatches(await streamed('crop', 7, pair.thread, 2), expected);
      expect(pair.requests()).toBe(8);
      expectSameBatches(await streamed('crop', 7, pair.thread, 0), expected);
      expect(pair.requests()).toBe(16);
    } finally {
      pair.close();
    }
  });

  it('falls back to this thread while the other is not ready or when it fails', async () => {
    let finishPreparing!: () => void;
    const slow = inProcessThread(() => new Promise<void>((resolve) => { finishPreparing = resolve; }));
    const broken = inProcessThread(() => Promise.reject(new Error('no tfjs here')));
    try {
      const expected = sequentialBatches('crop', 9);
      expectSameBatches(await streamed('crop', 9, slow.thread), expected);
      expect(slow.requests()).toBe(0);
      finishPreparing();
      await untilReady(slow.thread);
      expect(broken.thread.ready).toBe(false);
      expectSameBatches(await streamed('crop', 9, broken.thread), expected);
    } finally {
      slow.close();
      broken.close();
    }
  });

  it("crop on Node's worker_thread (lib/host/node.ts)", async () => {
    const thread = nodeAugmentThread();
    await untilReady(thread);
    expect(nodeAugmentThread()).toBe(thread);
    expectSameBatches(await streamed('crop', 11, thread), sequentialBatches('crop', 11));
  }, 60_000);

  it('rejects bad options naming them', () => {
    expect(() => new BatchStream(train, { batchSize: 0, augment: 'crop', seed: 1, epochs: 1 }, new Rng(1))).toThrow(/batchSize must be a positive integer/);
    expect(() => new BatchStream(train, { batchSize: 10, augment: 'crop', seed: 1, epochs: 1, ahead: -1 }, new Rng(1))).toThrow(/ahead must be a non-negative integer/);
  });
});

