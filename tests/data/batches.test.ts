import { describe, expect, it } from 'vitest';
import { gatherImages, shuffledOrder, trainSubset } from '../../lib/data/batches';
import type { Split } from '../../lib/data/types';

/** A split whose image i is filled with (i % 251) so gathered images can be recognised. */
function fakeSplit(count: number): Split {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i % 251, i * 784, (i + 1) * 784);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count };
}

/** Byte-wise equality; vitest's toEqual walks big typed arrays element by element (seconds). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const isPermutation = (order: Uint32Array, n: number) =>
  order.length === n && new Set(order).size === n && order.every((v) => v < n);

describe('shuffledOrder', () => {
  it('is a seeded permutation, different per epoch and per seed, equal for equal inputs', () => {
    const a = shuffledOrder(1000, 7, 0);
    expect(isPermutation(a, 1000)).toBe(true);
    expect(shuffledOrder(1000, 7, 0)).toEqual(a);
    expect(shuffledOrder(1000, 7, 1)).not.toEqual(a);
    expect(shuffledOrder(1000, 8, 0)).not.toEqual(a);
    expect(a.slice(0, 10)).not.toEqual(Uint32Array.from({ length: 10 }, (_, i) => i));
  });

  it('matches the recorded orders (a change breaks reproducing saved runs in every host)', () => {
    expect(Array.from(shuffledOrder(10, 1, 0))).toEqual([9, 6, 2, 4, 3, 7, 1, 0, 5, 8]);
    expect(Array.from(shuffledOrder(60000, 1, 3).subarray(0, 5))).toEqual([45676, 10552, 28763, 45655, 50854]);
  });

  it('puts every image first equally often', () => {
    const counts = new Float64Array(10);
    for (let epoch = 0; epoch < 2000; epoch++) counts[shuffledOrder(10, 1, epoch)[0]]++;
    // Uniform first element: each position about 200 times.
    for (const c of counts) expect(Math.abs(c - 200)).toBeLessThan(60);
  });

  it('rejects bad input', () => {
    expect(() => shuffledOrder(-1, 1, 0)).toThrow(/count must be an integer/);
    expect(() => shuffledOrder(10, 1, 0.5)).toThrow(/epoch must be an integer/);
    expect(() => shuffledOrder(10, NaN, 0)).toThrow(/seed must be a finite number/);
  });
});

describe('trainSubset', () => {
  const split = fakeSplit(500);

  it('takes trainSize distinct images in MNIST order, seeded', () => {
    const split = fakeSplit(250); // image ids i % 251 stay unique
    const sub = trainSubset(split, 100, 0, 3);
    expect(sub.count).toBe(100);
    expect(sub.images.length).toBe(100 * 784);
    const ids = Array.from({ length: 100 }, (_, i) => sub.images[i * 784]);
    expect(new Set(ids).size).toBe(100);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    ids.forEach((id, i) => expect(sub.labels[i]).toBe(id % 10));
    const again = trainSubset(split, 100, 0, 3);
    expect(sameBytes(again.images, sub.images) && sameBytes(again.labels, sub.labels)).toBe(true);
    expect(sameBytes(trainSubset(split, 100, 0, 4).images, sub.images)).toBe(false);
  });

  it('uses the whole split without copying images when trainSize = count', () => {
    const all = trainSubset(split, 500, 0, 1);
    expect(all.images).toBe(split.images);
    expect(sameBytes(all.labels, split.labels)).toBe(true);
    expect(all.labels).not.toBe(split.labels);
  });

  it('replaces exactly round(labelNoise * trainSize) labels by other labels, uniformly', () => {
    const big = fakeSplit(20000);
    const noisy = trainSubset(big, 20000, 0.3, 9);
    const clean = big.labels;
    let changed = 0;
    const newLabelCounts = new Float64Array(10);
    for (let i = 0; i < 20000; i++) {
      if (noisy.labels[i] !== clean[i]) {
        changed++;
        newLabelCounts[noisy.labels[i]]++;
      }
    }
    expect(changed).toBe(6000);
    for (const c of newLabelCounts) expect(Math.abs(c - 600)).toBeLessThan(100);
    expect(sameBytes(clean, fakeSplit(20000).labels)).toBe(true); // input untouched
    const subsetNoisy = trainSubset(big, 1000, 1, 2);
    const subsetClean = trainSubset(big, 1000, 0, 2);
    expect(sameBytes(subsetNoisy.images, subsetClean.images)).toBe(true);
    for (let i = 0; i < 1000; i++) expect(subsetNoisy.labels[i]).not.toBe(subsetClean.labels[i]);
  });

  it('rejects bad sizes and noise', () => {
    expect(() => trainSubset(split, 0, 0, 1)).toThrow(/trainSize must be an integer from 1 to 500, got 0/);
    expect(() => trainSubset(split, 501, 0, 1)).toThrow(/trainSize must be an integer from 1 to 500, got 501/);
    expect(() => trainSubset(split, 10, 1.5, 1)).toThrow(/labelNoise must be a number from 0 to 1, got 1.5/);
  });
});

describe('gatherImages', () => {
  it('copies the chosen images and labels in order', () => {
    const split = fakeSplit(50);
    const { images, labels } = gatherImages(split, [4, 17, 4, 33], 1, 4);
    expect(images.length).toBe(3 * 784);
    expect([images[0], images[784], images[2 * 784 + 783]]).toEqual([17, 4, 33]);
    expect(Array.from(labels)).toEqual([7, 4, 3]);
  });

  it('rejects bad ranges and indices', () => {
    const split = fakeSplit(5);
    expect(() => gatherImages(split, [0, 1], 1, 3)).toThrow(/to must be an integer from 1 to 2, got 3/);
    expect(() => gatherImages(split, [0, 9], 0, 2)).toThrow(/indices\[1\] must be an image index from 0 to 4, got 9/);
  });
});
