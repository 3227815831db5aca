/** Test a model on a split: accuracy, the tutorial's loss, and the confusion matrix [true][pred]. */
import type { NoiseAhead, PendingNoise } from '../data/pipeline';
import type { Split } from '../data/types';
import { resolveEngine, type EngineName } from '../hagen/engine';
import { argmaxRows, crossEntropy64 } from '../hagen/loss';
import type { ChipDevice, HagenEngine, HagenModel, NoiseSupply } from '../hagen/types';
import type { Rng } from '../random';

export interface EvaluateOptions { engine?: HagenEngine | EngineName; rng: Rng | null; chip?: ChipDevice; batchSize?: number }
export interface Evaluation { accuracy: number; loss: number; confusion: number[][] }

/** Binarised 0|1 images → the network's input, `image · 31` as in the tutorial (into `out` when given: no allocation). */
export function imagesToInput(images: Uint8Array, out: Float32Array = new Float32Array(images.length)): Float32Array {
  if (out.length !== images.length) throw new RangeError(`imagesToInput: out must hold images.length = ${images.length} values, got ${out.length}`);
  for (let i = 0; i < images.length; i++) out[i] = images[i] * 31;
  return out;
}

export function emptyConfusion(classes = 10): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

/** The split's test batches in order, each with the noise of its forward pass (see evaluate / evaluateAhead). */
class TestPass {
  readonly engine: HagenEngine;
  readonly batchSize: number;
  private readonly confusion = emptyConfusion();
  private correct = 0;
  private lossSum = 0;
  /** the network input of one batch, reused */
  private readonly x: Float32Array;

  constructor(private readonly model: HagenModel, private readonly split: Split, private readonly opts: EvaluateOptions) {
    this.engine = resolveEngine(opts.engine);
    this.batchSize = opts.batchSize ?? 1000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`evaluate: batchSize must be a positive integer, got ${opts.batchSize}`);
    if (split.count < 1) throw new RangeError('evaluate: the split has no images');
    this.x = new Float32Array(Math.min(this.batchSize, split.count) * 784);
  }

  get batches(): number {
    return Math.ceil(this.split.count / this.batchSize);
  }

  size(index: number): number {
    return Math.min(this.batchSize, this.split.count - index * this.batchSize);
  }

  run(index: number, noise?: NoiseSupply): void {
    const { split, opts } = this;
    const from = index * this.batchSize, n = this.size(index);
    const labels = split.labels.subarray(from, from + n);
    const x = imagesToInput(split.images.subarray(from * 784, (from + n) * 784), this.x.subarray(0, n * 784));
    const logits = this.engine.forward(this.model, x, n, opts.rng, opts.chip, noise);
    const predicted = argmaxRows(logits, n);
    for (let b = 0; b < n; b++) {
      this.confusion[labels[b]][predicted[b]]++;
      if (predicted[b] === labels[b]) this.correct++;
    }
    this.lossSum += crossEntropy64(logits, labels, n).loss * n;
  }

  result(): Evaluation {
    return { accuracy: this.correct / this.split.count, loss: this.lossSum / this.split.count, confusion: this.confusion };
  }
}

export function evaluate(model: HagenModel, split: Split, opts: EvaluateOptions): Evaluation {
  const pass = new TestPass(model, split, opts);
  for (let i = 0; i < pass.batches; i++) pass.run(i);
  return pass.result();
}

/**
 * evaluate(), with the mock noise of every batch drawn `ahead` batches in advance by `noise` (a
 * NoiseAhead over a twin of opts.rng, for this engine's layers): the same result, both cores busy.
 * Batches whose noise the thread could not draw are drawn here. Closes `noise` when done.
 */
export async function evaluateAhead(model: HagenModel, split: Split, opts: EvaluateOptions, noise: NoiseAhead, ahead = 2): Promise<Evaluation> {
  try {
    const pass = new TestPass(model, split, opts);
    // Requested in batch order: each request draws its layers' seeds from the twin stream.
    const requested: (PendingNoise | null)[] = [];
    for (let i = 0; i < pass.batches; i++) {
      while (requested.length < Math.min(pass.batches, i + ahead + 1)) requested.push(noise.next(pass.size(requested.length), true));
      const drawn = (await requested[i]?.drawn) ?? null;
      requested[i] = null;
      pass.run(i, drawn ?? undefined);
      if (drawn) noise.release(drawn);
    }
    return pass.result();
  } finally {
    noise.close();
  }
}
