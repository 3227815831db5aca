/** Test a model on a split: accuracy, the tutorial's loss, and the confusion matrix [true][pred]. */
import { nextMacrotask, type AugmentThread } from './helper/thread';
import { RecordedDraws, wordsPerForward } from './helper/testPass';
import type { Split } from '../data/types';
import { INPUT_MAX } from '../hagen/constants';
import { resolveEngine, type EngineName } from '../hagen/engine';
import { argmaxRows, crossEntropy64 } from '../hagen/loss';
import type { ChipDevice, HagenEngine, HagenModel } from '../hagen/types';
import type { Rng } from '../random';

export interface EvaluateOptions { engine?: HagenEngine | EngineName; rng: Rng | null; chip?: ChipDevice; batchSize?: number }
export interface Evaluation { accuracy: number; loss: number; confusion: number[][] }

/** Binarised 0|1 images → the network's input, `image · 31` as in the tutorial (into `out` when given: no allocation). */
export function imagesToInput(images: Uint8Array, out: Float32Array = new Float32Array(images.length)): Float32Array {
  if (out.length !== images.length) throw new RangeError(`imagesToInput: out must hold images.length = ${images.length} values, got ${out.length}`);
  for (let i = 0; i < images.length; i++) out[i] = images[i] * 31;
  return out;
}

function emptyConfusion(classes = 10): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

/** The split's test batches (any order, any thread), each recorded from its logits; the result as one loop in batch order. */
class TestPass {
  readonly engine: HagenEngine;
  readonly batchSize: number;
  private readonly confusion = emptyConfusion();
  private correct = 0;
  /** loss · n of every batch, summed in batch order at the end (the same float sum as one loop) */
  private readonly batchLoss: Float64Array;
  private readonly recorded: Uint8Array;

  constructor(private readonly model: HagenModel, private readonly split: Split, private readonly opts: EvaluateOptions) {
    this.engine = resolveEngine(opts.engine);
    this.batchSize = opts.batchSize ?? 1000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`evaluate: batchSize must be a positive integer, got ${opts.batchSize}`);
    if (split.count < 1) throw new RangeError('evaluate: the split has no images');
    this.batchLoss = new Float64Array(this.batches);
    this.recorded = new Uint8Array(this.batches);
  }

  get batches(): number {
    return Math.ceil(this.split.count / this.batchSize);
  }

  size(index: number): number {
    return Math.min(this.batchSize, this.split.count - index * this.batchSize);
  }

  /** Batch `index`'s images (a view into the split). */
  images(index: number): Uint8Array {
    const from = index * this.batchSize;
    return this.split.images.subarray(from * 784, (from + this.size(index)) * 784);
  }

  /** Forward batch `index` in this thread with `rng` (default: the pass's), and record it. */
  run(index: number, rng: Rng | null = this.opts.rng): void {
    // image · 31 as scaled pixels: the fast engine lists them without a float copy
    const x = { pixels: this.images(index), scale: INPUT_MAX };
    this.record(index, this.engine.forward(this.model, x, this.size(index), rng, this.opts.chip));
  }

  /** Count batch `index`'s predictions and loss from its logits (n·10). */
  record(index: number, logits: Float32Array): void {
    if (this.recorded[index]) throw new Error(`evaluate: test batch ${index} was recorded twice`);
    const n = this.size(index);
    const from = index * this.batchSize;
    const labels = this.split.labels.subarray(from, from + n);
    const predicted = argmaxRows(logits, n);
    for (let b = 0; b < n; b++) {
      this.confusion[labels[b]][predicted[b]]++;
      if (predicted[b] === labels[b]) this.correct++;
    }
    this.batchLoss[index] = crossEntropy64(logits, labels, n).loss * n;
    this.recorded[index] = 1;
  }

  result(): Evaluation {
    let lossSum = 0;
    for (let i = 0; i < this.batches; i++) {
      if (!this.recorded[i]) throw new Error(`evaluate: test batch ${i} was never run`);
      lossSum += this.batchLoss[i];
    }
    return { accuracy: this.correct / this.split.count, loss: lossSum / this.split.count, confusion: this.confusion };
  }
}

export function evaluate(model: HagenModel, split: Split, opts: EvaluateOptions): Evaluation {
  const pass = new TestPass(model, split, opts);
  for (let i = 0; i < pass.batches; i++) pass.run(i);
  return pass.result();
}

/** How far a stepwise evaluation is: images evaluated of `count`; `result` once all are. */
export interface EvaluationProgress {
  evaluated: number;
  count: number;
  result: Evaluation | null;
}

/**
 * evaluate() one batch at a time, a macrotask between batches (a signal, a redraw, a message can run): the same
 * batches, noise draws and result as evaluate() with the same options. Yields after every batch; the last value
 * has `result`. Stops between batches when `signal` aborts (no further value). The loaded model's evaluation
 * (cells/modelfile.ts `loadedEvaluation`, which the CLI's `run --load` reports) runs on it.
 */
