import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropBoxToNormalised, drawCropBoxes, resizeCrops } from '../../lib/data/augment';
import { resizeCropsWithTfjs } from '../../lib/data/augment-tfjs';
import { cropAndResizeBilinear, cropAndResizeBinarised, type CropResizeOptions } from '../../lib/data/cropResize';
import type { Split } from '../../lib/data/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { Rng } from '../../lib/random';
import { initTf } from '../../lib/tf/backend';

/** augment.ts's rounding threshold (0.5 plus its tie tolerance). */
const THRESHOLD = 0.5 + 1e-4;
const BATCH = 200;
const BACKENDS = ['wasm', 'cpu'] as const;

let mnist: Split;
beforeAll(async () => {
  await initTf();
  mnist = (await loadMnistNode()).train;
}, 60_000);

/** tf.image.cropAndResize (box b crops image b) on the named tfjs backend: the oracle. */
async function tfjsCropAndResize(
  backend: (typeof BACKENDS)[number],
  images: Uint8Array | Float32Array,
  n: number,
  boxes: Float32Array,
  { imageHeight = 28, imageWidth = 28, cropHeight = 28, cropWidth = 28, extrapolationValue = 0 }: CropResizeOptions = {},
): Promise<Float32Array> {
  await initTf(backend);
  try {
    expect(tf.getBackend()).toBe(backend);
    const result = tf.tidy(() =>
      tf.image.cropAndResize(
        tf.tensor4d(Float32Array.from(images), [n, imageHeight, imageWidth, 1]),
        tf.tensor2d(boxes, [n, 4]),
        tf.tensor1d(Int32Array.from({ length: n }, (_, b) => b), 'int32'),
        [cropHeight, cropWidth],
        'bilinear',
        extrapolationValue,
      ),
    );
    const values = result.dataSync() as Float32Array;
    result.dispose();
    return values;
  } finally {
    await initTf();
  }
}

function binarise(values: Float32Array, threshold = THRESHOLD): Uint8Array {
  return Uint8Array.from(values, (v) => (v > threshold ? 1 : 0));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function countDifferent(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

/**
 * 0|1 images of random thick strokes that run into the image's edges and corners (MNIST's blank
 * border would hide how samples outside the image are treated), plus sparse specks.
 */
function strokeImages(n: number, seed: number, side = 28): Uint8Array {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * side * side);
  for (let b = 0; b < n; b++) {
    const image = images.subarray(b * side * side, (b + 1) * side * side);
    for (let stroke = 1 + rng.int(4); stroke > 0; stroke--) {
      const [ya, xa, yb, xb] = [rng.uniform(-2, side + 1), rng.uniform(-2, side + 1), rng.uniform(-2, side + 1), rng.uniform(-2, side + 1)];
      const radius = rng.uniform(0.6, 2.2);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const dy = yb - ya;
          const dx = xb - xa;
          const t = Math.max(0, Math.min(1, ((y - ya) * dy + (x - xa) * dx) / (dy * dy + dx * dx || 1)));
          if (Math.hypot(y - (ya + t * dy), x - (xa + t * dx)) <= radius) image[y * side + x] = 1;
        }
      }
    }
    for (let speck = rng.int(6); speck > 0; speck--) image[rng.int(side * side)] = 1;
  }
  return images;
}

/** The typed kernels against both backends: floats bit-identical to cpu, within 1e-5 of wasm; binarised identical to both. */
async function expectMatchesTfjs(images: Uint8Array | Float32Array, n: number, boxes: Float32Array, options: CropResizeOptions = {}): Promise<void> {
  const floats = cropAndResizeBilinear(images, n, boxes, options);
  const bits = cropAndResizeBinarised(images, n, boxes, THRESHOLD, options);
  expect(countDifferent(bits, binarise(floats))).toBe(0);
  const onCpu = await tfjsCropAndResize('cpu', images, n, boxes, options);
  expect(Buffer.from(floats.buffer).equals(Buffer.from(onCpu.buffer))).toBe(true);
  const onWasm = await tfjsCropAndResize('wasm', images, n, boxes, options);
  expect(maxDifference(floats, onWasm)).toBeLessThan(1e-5);
  expect(countDifferent(bits, binarise(onWasm))).toBe(0);
}

