/**
 * Seeded batching: which images go into which batch, in which order. Pure integer arithmetic via
 * lib/random.ts, so the same seed gives the same batches in Node, in the page and in a worker.
 */
import { Rng } from '../random';
import { IMAGE_PIXELS, NUM_CLASSES, type Split } from './types';

export type { Split, Dataset } from './types';

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function identityOrder(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

/** The visiting order of `count` images in one epoch: a seeded permutation, different per epoch. */
export function shuffledOrder(count: number, seed: number, epoch: number): Uint32Array {
  requireInteger('count', count, 0, 0xffffffff);
  requireInteger('epoch', epoch, 0, Number.MAX_SAFE_INTEGER);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return Rng.derive(seed, `shuffle/${epoch}`).shuffle(identityOrder(count));
}

/**
 * The training set a run actually uses: `trainSize` images chosen by a seeded permutation (kept in
 * MNIST order, so trainSize = count is the whole split, its images shared rather than copied), with a
 * `labelNoise` fraction of the labels (exactly round(labelNoise * trainSize) of them) replaced by a
 * uniformly random *other* label. Labels are always a fresh array; images are read-only.
 */
export function trainSubset(split: Split, trainSize: number, labelNoise: number, seed: number): Split {
  requireInteger('trainSize', trainSize, 1, split.count);
  if (!Number.isFinite(labelNoise) || labelNoise < 0 || labelNoise > 1) {
    throw new RangeError(`labelNoise must be a number from 0 to 1, got ${labelNoise}`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);

  let images: Uint8Array;
  let labels: Uint8Array;
  if (trainSize === split.count) {
    images = split.images;
    labels = split.labels.slice();
  } else {
    const chosen = Rng.derive(seed, 'subset').shuffle(identityOrder(split.count)).subarray(0, trainSize).sort();
    ({ images, labels } = gatherImages(split, chosen, 0, trainSize));
  }

  const noisyCount = Math.round(labelNoise * trainSize);
  if (noisyCount > 0) {
    const rng = Rng.derive(seed, 'labelNoise');
    const victims = rng.shuffle(identityOrder(trainSize)).subarray(0, noisyCount);
    for (const i of victims) labels[i] = (labels[i] + 1 + rng.int(NUM_CLASSES - 1)) % NUM_CLASSES;
  }
  return { images, labels, count: trainSize };
}

/** Copy images and labels of `indices[from..to)` into fresh contiguous arrays (one batch). */
export function gatherImages(
  split: Split,
  indices: ArrayLike<number>,
  from: number,
  to: number,
): { images: Uint8Array; labels: Uint8Array } {
  requireInteger('from', from, 0, indices.length);
  requireInteger('to', to, from, indices.length);
  const n = to - from;
  const images = new Uint8Array(n * IMAGE_PIXELS);
  const labels = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    const index = indices[from + b];
    if (!Number.isInteger(index) || index < 0 || index >= split.count) {
      throw new RangeError(`indices[${from + b}] must be an image index from 0 to ${split.count - 1}, got ${index}`);
    }
    images.set(split.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), b * IMAGE_PIXELS);
    labels[b] = split.labels[index];
  }
  return { images, labels };
}
