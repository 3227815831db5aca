/**
 * The test pass's pieces that either thread runs: a batch forwarded with the random words it draws
 * recorded up front (so its noise does not depend on the thread), and the training thread's handle on
 * the second thread's share of a pass (lib/train/evaluate.ts evaluateShared).
 */
import { INPUT_MAX } from '../../hagen/constants';
import { fastEngine, noiseDrawPlan } from '../../hagen/fast/index';
import type { HagenModel } from '../../hagen/types';
import { Rng } from '../../random';
import { layerInputSize } from '../../hagen/conv';

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

/** The random words one forward pass of the fast engine draws from its Rng (its noise-draw plan); RecordedDraws checks that this holds. */
export function wordsPerForward(model: HagenModel): number {
  return noiseDrawPlan(model, 1).reduce((sum, draw) => sum + draw.seedWords, 0);
}

/**
 * One test batch of binarised images (0|1) through `model` with the fast engine, as the tutorial's
 * `model(image · 31)`; `draws` are its Rng's words (none: no Rng, no noise). Writes the logits into `out`.
 */
export function forwardTestBatch(model: HagenModel, images: Uint8Array, n: number, draws: Uint32Array, out: Float32Array): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`test batch: n must be a positive integer, got ${n}`);
  const inFeatures = model.layers[0] ? layerInputSize(model.layers[0]) : NaN;
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

/** A test batch's images and logits, lent to the helper thread and back (transferred, not copied). */
export interface TestBuffers { images: Uint8Array; logits: Float32Array }

/** What a test pass needs of the helper thread (AugmentThread, thread.ts, is one). */
interface TestPassThread {
  readonly noiseReady: boolean;
  testBuffers(n: number, classes: number): TestBuffers;
  releaseTestBuffers(buffers: TestBuffers): void;
  forwardTest(pass: number, n: number, draws: Uint32Array, buffers: TestBuffers, onSent?: (id: number) => void): Promise<TestBuffers>;
  cancel(id: number): void;
  endTestPass(pass: number): void;
}

/** A test pass's share on an AugmentThread: batches forwarded there with the weights sent when it opened. */
export class ThreadTestPass {
  private readonly inFlight = new Set<number>();
  private closed = false;

  constructor(private readonly thread: TestPassThread, readonly pass: number) {}

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
