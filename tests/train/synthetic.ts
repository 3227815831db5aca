/** A small learnable stand-in for MNIST: digit d lights a 4-pixel-high band at row 2·d, plus sparse noise. */
import type { Dataset, Split } from '../../lib/data/types';
import { Rng } from '../../lib/random';

export function syntheticSplit(count: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.int(10);
    labels[i] = label;
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      const inBand = row >= 2 * label + 2 && row < 2 * label + 6 && p % 28 > 4 && p % 28 < 24;
      images[i * 784 + p] = inBand ? (rng.next() < 0.9 ? 1 : 0) : rng.next() < 0.05 ? 1 : 0;
    }
  }
  return { images, labels, count };
}

export function syntheticDataset(trainCount = 600, testCount = 200): Dataset {
  return { train: syntheticSplit(trainCount, 1), test: syntheticSplit(testCount, 2) };
}
