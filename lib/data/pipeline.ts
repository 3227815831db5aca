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
 * The same thread also draws the mock's noise ahead (the largest single cost of a training step):
 * every mock layer seeds a NormalSource from four draws of the run's noise Rng, so the trainer
 * draws those seeds for a planned batch from a twin of that Rng (the same stream, run ahead) and
 * the thread fills the values; the engine finds them by seed (NoiseSupply) or draws them itself.
 *
 * After every epoch the thread also runs part of the test pass (lib/train/evaluate.ts
 * evaluateShared): the trainer sends a copy of the weights once (`testModel`), then test batches
 * with the random words their forward pass draws (recorded from the pass's Rng in batch order, so
 * either thread gets the same noise), and gets each batch's logits back (`tested`). The images and
 * logits buffers go back and forth and are reused, so neither thread allocates per batch.
 */
import { INPUT_MAX, ROWS_PER_CHUNK } from '../hagen/constants';
import { fastEngine } from '../hagen/fast/index';
import { drawNormalSeed, NormalFiller } from '../hagen/fast/normal';
import type { HagenModel, NoiseSupply } from '../hagen/types';
import { Rng } from '../random';
import { drawCropBoxes, resizeCrops, type AugmentMode } from './augment';
import { gatherImages, shuffledOrder } from './batches';
import type { Split } from './types';

export type ToAugmenter =
  | { type: 'resize'; id: number; images: Uint8Array; boxes: Float32Array; n: number }
  /** Fill `values` (transferred; given back filled) part by part: counts[p] values · std from seeds[4p … 4p+3]. */
  | { type: 'noise'; id: number; seeds: Int32Array; counts: number[]; std: number; values: Float32Array }
  /** The weights of test pass `pass` (a copy, kept until `testEnd`), for its `testBatch` requests. */
  | { type: 'testModel'; pass: number; model: HagenModel }
  /** Forward n binarised images with the fast engine, its Rng giving exactly `draws`, into `logits`; both transferred. Answer: `tested`. */
  | { type: 'testBatch'; id: number; pass: number; n: number; draws: Uint32Array; buffers: TestBuffers }
  | { type: 'testEnd'; pass: number };
export type FromAugmenter =
  /** prepared: resize requests are served from now on */
  | { type: 'ready' }
  /** the thread listens: noise and test requests are served from now on (they need no preparing) */
  | { type: 'noiseReady' }
  | { type: 'resized'; id: number; images: Uint8Array }
  | { type: 'noise'; id: number; values: Float32Array }
  /** a test batch's buffers given back, its logits (n·classes) filled */
  | { type: 'tested'; id: number; buffers: TestBuffers }
  | { type: 'failed'; id: number; message: string };

/** A test batch's images (n·784, 0|1) and logits (n·classes): travel together, reused across batches. */
export interface TestBuffers { images: Uint8Array; logits: Float32Array }

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

/** Let message events (a thread's answers, an abort) run; a resolved promise would not. */
export function nextMacrotask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  });
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
 * An Rng that gives back recorded draws of another stream, then refuses: a test batch's forward pass
 * draws exactly the words that pass drew from the test pass's Rng, whichever thread runs it.
 */
export class RecordedDraws extends Rng {
  private at = 0;

  constructor(private readonly words: Uint32Array) {
    super(0);
  }

  override uint32(): number {
    if (this.words === undefined) return super.uint32(); // the Rng constructor's warm-up, before `words` is set
    if (this.at >= this.words.length) throw new Error(`a test batch's forward pass drew more than its ${this.words.length} recorded random words`);
    return this.words[this.at++];
  }

  /** Recorded words not drawn (a forward pass must draw them all, or the next batch's noise would shift). */
  get unused(): number {
    return this.words.length - this.at;
  }
}

/**
 * The random words one forward pass of the fast engine draws from its Rng (when it has one): a
 * NormalSource seed (4 words) per layer when the mock's noise is on, none otherwise. RecordedDraws
 * checks that this holds.
 */
export function wordsPerForward(model: HagenModel): number {
  return model.backend === 'mock' && model.mock.noiseStd > 0 ? 4 * model.layers.length : 0;
}

