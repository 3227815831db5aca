/**
 * Data augmentation as in the tutorial: torchvision's RandomResizedCrop(28) followed by rounding to
 * 0|1 again. The crop box is drawn exactly like torchvision's `RandomResizedCrop.get_params`; the
 * boxes of a batch are resized with tf.image.cropAndResize's bilinear arithmetic (see resizeCrops).
 *
 * Box convention (why these numbers): torchvision crops the pixel rectangle [top, top+h) x
 * [left, left+w) and resizes it with half-pixel centres (align_corners=False), so output pixel i
 * samples the source at  top + (i + 0.5) * h/28 - 0.5.  tf.image.cropAndResize samples at
 * y1*(H-1) + i*(y2-y1)*(H-1)/(28-1)  (the "size-1" convention). Equating both grids gives
 *   y1 = (top + h/56 - 0.5) / (H-1),   y2 = (top + h - h/56 - 0.5) / (H-1)
 * (same for x), so every output pixel samples the very same source position as torchvision, and a
 * full-image box is an exact identity. The one difference: torchvision clamps samples that fall
 * within half a pixel outside the crop to the crop's edge pixel, cropAndResize blends in the
 * neighbouring pixel outside the crop (weight < 0.5) or 0 beyond the image. After rounding this
 * changes a pixel only on the crop's border, rarely (tests/data/augment.test.ts measures it).
 */
import type { Rng } from '../random';
import { roundHalfEven } from '../round';
import { cropAndResizeBinarised } from './cropResize';
import { IMAGE_PIXELS, IMAGE_SIDE } from './types';

export type AugmentMode = 'crop' | 'mild' | 'none';

export const AUGMENT_MODES: readonly AugmentMode[] = ['crop', 'mild', 'none'];

/** Area fraction ranges per mode: 'crop' is torchvision's default (0.08, 1.0). */
export const AUGMENT_SCALE: Record<Exclude<AugmentMode, 'none'>, [number, number]> = {
  crop: [0.08, 1.0],
  mild: [0.6, 1.0],
};

/** torchvision's default aspect-ratio range. */
const DEFAULT_RATIO: [number, number] = [3 / 4, 4 / 3];

/** Sample fractions are multiples of 1/56, so bilinear values of 0|1 pixels are multiples of 1/3136:
 *  anything within 1e-4 of 0.5 is an exact tie blurred by float32. */
const TIE_TOLERANCE = 1e-4;

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Python 3's round() (torchvision's get_params uses it): halves go to the even neighbour. */
export { roundHalfEven };

/**
 * torchvision `RandomResizedCrop.get_params`: up to 10 tries of a random area fraction in `scale`
 * and a log-uniform aspect ratio in `ratio`; the first box that fits wins; otherwise a centre crop
 * clamped to the ratio range. Draws from `rng` in torchvision's order (scale, ratio, top, left).
 */
export function sampleCropBox(
  rng: Rng,
  scale: [number, number],
  ratio: [number, number] = DEFAULT_RATIO,
  height = IMAGE_SIDE,
  width = IMAGE_SIDE,
): CropBox {
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) {
    throw new RangeError(`scale must satisfy 0 < scale[0] <= scale[1] <= 1, got [${scale.join(', ')}]`);
  }
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1] && Number.isFinite(ratio[1]))) {
    throw new RangeError(`ratio must satisfy 0 < ratio[0] <= ratio[1], got [${ratio.join(', ')}]`);
  }
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`image size must be positive integers, got ${height}x${width}`);
  }
  const area = height * width;
  const logRatioLow = Math.log(ratio[0]);
  const logRatioHigh = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatioLow, logRatioHigh));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  // Fallback: centre crop with the image's own ratio clamped into the allowed range.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** cropAndResize's normalised [y1, x1, y2, x2] for a pixel box, on torchvision's sample grid (see top). */
export function cropBoxToNormalised(box: CropBox, outSize = IMAGE_SIDE, imageSide = IMAGE_SIDE): [number, number, number, number] {
  const span = imageSide - 1;
  const edgeY = box.height / (2 * outSize);
  const edgeX = box.width / (2 * outSize);
  return [
    (box.top + edgeY - 0.5) / span,
    (box.left + edgeX - 0.5) / span,
    (box.top + box.height - edgeY - 0.5) / span,
    (box.left + box.width - edgeX - 0.5) / span,
  ];
}

