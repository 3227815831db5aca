/**
 * The training data pipeline: shuffled batches of the training split, augmented one or two batches
 * ahead on another thread while the current batch trains (the machine has two cores; the trainer
 * keeps one busy).
 *
 * Division of work, so that the same seed gives the same batches whichever thread resizes:
 * - the trainer's thread gathers every batch and draws its crop boxes (`drawCropBoxes`, in batch
 *   order, from the run's augmentation Rng — the only random draws of augmentation);
 * - the augmentation thread only resizes (`resizeCrops`: one batched tf.image.cropAndResize).
 * Until that thread is ready (it loads tfjs first), or if it fails, batches are resized in the
 * trainer's thread with the same function. Only the transport differs by host: a worker_thread in
 * Node (lib/host/node.ts), a nested Web Worker in the page's training worker (lib/host/worker.ts);
 * both wrap their port in a `ThreadPort` and hand it to `AugmentThread` / `serveAugmentation`.
 */
import type { Rng } from '../random';
import { drawCropBoxes, resizeCrops, type AugmentMode } from './augment';
import { gatherImages, shuffledOrder } from './batches';
import type { Split } from './types';

export type ToAugmenter = { type: 'resize'; id: number; images: Uint8Array; boxes: Float32Array; n: number };
export type FromAugmenter =
  | { type: 'ready' }
  | { type: 'resized'; id: number; images: Uint8Array }
  | { type: 'failed'; id: number; message: string };

/** One end of a message channel between two threads; hosts adapt worker_threads / Web Workers to it. */
export interface ThreadPort<In, Out> {
  send(message: Out, transfer?: ArrayBuffer[]): void;
  /** `onError`: the other side is gone or broke (not called on the serving side). */
  listen(onMessage: (message: In) => void, onError?: (error: Error) => void): void;
  /** Node: keep the process alive while replies are awaited (an idle thread must not). */
  keepAlive?(waiting: boolean): void;
}

/**
 * The augmentation thread's side: prepare (load tfjs), say `ready`, then resize every request.
 * A failing request is answered with `failed`, so the trainer resizes that batch itself.
 */
export function serveAugmentation(port: ThreadPort<ToAugmenter, FromAugmenter>, prepare: () => Promise<unknown>): void {
  const ready = prepare();
  port.listen((message) => {
    if (message?.type !== 'resize') {
      port.send({ type: 'failed', id: -1, message: `augmentation thread: unknown message type ${JSON.stringify((message as { type?: unknown })?.type)}` });
      return;
    }
    void ready.then(() => {
      const images = resizeCrops(message.images, message.n, message.boxes);
      port.send({ type: 'resized', id: message.id, images }, [images.buffer as ArrayBuffer]);
    }).catch((error: unknown) => port.send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) }));
  });
  void ready.then(() => port.send({ type: 'ready' }), () => { /* requests report the failure */ });
}

/** The trainer's handle on an augmentation thread; one per thread, shared by all runs of a host. */
export class AugmentThread {
  private nextId = 1;
  private isReady = false;
  private broken: Error | null = null;
  private readonly pending = new Map<number, { resolve: (images: Uint8Array) => void; reject: (error: Error) => void }>();

  constructor(private readonly port: ThreadPort<FromAugmenter, ToAugmenter>) {
    port.listen((message) => this.receive(message), (error) => this.fail(error));
  }

  /** Whether requests go to the thread now (it has loaded tfjs and has not failed). */
  get ready(): boolean {
    return this.isReady && !this.broken;
  }

  /** The failure that stopped the thread, if any (then every batch is resized in the trainer's thread). */
  get failure(): Error | null {
    return this.broken;
  }

  /** Resize on the thread; rejects if the thread fails (the caller then resizes itself). The message copies the inputs. */
  resize(images: Uint8Array, n: number, boxes: Float32Array): Promise<Uint8Array> {
    if (!this.ready) return Promise.reject(this.broken ?? new Error('augmentation thread is not ready yet'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.port.keepAlive?.(true);
      this.port.send({ type: 'resize', id, images, boxes, n });
    });
  }

  private receive(message: FromAugmenter): void {
    if (message.type === 'ready') { this.isReady = true; return; }
    const waiting = this.pending.get(message.id);
    if (!waiting) return; // a run that stopped meanwhile
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.port.keepAlive?.(false);
    if (message.type === 'resized') waiting.resolve(message.images);
    else waiting.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    this.broken = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.port.keepAlive?.(false);
  }
}

export interface Batch {
  epoch: number;
  /** 0-based index within the epoch */
  index: number;
  n: number;
  /** n·784 pixels, 0|1, augmented */
  images: Uint8Array;
  labels: Uint8Array;
}

export interface BatchStreamOptions {
  batchSize: number;
  augment: AugmentMode;
  /** shuffles every epoch with shuffledOrder(count, seed, epoch − 1) */
  seed: number;
  /** the stream ends after this many epochs (nothing is prepared beyond them) */
  epochs: number;
  /** batches prepared ahead of the one being trained (default 2) */
  ahead?: number;
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

  constructor(private readonly train: Split, private readonly opts: BatchStreamOptions, private readonly rng: Rng, private readonly thread: AugmentThread | null = null) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
    this.ahead = opts.ahead ?? 2;
    if (!Number.isInteger(this.ahead) || this.ahead < 0) throw new RangeError(`ahead must be a non-negative integer, got ${opts.ahead}`);
    this.batchesPerEpoch = Math.ceil(train.count / opts.batchSize);
  }

  /** The next batch (epoch 1 batch 0 first); keeps `ahead` more in preparation. Throws after the last epoch. */
  async next(): Promise<Batch> {
    this.fill(this.ahead + 1);
    const batch = this.planned.shift();
    if (!batch) throw new RangeError(`the batch stream ended after ${this.opts.epochs} epochs`);
    this.fill(this.ahead);
    let images = batch.images;
    if (batch.boxes) {
      images = batch.resized ? await batch.resized.catch(() => resizeCrops(batch.images, batch.n, batch.boxes!)) : resizeCrops(batch.images, batch.n, batch.boxes);
    }
    return { epoch: batch.epoch, index: batch.index, n: batch.n, images, labels: batch.labels };
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
    const resized = boxes && this.thread?.ready ? this.thread.resize(images, n, boxes) : null;
    resized?.catch(() => { /* handled in next() */ });
    this.planned.push({ epoch, index, n, images, labels, boxes, resized });
    if (++this.nextIndex === this.batchesPerEpoch) { this.nextIndex = 0; this.nextEpoch++; }
  }
}
