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
 *
 * The same thread also draws the mock's noise ahead (the largest single cost of a training step):
 * every mock layer seeds a NormalSource from four draws of the run's noise Rng, so the trainer
 * draws those seeds for a planned batch from a twin of that Rng (the same stream, run ahead) and
 * the thread fills the values; the engine finds them by seed (NoiseSupply) or draws them itself.
 */
import { ROWS_PER_CHUNK } from '../hagen/constants';
import { drawNormalSeed, NormalFiller } from '../hagen/fast/normal';
import type { NoiseSupply } from '../hagen/types';
import type { Rng } from '../random';
import { drawCropBoxes, resizeCrops, type AugmentMode } from './augment';
import { gatherImages, shuffledOrder } from './batches';
import type { Split } from './types';

export type ToAugmenter =
  | { type: 'resize'; id: number; images: Uint8Array; boxes: Float32Array; n: number }
  /** Fill `values` (transferred; given back filled) part by part: counts[p] values · std from seeds[4p … 4p+3]. */
  | { type: 'noise'; id: number; seeds: Int32Array; counts: number[]; std: number; values: Float32Array };
export type FromAugmenter =
  /** tfjs is loaded: resize requests are served from now on */
  | { type: 'ready' }
  /** the thread listens: noise requests are served from now on (they need no tfjs) */
  | { type: 'noiseReady' }
  | { type: 'resized'; id: number; images: Uint8Array }
  | { type: 'noise'; id: number; values: Float32Array }
  | { type: 'failed'; id: number; message: string };

/** Whether a run has work for the augmentation thread: crops to resize, or mock noise to draw. */
export function usesAugmentThread(model: { backend: string; mock: { noiseStd: number } }, opts: { augment: AugmentMode }): boolean {
  return opts.augment !== 'none' || (model.backend === 'mock' && model.mock.noiseStd > 0);
}

/** One end of a message channel between two threads; hosts adapt worker_threads / Web Workers to it. */
export interface ThreadPort<In, Out> {
  send(message: Out, transfer?: ArrayBuffer[]): void;
  /** `onError`: the other side is gone or broke (not called on the serving side). */
  listen(onMessage: (message: In) => void, onError?: (error: Error) => void): void;
  /** Node: keep the process alive while replies are awaited (an idle thread must not). */
  keepAlive?(waiting: boolean): void;
}

/** The noise request's parts drawn into its `values` (the thread's side; throws on a malformed request). */
function fillNoise(filler: NormalFiller, { seeds, counts, std, values }: Extract<ToAugmenter, { type: 'noise' }>): Float32Array {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (!(seeds instanceof Int32Array) || seeds.length !== 4 * counts.length) throw new Error(`noise request: seeds must be an Int32Array of 4 per part (${4 * counts.length}), got ${seeds?.length}`);
  if (!(values instanceof Float32Array) || values.length !== total) throw new Error(`noise request: values must be a Float32Array of the parts' ${total} values, got ${values?.length}`);
  if (!(std > 0)) throw new Error(`noise request: std must be a number > 0, got ${std}`);
  let at = 0;
  counts.forEach((count, part) => {
    filler.fill(seeds.subarray(4 * part, 4 * part + 4), std, values.subarray(at, at + count));
    at += count;
  });
  return values;
}

/**
 * The augmentation thread's side: prepare (load tfjs), say `ready`, then resize every request; noise
 * requests are served at once (`noiseReady`). A failing request is answered with `failed`, so the
 * trainer does that work itself.
 */
export function serveAugmentation(port: ThreadPort<ToAugmenter, FromAugmenter>, prepare: () => Promise<unknown>): void {
  const ready = prepare();
  let filler: NormalFiller | null = null;
  port.listen((message) => {
    if (message?.type === 'noise') {
      try {
        filler ??= new NormalFiller();
        const values = fillNoise(filler, message);
        port.send({ type: 'noise', id: message.id, values }, [values.buffer as ArrayBuffer]);
      } catch (error) {
        port.send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    if (message?.type !== 'resize') {
      port.send({ type: 'failed', id: -1, message: `augmentation thread: unknown message type ${JSON.stringify((message as { type?: unknown })?.type)}` });
      return;
    }
    void ready.then(() => {
      const images = resizeCrops(message.images, message.n, message.boxes);
      port.send({ type: 'resized', id: message.id, images }, [images.buffer as ArrayBuffer]);
    }).catch((error: unknown) => port.send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) }));
  });
  port.send({ type: 'noiseReady' });
  void ready.then(() => port.send({ type: 'ready' }), () => { /* requests report the failure */ });
}

