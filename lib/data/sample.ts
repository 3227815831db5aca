/** Picking test images to show: random samples of a split, one image by index, a random image of a digit. */
import type { Rng } from '../random';
import { IMAGE_PIXELS, type Split } from './types';

/** `count` distinct image indices of `split`, drawn from `rng`. */
export function sampleIndices(split: Split, count: number, rng: Rng): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const wanted = Math.min(count, split.count);
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(rng.int(split.count));
  return [...chosen];
}

export function imageOf(split: Split, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= split.count) throw new RangeError(`index must be an image index from 0 to ${split.count - 1}, got ${index}`);
  return split.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
}

/** Share of lit pixels in an image (to say how much of a crop is left). */
export function inkShare(image: ArrayLike<number>): number {
  let lit = 0;
  for (let i = 0; i < image.length; i++) lit += image[i] ? 1 : 0;
  return lit / image.length;
}

/** A random test image of each class, for the pad's 0–9 buttons. */
export function sampleOfDigit(split: Split, digit: number, rng: Rng): Uint8Array | null {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError(`digit must be a whole number from 0 to 9, got ${digit}`);
  const start = rng.int(split.count);
  for (let k = 0; k < split.count; k++) {
    const index = (start + k) % split.count;
    if (split.labels[index] === digit) return split.images.slice(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
  }
  return null;
}
