import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUGMENT_SCALE,
  augmentBatch,
  cropBoxToNormalised,
  roundHalfEven,
  sampleCropBox,
  type CropBox,
} from '../../lib/data/augment';
import { resizeCropsWithTfjs } from '../../lib/data/augment-tfjs';
import type { Dataset } from '../../lib/data/types';
import { loadMnistNode } from '../../lib/host/node-data';
import { Rng } from '../../lib/random';
import { initTf } from '../../lib/tf/backend';

const RATIO: [number, number] = [3 / 4, 4 / 3];

/**
 * Expected kept area fraction of torchvision's get_params on a 28x28 image, by numerical
 * integration (not by running the sampler): per try, the accepted probability p and the mean
 * accepted area A over the (scale, log-ratio) square; 10 tries, then the full-image fallback.
 */
function expectedKeptArea(scale: [number, number], steps = 1200): number {
  const logLow = Math.log(RATIO[0]);
  const logHigh = Math.log(RATIO[1]);
  let accepted = 0;
  let area = 0;
  for (let i = 0; i < steps; i++) {
    const targetArea = 784 * (scale[0] + ((i + 0.5) / steps) * (scale[1] - scale[0]));
    for (let j = 0; j < steps; j++) {
      const aspect = Math.exp(logLow + ((j + 0.5) / steps) * (logHigh - logLow));
      const w = Math.round(Math.sqrt(targetArea * aspect));
      const h = Math.round(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= 28 && h > 0 && h <= 28) {
        accepted++;
        area += (w * h) / 784;
      }
    }
  }
  const p = accepted / (steps * steps);
  const meanAreaPerTry = area / (steps * steps); // E[area; accepted]
  const miss = 1 - p;
  return (meanAreaPerTry * (1 - miss ** 10)) / (1 - miss) + miss ** 10 * 1;
}

/**
 * torchvision resized_crop on a 0|1 image: crop, bilinear resize with half-pixel centres and edge
 * clamping, round. `clamped` marks output pixels whose sample fell outside the crop (where
 * torchvision repeats the edge pixel and cropAndResize reads the neighbour: see augment.ts).
 */
function torchvisionResizedCrop(image: Uint8Array, box: CropBox): { pixels: Uint8Array; clamped: Uint8Array } {
  const pixels = new Uint8Array(784);
  const clamped = new Uint8Array(784);
  const at = (y: number, x: number) => image[(box.top + y) * 28 + box.left + x];
  const source = (i: number, size: number) => {
    const raw = (i + 0.5) * (size / 28) - 0.5;
    const s = Math.max(0, raw);
    const low = Math.min(Math.floor(s), size - 1);
    const high = Math.min(low + 1, size - 1);
    return { low, high, t: s - low, outside: raw < 0 || raw > size - 1 };
  };
  for (let y = 0; y < 28; y++) {
    const sy = source(y, box.height);
    for (let x = 0; x < 28; x++) {
      const sx = source(x, box.width);
      const top = at(sy.low, sx.low) * (1 - sx.t) + at(sy.low, sx.high) * sx.t;
      const bottom = at(sy.high, sx.low) * (1 - sx.t) + at(sy.high, sx.high) * sx.t;
      // torch's round(0.5) is 0 (half to even); the 1e-9 absorbs float64 noise on exact ties.
      pixels[y * 28 + x] = top * (1 - sy.t) + bottom * sy.t > 0.5 + 1e-9 ? 1 : 0;
      clamped[y * 28 + x] = sy.outside || sx.outside ? 1 : 0;
    }
  }
  return { pixels, clamped };
}

let data: Dataset;
beforeAll(async () => {
  await initTf();
  data = await loadMnistNode();
});

describe('sampleCropBox (torchvision get_params)', () => {
  for (const mode of ['crop', 'mild'] as const) {
    it(`${mode}: mean kept area of 10 000 draws within 2 % of the integrated expectation`, () => {
      const scale = AUGMENT_SCALE[mode];
      const expected = expectedKeptArea(scale);
      const rng = new Rng(42);
      let sum = 0;
      for (let i = 0; i < 10000; i++) {
        const box = sampleCropBox(rng, scale);
        sum += (box.width * box.height) / 784;
      }
      const mean = sum / 10000;
      expect(Math.abs(mean - expected) / expected).toBeLessThan(0.02);
      // Rejection + fallback push the mean above the naive mean of the scale range.
      if (mode === 'crop') expect(expected).not.toBeCloseTo(0.54, 2);
    });
  }

  it('keeps boxes inside the image, with area and aspect ratio in range up to rounding', () => {
    const rng = new Rng(5);
    const violations: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const scale = i % 2 ? AUGMENT_SCALE.crop : AUGMENT_SCALE.mild;
      const box = sampleCropBox(rng, scale);
      const { top, left, height: h, width: w } = box;
      const inside = [top, left, h, w].every(Number.isInteger) && top >= 0 && left >= 0 && h > 0 && w > 0 && top + h <= 28 && left + w <= 28;
      if (!inside) violations.push(`outside: ${JSON.stringify(box)}`);
      if (h === 28 && w === 28) continue; // the fallback (or a full-size draw)
      // w and h are sqrt(area*aspect) and sqrt(area/aspect), each rounded by at most 0.5.
      const ratioOk = (w - 0.5) / (h + 0.5) <= RATIO[1] && (w + 0.5) / (h - 0.5) >= RATIO[0];
      const areaOk = (w - 0.5) * (h - 0.5) <= 784 * scale[1] && (w + 0.5) * (h + 0.5) >= 784 * scale[0];
      if (!ratioOk || !areaOk) violations.push(`ratio/area: ${JSON.stringify(box)} for scale ${scale}`);
    }
    expect(violations).toEqual([]);
  });

  it('places boxes uniformly (top covers 0..28-h) and is deterministic per seed', () => {
    const rng = new Rng(11);
    const tops = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const box = sampleCropBox(rng, [0.25, 0.25], [1, 1]); // always 14x14
      expect([box.height, box.width]).toEqual([14, 14]);
      tops.add(box.top);
    }
    expect(Math.min(...tops)).toBe(0);
    expect(Math.max(...tops)).toBe(14);
    const a = new Rng(3);
    const b = new Rng(3);
    for (let i = 0; i < 100; i++) expect(sampleCropBox(a, [0.08, 1])).toEqual(sampleCropBox(b, [0.08, 1]));
  });

  it('falls back to the centre crop clamped to the ratio when no try fits', () => {
    // A 10x40 image with aspect range 1..1: scale 1 never fits; fallback clamps the width to 10.
    expect(sampleCropBox(new Rng(1), [1, 1], [1, 1], 10, 40)).toEqual({ top: 0, left: 15, height: 10, width: 10 });
    expect(sampleCropBox(new Rng(1), [1, 1], [1, 1], 40, 10)).toEqual({ top: 15, left: 0, height: 10, width: 10 });
  });

  it('rejects bad scale and ratio', () => {
    expect(() => sampleCropBox(new Rng(1), [0, 1])).toThrow(/scale must satisfy/);
    expect(() => sampleCropBox(new Rng(1), [0.5, 0.2])).toThrow(/scale must satisfy/);
    expect(() => sampleCropBox(new Rng(1), [0.5, 1], [2, 1])).toThrow(/ratio must satisfy/);
  });

  it('rounds halves to even like Python', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 3]);
  });
});

