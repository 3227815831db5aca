// @vitest-environment jsdom
/** Pure helpers behind the page's display cells (lib/ui, lib/data/sample, lib/draw) and the training status patch. */
import { describe, expect, it } from 'vitest';
import type { Split } from '../../lib/data/types';
import { Rng } from '../../lib/random';
import { coverHalf } from '../../lib/draw/raster';
import { sampleIndices, sampleOfDigit } from '../../lib/data/sample';
import { topOneCounts } from '../../lib/ui/pad';
import { figureWidth, nextRenderDelay, throttledRoot } from '../../lib/ui/throttle';
import { findMistakes } from '../../lib/ui/mistakes';
import { patchStatus, trainingStatus } from '../../lib/ui/trainingStatus';

function split(labels: number[]): Split {
  const images = new Uint8Array(labels.length * 784);
  labels.forEach((label, i) => images.fill(label % 2, i * 784, i * 784 + 784)); // odd digits all ink
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

describe('display helpers', () => {
  it('figureWidth clamps to 280..760 and steps by 20 px; rejects non-numbers', () => {
    expect(figureWidth(100)).toBe(280);
    expect(figureWidth(655)).toBe(640);
    expect(figureWidth(5000)).toBe(760);
    expect(() => figureWidth(NaN)).toThrow(/columnWidth/);
  });

  it('nextRenderDelay draws at once on a new key, else waits out the interval', () => {
    expect(nextRenderDelay(1000, 1100, 300, true)).toBe(0);
    expect(nextRenderDelay(1000, 1100, 300, false)).toBe(200);
    expect(nextRenderDelay(1000, 1400, 300, false)).toBe(0);
    expect(() => nextRenderDelay(0, 0, -1, false)).toThrow(/intervalMs/);
  });

  it('throttledRoot keeps its root across runs and redraws at once only for a new key', () => {
    let draws = 0;
    const first = throttledRoot(undefined, 'x', 'a', 10_000, () => { draws++; return document.createTextNode('one'); });
    const second = throttledRoot(first, 'x', 'a', 10_000, () => { draws++; return document.createTextNode('two'); });
    expect(second).toBe(first);
    expect(first.textContent).toBe('one'); // throttled: the trailing draw is pending
    throttledRoot(first, 'x', 'b', 10_000, () => { draws++; return document.createTextNode('three'); });
    expect(first.textContent).toBe('three');
    expect(draws).toBe(2);
  });

  it('coverHalf blanks exactly one half and rejects bad input', () => {
    const full = new Uint8Array(784).fill(1);
    const bottom = coverHalf(full, 'bottom');
    expect(bottom.slice(0, 392).every((v) => v === 1)).toBe(true);
    expect(bottom.slice(392).every((v) => v === 0)).toBe(true);
    const right = coverHalf(full, 'right');
    expect(right[13]).toBe(1);
    expect(right[14]).toBe(0);
    expect(full[500]).toBe(1); // the input is left alone
    expect(() => coverHalf(new Uint8Array(10), 'top')).toThrow(/784/);
    expect(() => coverHalf(full, 'middle' as 'top')).toThrow(/half must be one of/);
  });

  it('topOneCounts counts each run\'s winning digit', () => {
    const logits = new Float32Array(30);
    logits[3] = 5; logits[10 + 3] = 1; logits[20 + 7] = 9;
    expect(topOneCounts(logits, 3)).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 0, 0]);
    expect(() => topOneCounts(logits, 2)).toThrow(/runs × 10/);
  });

  it('sampleOfDigit returns an image of that class, or null when there is none', () => {
    const data = split([1, 2, 1, 3]);
    const image = sampleOfDigit(data, 3, new Rng(1))!;
    expect(image.length).toBe(784);
    expect(image[0]).toBe(1);
    expect(sampleOfDigit(data, 9, new Rng(1))).toBeNull();
    expect(() => sampleOfDigit(data, 10, new Rng(1))).toThrow(/digit/);
  });

  it('sampleIndices draws distinct indices', () => {
    const picked = sampleIndices(split([0, 1, 2, 3, 4, 5]), 4, new Rng(2));
    expect(new Set(picked).size).toBe(4);
    expect(() => sampleIndices(split([0]), 0, new Rng(2))).toThrow(/count/);
  });

  it('findMistakes lists the test images of the true digit that the classifier reads as the other', async () => {
    const data = split([4, 9, 4, 4, 7]);
    // a "classifier" that reads every 4 with ink... none here: 4 is even, so its images are blank → reads them as 9
    const found = await findMistakes(data, { trueDigit: 4, predictedDigit: 9 }, (images, count) =>
      Array.from({ length: count }, (_, k) => (images[k * 784] ? 1 : 9)), async () => {});
    expect(found).toEqual([0, 2, 3]);
    await expect(findMistakes(data, { trueDigit: 11, predictedDigit: 9 }, () => [], async () => {})).rejects.toThrow(/trueDigit/);
  });

  it('patchStatus updates numbers in place while the state stays, and refuses a new state', () => {
    const base = { epoch: 1, epochs: 4, batchesPerEpoch: 300, loss: 0.1, samplesPerSecond: 1000 };
    const shown = trainingStatus({ ...base, state: 'running', batch: 10 });
    const button = shown.querySelector('button');
    expect(patchStatus(shown, trainingStatus({ ...base, state: 'running', batch: 200 }))).toBe(true);
    expect(shown.querySelector('.zf-facts')!.textContent).toMatch(/batch 200 of 300/);
    expect(shown.querySelector('button')).toBe(button); // the Stop button the reader may be pressing stays
    expect(patchStatus(shown, trainingStatus({ ...base, state: 'done', batch: 300 }))).toBe(false);
  });
});
