/**
 * The second thread's protocol, shared by every host: the training thread's handle (AugmentThread)
 * and the thread's side (serveAugmentation), over a ThreadPort that each host makes from its
 * transport — a worker_thread in Node (lib/host/node.ts, lib/host/augment-thread.ts), a nested Web
 * Worker in the page's training worker (lib/host/worker.ts).
 *
 * The thread takes three kinds of work off the training thread, each keyed so that results are the
 * same whichever thread does it, and each done by the training thread itself when the thread is not
 * ready, is late or fails:
 * - resizing the crop boxes the trainer drew (lib/train/batchStream.ts BatchStream);
 * - drawing the mock's noise ahead from seeds the trainer drew (lib/train/helper/noiseAhead.ts);
 * - forwarding test batches with recorded random words (lib/train/helper/testPass.ts,
 *   lib/train/evaluate.ts evaluateShared). The images and logits buffers go back and forth and are
 *   reused, so neither thread allocates per batch.
 */
import type { HagenModel } from '../../hagen/types';
import { NormalFiller } from '../../hagen/fast/normal';
import { resizeCrops, type AugmentMode } from '../../data/augment';
import { forwardTestBatch, ThreadTestPass, type TestBuffers } from './testPass';

export type { TestBuffers } from './testPass';

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

/** Test batch buffers kept for reuse (the two batches the thread holds plus one). */
const SPARE_TEST_BUFFERS = 3;

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