describe('augmentBatch', () => {
  it('maps the full box to an exact identity and matches torchvision on random boxes', () => {
    expect(cropBoxToNormalised({ top: 0, left: 0, height: 28, width: 28 })).toEqual([0, 0, 1, 1]);
    const n = 400;
    const images = data.test.images.subarray(0, n * 784);
    const rng = new Rng(8);
    const boxes: CropBox[] = [];
    // Replay the boxes augmentBatch will draw from an identical stream.
    const replay = new Rng(8);
    for (let i = 0; i < n; i++) boxes.push(sampleCropBox(replay, AUGMENT_SCALE.crop));
    const out = augmentBatch(images, n, 'crop', rng);
    let differ = 0;
    let differUnclamped = 0;
    for (let b = 0; b < n; b++) {
      const ref = torchvisionResizedCrop(images.subarray(b * 784, (b + 1) * 784), boxes[b]);
      for (let p = 0; p < 784; p++) {
        if (out[b * 784 + p] !== ref.pixels[p]) {
          differ++;
          if (!ref.clamped[p]) differUnclamped++;
        }
      }
    }
    // Identical wherever torchvision does not clamp; the clamped crop border rarely differs.
    expect(differUnclamped).toBe(0);
    expect(differ / (n * 784)).toBeLessThan(2e-3);
  });

  it('is deterministic per seed, stays 0|1, and leaks no tensors', () => {
    const images = data.train.images.subarray(0, 200 * 784);
    const before = tf.memory().numTensors;
    const a = augmentBatch(images, 200, 'crop', new Rng(1));
    const b = augmentBatch(images, 200, 'crop', new Rng(1));
    const c = augmentBatch(images, 200, 'crop', new Rng(2));
    const mild = augmentBatch(images, 200, 'mild', new Rng(1));
    expect(tf.memory().numTensors).toBe(before);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    // Cropping zooms in: more ink than the originals; mild zooms less than crop.
    const ink = (x: Uint8Array) => x.reduce((s, v) => s + v, 0);
    expect(ink(a)).toBeGreaterThan(ink(images));
    expect(ink(mild)).toBeGreaterThan(ink(images));
    expect(ink(mild)).toBeLessThan(ink(a));
  });

  it('gives the same pixels with the typed kernel and with tf.image.cropAndResize on wasm and cpu (same batches in every host)', async () => {
    const images = data.train.images.subarray(0, 400 * 784);
    const typed = augmentBatch(images, 400, 'crop', new Rng(21));
    expect(Buffer.from(augmentBatch(images, 400, 'crop', new Rng(21), resizeCropsWithTfjs)).equals(Buffer.from(typed))).toBe(true);
    await initTf('cpu');
    try {
      expect(Buffer.from(augmentBatch(images, 400, 'crop', new Rng(21), resizeCropsWithTfjs)).equals(Buffer.from(typed))).toBe(true);
    } finally {
      await initTf();
    }
  });

  it("'none' returns an unchanged copy without drawing random numbers", () => {
    const images = data.test.images.subarray(0, 10 * 784);
    const rng = new Rng(4);
    const out = augmentBatch(images, 10, 'none', rng);
    expect(out).not.toBe(images);
    expect(Buffer.from(out).equals(Buffer.from(images))).toBe(true);
    expect(rng.uint32()).toBe(new Rng(4).uint32());
  });

  it('rejects wrong sizes and modes', () => {
    expect(() => augmentBatch(new Uint8Array(783), 1, 'crop', new Rng(1))).toThrow(/images must hold n\*784 = 784 pixels for n = 1, got 783/);
    expect(() => augmentBatch(new Uint8Array(784), 1, 'zoom' as never, new Rng(1))).toThrow(/augment mode must be one of crop, mild, none, got "zoom"/);
    expect(augmentBatch(new Uint8Array(0), 0, 'crop', new Rng(1)).length).toBe(0);
  });
});