describe('resizeCrops: typed kernel vs tf.image.cropAndResize', () => {
  for (const mode of ['crop', 'mild'] as const) {
    it(`${mode}: 20 batches of 200 MNIST digits give identical pixels on wasm and cpu, floats within 1e-5`, async () => {
      const rng = new Rng(mode === 'crop' ? 31 : 32);
      let worstWasm = 0;
      let ink = 0;
      for (let batch = 0; batch < 20; batch++) {
        const images = mnist.images.subarray(batch * BATCH * 784, (batch + 1) * BATCH * 784);
        const boxes = drawCropBoxes(BATCH, mode, rng)!;
        const typed = resizeCrops(images, BATCH, boxes);
        for (const backend of BACKENDS) {
          await initTf(backend);
          try {
            expect(countDifferent(typed, resizeCropsWithTfjs(images, BATCH, boxes))).toBe(0);
          } finally {
            await initTf();
          }
        }
        const floats = cropAndResizeBilinear(images, BATCH, boxes);
        expect(maxDifference(floats, await tfjsCropAndResize('cpu', images, BATCH, boxes))).toBe(0);
        worstWasm = Math.max(worstWasm, maxDifference(floats, await tfjsCropAndResize('wasm', images, BATCH, boxes)));
        ink += typed.reduce((s, v) => s + v, 0);
      }
      expect(worstWasm).toBeLessThan(1e-5);
      expect(ink / (20 * BATCH * 784)).toBeGreaterThan(0.15); // real crops: digits fill much of the frame
    }, 120_000);
  }

  it('stroke images that touch the edges: 20 batches of drawn boxes match both backends', async () => {
    const rng = new Rng(33);
    for (let batch = 0; batch < 20; batch++) {
      const boxes = drawCropBoxes(BATCH, batch % 2 ? 'mild' : 'crop', rng)!;
      await expectMatchesTfjs(strokeImages(BATCH, 100 + batch), BATCH, boxes);
    }
  }, 120_000);

  it('every pixel box size (1..28 x 1..28) at all four corners and one random place matches both backends', async () => {
    const rng = new Rng(34);
    const boxes: number[] = [];
    const onLastPixel: number[] = [];
    // A sample lands exactly on the last row (column) when top + (i + 0.5)·h/28 - 0.5 = 27 for some
    // crop row i: h = 4 at top = 24 (and the identity). There the wasm backend's float32 position
    // overshoots 27 (→ outside → 0) where the cpu backend's float64 one does not; the typed kernel
    // follows the cpu backend. Boxes 4 pixels high or wide are never drawn (aspect ratio ≤ 4/3 and
    // area ≥ 8 % rule them out), so the two backends agree on every augmentation box.
    const touchesLast = (start: number, size: number) => size === 4 && start === 24;
    for (let height = 1; height <= 28; height++) {
      for (let width = 1; width <= 28; width++) {
        const places = [
          [0, 0], [0, 28 - width], [28 - height, 0], [28 - height, 28 - width],
          [rng.int(29 - height), rng.int(29 - width)],
        ];
        for (const [top, left] of places) {
          const box = cropBoxToNormalised({ top, left, height, width });
          (touchesLast(top, height) || touchesLast(left, width) ? onLastPixel : boxes).push(...box);
        }
      }
    }
    const n = boxes.length / 4;
    await expectMatchesTfjs(strokeImages(n, 35), n, Float32Array.from(boxes));

    const m = onLastPixel.length / 4;
    const edgeBoxes = Float32Array.from(onLastPixel);
    const images = new Uint8Array(m * 784).fill(1);
    const floats = cropAndResizeBilinear(images, m, edgeBoxes);
    expect(maxDifference(floats, await tfjsCropAndResize('cpu', images, m, edgeBoxes))).toBe(0);
    expect(maxDifference(floats, await tfjsCropAndResize('wasm', images, m, edgeBoxes))).toBe(1);
    const drawRng = new Rng(36);
    for (const mode of ['crop', 'mild'] as const) {
      const drawn = drawCropBoxes(20_000, mode, drawRng)!;
      for (let b = 0; b < 20_000; b++) {
        // Pixel height and width back from cropBoxToNormalised: y2 - y1 = (h - h/28) / 27 = h / 28.
        const height = Math.round((drawn[b * 4 + 2] - drawn[b * 4]) * 28);
        const width = Math.round((drawn[b * 4 + 3] - drawn[b * 4 + 1]) * 28);
        expect(height === 4 || width === 4).toBe(false);
      }
    }
  }, 120_000);
});