/**
 * The crop boxes of one batch as cropAndResize's normalised [y1, x1, y2, x2] rows: one box per image,
 * drawn from `rng` in image order (the only random draws of augmentation, so whoever resizes, the
 * same seed gives the same batches). Null for 'none', which draws nothing.
 */
export function drawCropBoxes(n: number, mode: AugmentMode, rng: Rng): Float32Array | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (mode === 'none') return null;
  const scale = AUGMENT_SCALE[mode];
  if (!scale) throw new RangeError(`augment mode must be one of ${AUGMENT_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const boxes = new Float32Array(n * 4);
  for (let b = 0; b < n; b++) boxes.set(cropBoxToNormalised(sampleCropBox(rng, scale)), b * 4);
  return boxes;
}

/** A batch resizer: (images, n, boxes) → binarised 28x28 crops, as resizeCrops. */
export type CropResizer = (images: Uint8Array, n: number, boxes: Float32Array) => Uint8Array;

/** Exact ties (0.5) are common with 0|1 pixels and rational scales; float32 puts them a hair on either side.
 *  Everything within TIE_TOLERANCE of 0.5 is the tie (→ 0, as torch's half-to-even round does): that matches
 *  torchvision and gives the same pixels on every tfjs backend. */
export const BINARISE_THRESHOLD = 0.5 + TIE_TOLERANCE;

/** resizeCrops' argument checks, shared with the tfjs oracle (lib/data/augment-tfjs.ts). */
export function checkResizeArguments(images: Uint8Array, n: number, boxes: Float32Array): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (images.length !== n * IMAGE_PIXELS) {
    throw new RangeError(`images must hold n*784 = ${n * IMAGE_PIXELS} pixels for n = ${n}, got ${images.length}`);
  }
  if (boxes.length !== n * 4) throw new RangeError(`boxes must hold n*4 = ${n * 4} values (y1, x1, y2, x2 per image), got ${boxes.length}`);
}

/**
 * Resize the boxes of `drawCropBoxes` to 28x28 with tf.image.cropAndResize's bilinear arithmetic
 * (outside → 0), then round to 0|1 (halves to 0, like torch's round). This is the work
 * lib/train/batchStream.ts moves to another thread.
 *
 * It runs lib/data/cropResize.ts, a port of tfjs's kernel on typed arrays that skips the blank parts
 * of digits: 0.86-0.95 ms of CPU per batch of 200 where tf.image.cropAndResize takes 5.7-6.3 ms on
 * the wasm backend and about as long on cpu (bench/data.bench.ts, cropResizePerBatchOf200) — 0.3 s
 * instead of 1.5-2 s per epoch, and no tfjs to load in the augmentation thread. tfjs itself stays
 * the oracle: lib/data/augment-tfjs.ts resizeCropsWithTfjs gives the same pixels
 * (tests/data/cropResize.test.ts: every drawable box, both tfjs backends).
 */
export function resizeCrops(images: Uint8Array, n: number, boxes: Float32Array): Uint8Array {
  checkResizeArguments(images, n, boxes);
  return cropAndResizeBinarised(images, n, boxes, BINARISE_THRESHOLD);
}

/**
 * Augment a batch of binarised 28x28 images in this thread: `drawCropBoxes` then `resizeCrops`.
 * 'none' returns an unchanged copy and draws nothing. `resize` defaults to resizeCrops (the tests
 * pass tfjs's, resizeCropsWithTfjs).
 */
export function augmentBatch(images: Uint8Array, n: number, mode: AugmentMode, rng: Rng, resize: CropResizer = resizeCrops): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (images.length !== n * IMAGE_PIXELS) {
    throw new RangeError(`images must hold n*784 = ${n * IMAGE_PIXELS} pixels for n = ${n}, got ${images.length}`);
  }
  const boxes = drawCropBoxes(n, mode, rng);
  return boxes ? resize(images, n, boxes) : images.slice();
}