/** The trainer's handle on an augmentation thread; one per thread, shared by all runs of a host. */
export class AugmentThread {
  private nextId = 1;
  private isReady = false;
  private servesNoise = false;
  private broken: Error | null = null;
  private readonly pending = new Map<number, { resolve: (result: Uint8Array | Float32Array) => void; reject: (error: Error) => void }>();

  constructor(private readonly port: ThreadPort<FromAugmenter, ToAugmenter>) {
    port.listen((message) => this.receive(message), (error) => this.fail(error));
  }

  /** Whether requests go to the thread now (it has loaded tfjs and has not failed). */
  get ready(): boolean {
    return this.isReady && !this.broken;
  }

  /** Whether noise requests go to the thread now (it listens and has not failed; tfjs is not needed). */
  get noiseReady(): boolean {
    return this.servesNoise && !this.broken;
  }

  /** Requests sent and not answered yet (across all runs). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** The failure that stopped the thread, if any (then every batch is resized in the trainer's thread). */
  get failure(): Error | null {
    return this.broken;
  }

  /**
   * Resize on the thread; rejects if the thread fails (the caller then resizes itself). The message
   * copies the inputs. `onSent` learns the request's id (for `cancel`).
   */
  resize(images: Uint8Array, n: number, boxes: Float32Array, onSent?: (id: number) => void): Promise<Uint8Array> {
    if (!this.ready) return Promise.reject(this.broken ?? new Error('augmentation thread is not ready yet'));
    const id = this.nextId++;
    onSent?.(id);
    return this.request(id, { type: 'resize', id, images, boxes, n }) as Promise<Uint8Array>;
  }

  /**
   * Draw noise on the thread: part p is counts[p] values · std of the NormalSource seeded with
   * seeds[4p … 4p+3], one part after another in `values`, which is transferred (unusable here until
   * the promise gives it back filled). `onSent` learns the request's id (for `cancel`).
   */
  drawNoise(seeds: Int32Array, counts: number[], std: number, values: Float32Array, onSent?: (id: number) => void): Promise<Float32Array> {
    if (!this.noiseReady) return Promise.reject(this.broken ?? new Error('augmentation thread does not serve noise yet'));
    const id = this.nextId++;
    onSent?.(id);
    return this.request(id, { type: 'noise', id, seeds, counts, std, values }, [values.buffer as ArrayBuffer]) as Promise<Float32Array>;
  }

  /** Forget a request (its run stopped): its promise rejects now and a late answer is dropped. */
  cancel(id: number): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.settled(id);
    waiting.reject(new Error(`request ${id} was cancelled`));
  }

  private request(id: number, message: ToAugmenter, transfer?: ArrayBuffer[]): Promise<Uint8Array | Float32Array> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.port.keepAlive?.(true);
      this.port.send(message, transfer);
    });
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.port.keepAlive?.(false);
  }

  private receive(message: FromAugmenter): void {
    if (message.type === 'ready') { this.isReady = true; return; }
    if (message.type === 'noiseReady') { this.servesNoise = true; return; }
    const waiting = this.pending.get(message.id);
    if (!waiting) return; // a run that stopped meanwhile
    this.settled(message.id);
    if (message.type === 'resized') waiting.resolve(message.images);
    else if (message.type === 'noise') waiting.resolve(message.values);
    else waiting.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    this.broken = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.port.keepAlive?.(false);
  }
}

/** What the mock engine will draw noise for: a twin of the run's noise Rng, the std, the layer shapes. */
export interface NoisePlan {
  /** the same stream as the Rng given to the engine, not shared with it: it runs ahead */
  rng: Rng;
  std: number;
  layers: readonly { inFeatures: number; outFeatures: number }[];
}

/** One forward pass's noise drawn on the thread: the seeds of its layers and their values. */
export class DrawnNoise implements NoiseSupply {
  private readonly offsets: number[] = [];
  private nextPart = 0;

  constructor(private readonly seeds: Int32Array, private readonly counts: number[], private readonly std: number, readonly values: Float32Array) {
    let at = 0;
    for (const count of counts) { this.offsets.push(at); at += count; }
  }