export async function* evaluateStepwise(model: HagenModel, split: Split, opts: EvaluateOptions & { signal?: AbortSignal }): AsyncGenerator<EvaluationProgress> {
  const pass = new TestPass(model, split, opts);
  let evaluated = 0;
  for (let i = 0; i < pass.batches; i++) {
    if (opts.signal?.aborted) return;
    pass.run(i);
    evaluated += pass.size(i);
    const last = i === pass.batches - 1;
    yield { evaluated, count: split.count, result: last ? pass.result() : null };
    if (!last) await nextMacrotask();
  }
}

/** Test batches the augmentation thread holds at once: one it forwards, one waiting (it never idles between them). */
const THREAD_QUEUE = 2;

/**
 * evaluate() for the mock with the fast engine, its batches shared between this thread and
 * `thread` (lib/train/helper/testPass.ts ThreadTestPass): the same result, both cores busy. Each batch's
 * noise seeds are drawn from opts.rng up front, in batch order (what evaluate draws), and replayed
 * by whichever thread runs the batch. This thread takes batches from the front, the other from the
 * back, two at a time; when none are left, this thread takes back what the other has not started and
 * waits for the one it is on only as long as running it here would take. If the thread is not
 * available or fails, this thread runs the rest. Resolves null when `signal` aborts (between batches).
 */
export async function evaluateShared(model: HagenModel, split: Split, opts: EvaluateOptions & { signal?: AbortSignal }, thread: AugmentThread | null): Promise<Evaluation | null> {
  const pass = new TestPass(model, split, opts);
  if (pass.engine.name !== 'fast') throw new Error(`evaluateShared: the thread runs the fast engine, so the engine must be 'fast', got '${pass.engine.name}'`);
  const batches = pass.batches;
  const words = opts.rng ? wordsPerForward(model) : 0;
  const draws = new Uint32Array(batches * words);
  for (let i = 0; i < draws.length; i++) draws[i] = opts.rng!.uint32();
  const drawsOf = (index: number) => draws.subarray(index * words, (index + 1) * words);
  const UNCLAIMED = 0, ON_THREAD = 1, DONE = 2;
  const state = new Uint8Array(batches);
  /** batches on the thread, in the order sent; each entry settles when its answer is in (or lost) */
  const onThread = new Map<number, Promise<void>>();
  let threadAnswers = 0;
  /** this thread's speed, from its last batch */
  let msPerImage = 0;
  const runHere = (index: number) => {
    state[index] = DONE;
    const started = performance.now();
    pass.run(index, words ? new RecordedDraws(drawsOf(index)) : null);
    msPerImage = (performance.now() - started) / pass.size(index);
  };
  const classes = model.layers[model.layers.length - 1].outFeatures;
  const remote = batches > 1 ? thread?.openTestPass(model) ?? null : null;
  const send = () => {
    while (remote?.available && onThread.size < THREAD_QUEUE) {
      const first = state.indexOf(UNCLAIMED), last = state.lastIndexOf(UNCLAIMED);
      if (last <= first) return; // the last one stays here: this thread is free whenever this runs
      state[last] = ON_THREAD;
      const answered = remote.forward(pass.images(last), pass.size(last), classes, drawsOf(last), (logits) => {
        if (state[last] === DONE) return; // taken back meanwhile
        pass.record(last, logits);
        state[last] = DONE;
        threadAnswers++;
      }).then(undefined, () => {
        // The thread failed or refused: this thread runs the batch, and the rest of the pass.
        if (state[last] === ON_THREAD) state[last] = UNCLAIMED;
        remote.close();
      }).finally(() => {
        onThread.delete(last);
        send();
      });
      onThread.set(last, answered);
    }
  };
  try {
    for (;;) {
      if (opts.signal?.aborted) return null;
      send();
      const next = state.indexOf(UNCLAIMED);
      if (next >= 0) {
        runHere(next);
        await nextMacrotask(); // the thread's answers come in, it gets its next batch
        continue;
      }
      const waiting = [...onThread.keys()].filter((index) => state[index] === ON_THREAD);
      if (waiting.length === 0) break;
      // Taken back: a batch the thread has not started (sent last), or the one it is on when it has not
      // answered yet in this pass (it may be stuck) or does not answer within the time it takes here.
      const current = waiting[0];
      if (waiting.length === 1 && threadAnswers > 0) {
        await settledWithin(onThread.get(current)!, msPerImage * pass.size(current), opts.signal);
        if (state[current] !== ON_THREAD) continue;
      }
      runHere(waiting[waiting.length - 1]);
      await nextMacrotask();
    }
    return pass.result();
  } finally {
    remote?.close();
  }
}

/** Resolves when `promise` settles, `ms` pass, or `signal` aborts, whichever comes first. */
function settledWithin(promise: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
    promise.then(done, done);
  });
}