/**
 * One test batch of binarised images (0|1) through `model` with the fast engine, as the tutorial's
 * `model(image · 31)`; `draws` are its Rng's words (none: no Rng, no noise). Writes the logits into `out`.
 */
export function forwardTestBatch(model: HagenModel, images: Uint8Array, n: number, draws: Uint32Array, out: Float32Array): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`test batch: n must be a positive integer, got ${n}`);
  const inFeatures = model.layers[0]?.inFeatures;
  if (!(images instanceof Uint8Array) || images.length !== n * inFeatures) throw new RangeError(`test batch: images must be a Uint8Array of n·${inFeatures} = ${n * inFeatures} pixels, got ${images?.length}`);
  const words = wordsPerForward(model);
  if (!(draws instanceof Uint32Array) || (draws.length !== 0 && draws.length !== words)) {
    throw new RangeError(`test batch: draws must be a Uint32Array of the ${words} words a forward pass draws (or none: no noise), got ${draws?.length}`);
  }
  const classes = model.layers[model.layers.length - 1].outFeatures;
  if (!(out instanceof Float32Array) || out.length !== n * classes) throw new RangeError(`test batch: out must be a Float32Array of n·${classes} = ${n * classes} logits, got ${out?.length}`);
  const rng = draws.length ? new RecordedDraws(draws) : null;
  const logits = fastEngine.forward(model, { pixels: images, scale: INPUT_MAX }, n, rng);
  if (rng?.unused) throw new Error(`test batch: the forward pass left ${rng.unused} of its ${draws.length} recorded random words undrawn`);
  out.set(logits);
  return out;
}

/**
 * The augmentation thread's side: prepare, say `ready`, then resize every request; noise
 * and test requests are served at once (`noiseReady`). A failing request is answered with `failed`,
 * so the trainer does that work itself.
 */