describe('cropAndResizeBilinear / cropAndResizeBinarised edge cases', () => {
  it('the full-image box is an exact identity', () => {
    const images = strokeImages(5, 40);
    const boxes = Float32Array.from({ length: 20 }, (_, i) => [0, 0, 1, 1][i % 4]);
    expect(Array.from(cropAndResizeBilinear(images, 5, boxes))).toEqual(Array.from(images));
    expect(Array.from(cropAndResizeBinarised(images, 5, boxes, THRESHOLD))).toEqual(Array.from(images));
  });

  it('boxes reaching outside the image, flipped boxes and a non-zero extrapolation value match both backends', async () => {
    const boxes = Float32Array.from([
      -0.3, -0.2, 1.4, 1.1, // larger than the image on every side
      0.5, 0.6, 1.7, 1.9, // off the bottom-right
      -1.2, -0.9, 0.1, 0.3, // off the top-left
      -2, -2, -1, -1, // wholly outside
      0.9, 0.8, 0.1, 0.2, // flipped in both directions
      0.3, 1.2, 0.6, -0.4, // flipped and wider than the image
    ]);
    const n = boxes.length / 4;
    const images = strokeImages(n, 41);
    await expectMatchesTfjs(images, n, boxes);
    await expectMatchesTfjs(images, n, boxes, { extrapolationValue: 0.75 });
    const outside = cropAndResizeBilinear(images, n, boxes, { extrapolationValue: 0.75 }).subarray(3 * 784, 4 * 784);
    expect(outside.every((v) => v === 0.75)).toBe(true);
  }, 60_000);

  it('1-pixel boxes, 1-pixel crops and non-square sizes match both backends', async () => {
    const rng = new Rng(42);
    const onePixelBoxes: number[] = [];
    for (let i = 0; i < 40; i++) onePixelBoxes.push(...cropBoxToNormalised({ top: rng.int(28), left: rng.int(28), height: 1, width: 1 }));
    await expectMatchesTfjs(strokeImages(40, 43), 40, Float32Array.from(onePixelBoxes));
    const boxes = Float32Array.from({ length: 12 * 4 }, () => rng.uniform(-0.2, 1.2));
    const images = strokeImages(12, 44, 28);
    await expectMatchesTfjs(images, 12, boxes, { cropHeight: 1, cropWidth: 1 });
    await expectMatchesTfjs(images, 12, boxes, { cropHeight: 1, cropWidth: 9 });
    await expectMatchesTfjs(images, 12, boxes, { cropHeight: 13, cropWidth: 32 });
    await expectMatchesTfjs(images, 12, boxes, { cropHeight: 7, cropWidth: 40 }); // wider than a row mask
    const small = Float32Array.from({ length: 12 * 35 }, (_, i) => ((i * 7919) % 13 === 0 ? 1 : 0));
    await expectMatchesTfjs(small, 12, boxes, { imageHeight: 5, imageWidth: 7, cropHeight: 3, cropWidth: 9 });
  }, 60_000);

  it('binarises grey and float pixels exactly like thresholding the floats', async () => {
    const rng = new Rng(45);
    const n = 50;
    const boxes = Float32Array.from({ length: n * 4 }, () => rng.uniform(-0.1, 1.1));
    const grey = Uint8Array.from({ length: n * 784 }, () => (rng.next() < 0.5 ? 0 : rng.int(256)));
    const floats = Float32Array.from({ length: n * 784 }, () => (rng.next() < 0.4 ? 0 : rng.uniform(-1, 2)));
    await expectMatchesTfjs(floats, n, boxes);
    // A view at an odd byte offset cannot be read 4 pixels at a time: the same pixels, byte by byte.
    const strokes = strokeImages(n, 46);
    const unaligned = new Uint8Array(new ArrayBuffer(strokes.length + 1), 1, strokes.length);
    unaligned.set(strokes);
    expect(countDifferent(cropAndResizeBinarised(unaligned, n, boxes, THRESHOLD), cropAndResizeBinarised(strokes, n, boxes, THRESHOLD))).toBe(0);
    expect(countDifferent(cropAndResizeBinarised(strokes, n, boxes, THRESHOLD), binarise(cropAndResizeBilinear(strokes, n, boxes)))).toBe(0);
    for (const threshold of [THRESHOLD, 100.5, -0.25, 1]) {
      expect(countDifferent(cropAndResizeBinarised(grey, n, boxes, threshold), binarise(cropAndResizeBilinear(grey, n, boxes), threshold))).toBe(0);
      expect(countDifferent(cropAndResizeBinarised(floats, n, boxes, threshold), binarise(cropAndResizeBilinear(floats, n, boxes), threshold))).toBe(0);
    }
  });

  it('rejects bad arguments, naming the input', () => {
    const image = new Uint8Array(784);
    const box = Float32Array.from([0, 0, 1, 1]);
    expect(() => cropAndResizeBilinear(image, -1, box)).toThrow(/n must be a non-negative integer, got -1/);
    expect(() => cropAndResizeBilinear(image, 1.5, box)).toThrow(/n must be a non-negative integer, got 1.5/);
    expect(() => cropAndResizeBilinear(new Uint8Array(700), 1, box)).toThrow(/images must hold n\*784 = 784 pixels for n = 1, got 700/);
    expect(() => cropAndResizeBilinear([0, 1] as never, 1, box)).toThrow(/images must be a Uint8Array or Float32Array/);
    expect(() => cropAndResizeBilinear(image, 1, new Float32Array(3))).toThrow(/boxes must hold n\*4 = 4 values/);
    expect(() => cropAndResizeBilinear(image, 1, [0, 0, 1, 1] as never)).toThrow(/boxes must be a Float32Array/);
    expect(() => cropAndResizeBilinear(image, 1, Float32Array.from([0, NaN, 1, 1]))).toThrow(/boxes must be finite, got NaN at box 0, coordinate 1/);
    expect(() => cropAndResizeBilinear(image, 1, box, { cropHeight: 0 })).toThrow(/cropHeight must be a positive integer, got 0/);
    expect(() => cropAndResizeBilinear(image, 1, box, { imageWidth: 2.5 })).toThrow(/imageWidth must be a positive integer, got 2.5/);
    expect(() => cropAndResizeBilinear(image, 1, box, { extrapolationValue: Infinity })).toThrow(/extrapolationValue must be a finite number, got Infinity/);
    expect(() => cropAndResizeBinarised(image, 1, box, NaN)).toThrow(/threshold must be a number, got NaN/);
    expect(() => resizeCrops(image, 2, box)).toThrow(/images must hold n\*784 = 1568 pixels for n = 2, got 784/);
    expect(() => resizeCropsWithTfjs(image, 1, new Float32Array(3))).toThrow(/boxes must hold n\*4 = 4 values/);
    expect(cropAndResizeBinarised(new Uint8Array(0), 0, new Float32Array(0), THRESHOLD).length).toBe(0);
  });
});