  take(seed: Int32Array, std: number, target: Float32Array): boolean {
    if (std !== this.std) return false;
    const seeds = this.seeds;
    // Parts are asked for in order; one the engine did not ask for (it drew none) is skipped.
    for (let part = this.nextPart; part < this.counts.length; part++) {
      const at = 4 * part;
      if (seeds[at] !== seed[0] || seeds[at + 1] !== seed[1] || seeds[at + 2] !== seed[2] || seeds[at + 3] !== seed[3]) continue;
      this.nextPart = part + 1;
      if (target.length !== this.counts[part]) return false;
      target.set(this.values.subarray(this.offsets[part], this.offsets[part] + target.length));
      return true;
    }
    return false;
  }
}

/** A forward pass's noise on its way: `arrived` turns true when the thread has answered (or failed). */
export interface PendingNoise { drawn: Promise<DrawnNoise | null>; arrived: boolean }

/**
 * Noise for a sequence of forward passes, drawn ahead on an AugmentThread. Every pass draws its
 * layers' seeds from the plan's twin Rng in order (sent or not, so the twin stays in step with the
 * engine's stream); the values' buffers go back and forth between the threads and are reused.
 */
export class NoiseAhead {
  private readonly spare: Float32Array[] = [];
  private readonly inFlight = new Set<number>();
  private closed = false;

  constructor(private readonly plan: NoisePlan, private readonly thread: AugmentThread | null) {
    if (!(Number.isFinite(plan.std) && plan.std > 0)) throw new RangeError(`noise plan: std must be a finite number > 0, got ${plan.std}`);
    if (!Array.isArray(plan.layers) || plan.layers.length === 0) throw new RangeError('noise plan: layers must be a non-empty array of { inFeatures, outFeatures }');
    plan.layers.forEach(({ inFeatures, outFeatures }, i) => {
      if (!(Number.isInteger(inFeatures) && inFeatures > 0 && Number.isInteger(outFeatures) && outFeatures > 0)) {
        throw new RangeError(`noise plan: layer ${i} has inFeatures ${inFeatures}, outFeatures ${outFeatures}; both must be positive integers`);
      }
    });
  }

  /** Whether the thread takes noise requests now. */
  get available(): boolean {
    return !this.closed && (this.thread?.noiseReady ?? false);
  }

  /**
   * The seeds of the next forward pass of `batch` samples; with `send` (and the thread available)
   * its values are requested. Null when nothing was sent: the engine draws that pass itself.
   */
  next(batch: number, send: boolean): PendingNoise | null {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`noise: batch must be a positive integer, got ${batch}`);
    const { layers, std } = this.plan;
    const seeds = new Int32Array(4 * layers.length);
    for (let l = 0; l < layers.length; l++) seeds.set(drawNormalSeed(this.plan.rng), 4 * l);
    if (!send || !this.available) return null;
    const counts = layers.map(({ inFeatures, outFeatures }) => Math.ceil(inFeatures / ROWS_PER_CHUNK) * batch * outFeatures);
    const values = this.buffer(counts.reduce((sum, count) => sum + count, 0));
    let id = 0;
    const pending: PendingNoise = { drawn: Promise.resolve(null), arrived: false };
    const settle = () => { pending.arrived = true; this.inFlight.delete(id); };
    pending.drawn = this.thread!.drawNoise(seeds, counts, std, values, (sent) => { id = sent; this.inFlight.add(sent); }).then(
      (filled) => { settle(); return new DrawnNoise(seeds, counts, std, filled); },
      () => { settle(); return null; });
    return pending;
  }

  /** Hand a pass's values back for reuse once the engine has taken them. */
  release(noise: DrawnNoise): void {
    if (!this.closed && this.spare.length < SPARE_NOISE_BUFFERS) this.spare.push(noise.values);
  }

  /** Stop: cancel what is in flight (no answer reaches this run any more) and drop the buffers. */
  close(): void {
    this.closed = true;
    for (const id of [...this.inFlight]) this.thread?.cancel(id);
    this.inFlight.clear();
    this.spare.length = 0;
  }

  /** A spare buffer's first `length` values (whole buffers travel), or a new one. */
  private buffer(length: number): Float32Array {
    const at = this.spare.findIndex((values) => values.buffer.byteLength >= 4 * length);
    if (at < 0) return new Float32Array(length);
    const [values] = this.spare.splice(at, 1);
    return new Float32Array(values.buffer, 0, length);
  }
}

/** Noise buffers kept for reuse (the passes in flight plus one). */
const SPARE_NOISE_BUFFERS = 4;

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

export interface BatchStreamOptions {
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