export function serveAugmentation(port: ThreadPort<ToAugmenter, FromAugmenter>, prepare: () => Promise<unknown>): void {
  const ready = prepare();
  let filler: NormalFiller | null = null;
  /** the weights of the test passes in progress, by pass id */
  const testModels = new Map<number, HagenModel>();
  port.listen((message) => {
    if (message?.type === 'testModel') { testModels.set(message.pass, message.model); return; }
    if (message?.type === 'testEnd') { testModels.delete(message.pass); return; }
    if (message?.type === 'testBatch') {
      try {
        const model = testModels.get(message.pass);
        if (!model) throw new Error(`test batch: test pass ${message.pass} has no model (testModel first, none after testEnd)`);
        const { images, logits } = message.buffers;
        forwardTestBatch(model, images, message.n, message.draws, logits);
        port.send({ type: 'tested', id: message.id, buffers: { images, logits } }, [images.buffer as ArrayBuffer, logits.buffer as ArrayBuffer]);
      } catch (error) {
        port.send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
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
  private readonly pending = new Map<number, { resolve: (result: Uint8Array | Float32Array | TestBuffers) => void; reject: (error: Error) => void }>();
  private readonly spareTestBuffers: TestBuffers[] = [];

  constructor(private readonly port: ThreadPort<FromAugmenter, ToAugmenter>) {
    port.listen((message) => this.receive(message), (error) => this.fail(error));
  }

  /** Whether resize requests go to the thread now (it is prepared and has not failed). */
  get ready(): boolean {
    return this.isReady && !this.broken;
  }

  /** Whether noise and test requests go to the thread now (it listens and has not failed). */
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

  /**
   * Start a test pass's share on the thread: a copy of `model`'s weights goes there (about 1 MB for the
   * tutorial model). Null when the thread does not take requests now.
   */
  openTestPass(model: HagenModel): ThreadTestPass | null {
    if (!this.noiseReady) return null;
    const pass = this.nextId++;
    const layers = model.layers.map((layer) => ({ ...layer, weight: layer.weight.slice(), bias: layer.bias.slice() }));
    // Fresh arrays, transferred: a view into a larger buffer would copy all of that buffer.
    const copy: HagenModel = { layers, shift: model.shift, backend: model.backend, mock: { ...model.mock } };
    this.port.send({ type: 'testModel', pass, model: copy }, layers.flatMap((l) => [l.weight.buffer as ArrayBuffer, l.bias.buffer as ArrayBuffer]));
    return new ThreadTestPass(this, pass);
  }

  /** A test batch of pass `pass` forwarded on the thread, `buffers` transferred and given back (see ThreadTestPass.forward). */
  forwardTest(pass: number, n: number, draws: Uint32Array, buffers: TestBuffers, onSent?: (id: number) => void): Promise<TestBuffers> {
    if (!this.noiseReady) return Promise.reject(this.broken ?? new Error('augmentation thread does not take requests yet'));
    const id = this.nextId++;
    onSent?.(id);
    return this.request(id, { type: 'testBatch', id, pass, n, draws, buffers }, [buffers.images.buffer as ArrayBuffer, buffers.logits.buffer as ArrayBuffer]) as Promise<TestBuffers>;
  }

  /** Buffers for a test batch of n images and `classes` logits per image: a spare pair (whole buffers travel) or new ones. */
  testBuffers(n: number, classes: number): TestBuffers {
    const at = this.spareTestBuffers.findIndex(({ images, logits }) => images.buffer.byteLength >= n * 784 && logits.buffer.byteLength >= 4 * n * classes);
    if (at < 0) return { images: new Uint8Array(n * 784), logits: new Float32Array(n * classes) };
    const [{ images, logits }] = this.spareTestBuffers.splice(at, 1);
    return { images: new Uint8Array(images.buffer, 0, n * 784), logits: new Float32Array(logits.buffer, 0, n * classes) };
  }

  /** Keep a test batch's buffers for the next batches (of any pass or run). */
  releaseTestBuffers(buffers: TestBuffers): void {
    if (this.spareTestBuffers.length < SPARE_TEST_BUFFERS) this.spareTestBuffers.push(buffers);
  }

  /** The thread drops the weights of test pass `pass`. */
  endTestPass(pass: number): void {
    if (!this.broken) this.port.send({ type: 'testEnd', pass });
  }

  /** Forget a request (its run stopped): its promise rejects now and a late answer is dropped. */
  cancel(id: number): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.settled(id);
    waiting.reject(new Error(`request ${id} was cancelled`));
  }

  private request(id: number, message: ToAugmenter, transfer?: ArrayBuffer[]): Promise<Uint8Array | Float32Array | TestBuffers> {
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
    else if (message.type === 'tested') waiting.resolve(message.buffers);
    else waiting.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    this.broken = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.port.keepAlive?.(false);
  }
}

/** A test pass's share on an AugmentThread: batches forwarded there with the weights sent when it opened. */
export class ThreadTestPass {
  private readonly inFlight = new Set<number>();
  private closed = false;

  constructor(private readonly thread: AugmentThread, readonly pass: number) {}

  /** Whether batches go to the thread now (the pass is open and the thread has not failed). */
  get available(): boolean {
    return !this.closed && this.thread.noiseReady;
  }

  /**
   * `use` gets the logits (n·classes) of the n binarised test images `images` forwarded on the thread
   * with the Rng words `draws` (forwardTestBatch); valid only during the call (the buffers are reused).
   * Rejects if the thread fails or refuses, or the pass closes, without calling `use`.
   */
  forward(images: Uint8Array, n: number, classes: number, draws: Uint32Array, use: (logits: Float32Array) => void): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`test pass ${this.pass} is closed`));
    const buffers = this.thread.testBuffers(n, classes);
    buffers.images.set(images);
    let id = 0;
    const settled = () => { this.inFlight.delete(id); };
    const answer = this.thread.forwardTest(this.pass, n, draws.slice(), buffers, (sent) => { id = sent; this.inFlight.add(sent); });
    answer.then(settled, settled);
    return answer.then((returned) => {
      try {
        use(returned.logits);
      } finally {
        this.thread.releaseTestBuffers(returned);
      }
    });
  }

  /** End the pass: what is in flight is cancelled (late answers are dropped), the thread drops the weights. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.inFlight]) this.thread.cancel(id);
    this.inFlight.clear();
    this.thread.endTestPass(this.pass);
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

/** Test batch buffers kept for reuse (the two batches the thread holds plus one). */
const SPARE_TEST_BUFFERS = 3;

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
