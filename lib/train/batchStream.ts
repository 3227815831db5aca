/**
 * The training data pipeline: shuffled batches of the training split, augmented one or two batches
 * ahead on another thread while the current batch trains (the machine has two cores; the trainer
 * keeps one busy).
 *
 * Division of work, so that the same seed gives the same batches whichever thread resizes:
 * - the trainer's thread gathers every batch and draws its crop boxes (`drawCropBoxes`, in batch
 *   order, from the run's augmentation Rng — the only random draws of augmentation);
 * - the augmentation thread only resizes (`resizeCrops`: the typed crop-and-resize kernel).
 * Until that thread is ready, or if it fails, batches are resized in the
 * trainer's thread with the same function. Only the transport differs by host: a worker_thread in
 * Node (lib/host/node.ts), a nested Web Worker in the page's training worker (lib/host/worker.ts);
 * both wrap their port in a `ThreadPort` and hand it to `AugmentThread` / `serveAugmentation`.
 *
 *
 * The same thread draws every batch's mock noise ahead (lib/train/helper/noiseAhead.ts) and runs part of the
 * test pass (lib/train/helper/testPass.ts); lib/train/helper/thread.ts is its protocol.
 */
import type { Rng } from '../random';
import { drawCropBoxes, resizeCrops, type AugmentMode } from '../data/augment';
import { gatherImages, shuffledOrder } from '../data/batches';
import { NoiseAhead, type DrawnNoise, type NoisePlan, type PendingNoise } from './helper/noiseAhead';
import type { AugmentThread } from './helper/thread';
import type { Split } from '../data/types';

export interface Batch {
  epoch: number;
  /** 0-based index within the epoch */
  index: number;
  n: number;
  /** n·784 pixels, 0|1, augmented */
  images: Uint8Array;
  labels: Uint8Array;
  /** this batch's mock noise, drawn ahead (pass it to the engine); valid until the next `next()` */
  noise: DrawnNoise | null;
}

interface BatchStreamOptions {
  batchSize: number;
  augment: AugmentMode;
  /** shuffles every epoch with shuffledOrder(count, seed, epoch − 1) */
  seed: number;
  /** the stream ends after this many epochs (nothing is prepared beyond them) */
  epochs: number;
  /** batches prepared ahead of the one being trained (default 2) */
  ahead?: number;
  /** draw the mock noise of every training step ahead too (on the thread) */
  noise?: NoisePlan;
}

interface Planned {
  epoch: number;
  index: number;
  n: number;
  images: Uint8Array;
  labels: Uint8Array;
  boxes: Float32Array | null;
  /** the thread's result, when it was sent there */
  resized: Promise<Uint8Array> | null;
  /** the resize request's id on the thread (0: not sent) */
  resizeId: number;
  noise: PendingNoise | null;
}

/**
 * Every training batch of every epoch, in order, prepared `ahead` batches in advance. Boxes are drawn
 * from `rng` when a batch is planned, in batch order, so the draws equal a loop of augmentBatch calls.
 */
export class BatchStream {
  private readonly planned: Planned[] = [];
  private readonly ahead: number;
  private readonly batchesPerEpoch: number;
  private order: Uint32Array | null = null;
  private orderEpoch = 0;
  private nextEpoch = 1;
  private nextIndex = 0;
  private readonly noise: NoiseAhead | null;
  /** the noise handed out with the last batch (reused once the next batch is asked for) */
  private handedOut: DrawnNoise | null = null;
  /** the thread was late with a batch's noise: the next batch planned draws its own (balances the two threads) */
  private noiseLate = false;

  constructor(private readonly train: Split, private readonly opts: BatchStreamOptions, private readonly rng: Rng, private readonly thread: AugmentThread | null = null) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    this.ahead = opts.ahead ?? 2;
    if (!Number.isInteger(this.ahead) || this.ahead < 0) throw new RangeError(`ahead must be a non-negative integer, got ${opts.ahead}`);
    this.batchesPerEpoch = Math.ceil(train.count / opts.batchSize);
    this.noise = opts.noise ? new NoiseAhead(opts.noise, thread) : null;
  }

  /** The next batch (epoch 1 batch 0 first); keeps `ahead` more in preparation. Throws after the last epoch. */
  async next(): Promise<Batch> {
    if (this.handedOut) { this.noise!.release(this.handedOut); this.handedOut = null; }
    this.fill(this.ahead + 1);
    const batch = this.planned.shift();
    if (!batch) throw new RangeError(`the batch stream ended after ${this.opts.epochs} epochs`);
    this.fill(this.ahead);
    let images = batch.images;
    if (batch.boxes) {
      images = batch.resized ? await batch.resized.catch(() => resizeCrops(batch.images, batch.n, batch.boxes!)) : resizeCrops(batch.images, batch.n, batch.boxes);
    }
    let noise: DrawnNoise | null = null;
    if (batch.noise) {
      if (!batch.noise.arrived) this.noiseLate = true;
      noise = await batch.noise.drawn;
      this.handedOut = noise;
    }
    return { epoch: batch.epoch, index: batch.index, n: batch.n, images, labels: batch.labels, noise };
  }

  /** Stop preparing: requests in flight are cancelled and nothing planned is kept. */
  close(): void {
    this.noise?.close();
    for (const batch of this.planned) if (batch.resizeId) this.thread?.cancel(batch.resizeId);
    this.planned.length = 0;
    this.handedOut = null;
    this.nextEpoch = this.opts.epochs + 1;
  }

  private fill(count: number): void {
    while (this.planned.length < count && this.nextEpoch <= this.opts.epochs) this.plan();
  }

  private plan(): void {
    const epoch = this.nextEpoch, index = this.nextIndex;
    if (this.orderEpoch !== epoch) {
      this.order = shuffledOrder(this.train.count, this.opts.seed, epoch - 1);
      this.orderEpoch = epoch;
    }
    const from = index * this.opts.batchSize;
    const to = Math.min(this.train.count, from + this.opts.batchSize);
    const { images, labels } = gatherImages(this.train, this.order!, from, to);
    const n = to - from;
    const boxes = drawCropBoxes(n, this.opts.augment, this.rng);
    // Sent only when the thread can take it; otherwise resized here when it is needed.
    let resizeId = 0;
    const resized = boxes && this.thread?.ready ? this.thread.resize(images, n, boxes, (id) => { resizeId = id; }) : null;
    resized?.catch(() => { /* handled in next() */ });
    const noise = this.noise?.next(n, !this.noiseLate) ?? null;
    this.noiseLate = false;
    this.planned.push({ epoch, index, n, images, labels, boxes, resized, resizeId, noise });
    if (++this.nextIndex === this.batchesPerEpoch) { this.nextIndex = 0; this.nextEpoch++; }
  }
}
