/** Test a model on a split: accuracy, the tutorial's loss, and the confusion matrix [true][pred]. */
import type { Split } from '../data/types';
import { resolveEngine, type EngineName } from '../hagen/engine';
import { argmaxRows, crossEntropy64 } from '../hagen/loss';
import type { ChipDevice, HagenEngine, HagenModel } from '../hagen/types';
import type { Rng } from '../random';

export interface EvaluateOptions { engine?: HagenEngine | EngineName; rng: Rng | null; chip?: ChipDevice; batchSize?: number }
export interface Evaluation { accuracy: number; loss: number; confusion: number[][] }

/** Binarised 0|1 images → the network's input, `image · 31` as in the tutorial. */
export function imagesToInput(images: Uint8Array): Float32Array {
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] * 31;
  return x;
}

export function emptyConfusion(classes = 10): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

export function evaluate(model: HagenModel, split: Split, opts: EvaluateOptions): Evaluation {
  const engine = resolveEngine(opts.engine);
  const batchSize = opts.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  if (split.count < 1) throw new RangeError('evaluate: the split has no images');
  const confusion = emptyConfusion();
  let correct = 0;
  let lossSum = 0;
  for (let from = 0; from < split.count; from += batchSize) {
    const n = Math.min(batchSize, split.count - from);
    const labels = split.labels.subarray(from, from + n);
    const logits = engine.forward(model, imagesToInput(split.images.subarray(from * 784, (from + n) * 784)), n, opts.rng, opts.chip);
    const predicted = argmaxRows(logits, n);
    for (let b = 0; b < n; b++) {
      confusion[labels[b]][predicted[b]]++;
      if (predicted[b] === labels[b]) correct++;
    }
    lossSum += crossEntropy64(logits, labels, n).loss * n;
  }
  return { accuracy: correct / split.count, loss: lossSum / split.count, confusion };
}
