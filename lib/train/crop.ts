/**
 * The tutorial's augmentation without tfjs: the same crop boxes as lib/data/augment.ts augmentBatch
 * (drawn from `rng` by sampleCropBox in the same order) resized with the bilinear arithmetic of
 * tf.image.cropAndResize (tfjs-backend-cpu's kernel: box corners as float32, sample position
 * y1·(H−1) + i·(y2−y1)·(H−1)/(28−1), samples outside the image → 0), then rounded to 0|1 with the
 * same tie rule. tests/train/crop.test.ts checks it equals augmentBatch on real MNIST batches.
 *
 * Why: one tf call per batch costs ~4–10 ms (tensor setup, the wasm round trip); this loop costs
 * well under 1 ms, so augmentation no longer weighs on the epoch (bench/speed.bench.ts).
 */
import { AUGMENT_MODES, AUGMENT_SCALE, cropBoxToNormalised, sampleCropBox, type AugmentMode } from '../data/augment';
import type { Rng } from '../random';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** augment.ts's TIE_TOLERANCE: bilinear values of 0|1 pixels are multiples of 1/3136, so this never splits a real value. */
const TIE_TOLERANCE = 1e-4;
const THRESHOLD = 0.5 + TIE_TOLERANCE;

/** Same contract as augmentBatch (n images of 784 0|1 pixels → a new array), no tfjs. */
export function cropBatch(images: Uint8Array, n: number, mode: AugmentMode, rng: Rng, out = new Uint8Array(n * PIXELS)): Uint8Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (images.length !== n * PIXELS) throw new RangeError(`images must hold n*784 = ${n * PIXELS} pixels for n = ${n}, got ${images.length}`);
  if (out.length !== n * PIXELS) throw new RangeError(`out must hold n*784 = ${n * PIXELS} pixels, got ${out.length}`);
  if (mode === 'none') { out.set(images); return out; }
  const scale = AUGMENT_SCALE[mode as Exclude<AugmentMode, 'none'>];
  if (!scale) throw new RangeError(`augment mode must be one of ${AUGMENT_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const span = SIDE - 1;
  // Per output column: the two source columns, the blend weight, and whether it lies inside the image.
  const leftOf = new Int32Array(SIDE), rightOf = new Int32Array(SIDE), xLerpOf = new Float64Array(SIDE), xInside = new Uint8Array(SIDE);
  for (let b = 0; b < n; b++) {
    const [y1, x1, y2, x2] = cropBoxToNormalised(sampleCropBox(rng, scale)).map(Math.fround);
    const heightScale = ((y2 - y1) * span) / span;
    const widthScale = ((x2 - x1) * span) / span;
    const image = b * PIXELS;
    for (let x = 0; x < SIDE; x++) {
      const xIn = x1 * span + x * widthScale;
      xInside[x] = xIn < 0 || xIn > span ? 0 : 1;
      const left = Math.floor(xIn);
      leftOf[x] = left;
      rightOf[x] = Math.ceil(xIn);
      xLerpOf[x] = xIn - left;
    }
    for (let y = 0; y < SIDE; y++) {
      const yIn = y1 * span + y * heightScale;
      const outRow = image + y * SIDE;
      if (yIn < 0 || yIn > span) { out.fill(0, outRow, outRow + SIDE); continue; }
      const top = Math.floor(yIn), yLerp = yIn - top;
      const topRow = image + top * SIDE, bottomRow = image + Math.ceil(yIn) * SIDE;
      for (let x = 0; x < SIDE; x++) {
        if (xInside[x] === 0) { out[outRow + x] = 0; continue; }
        const left = leftOf[x], right = rightOf[x], xLerp = xLerpOf[x];
        const topLeft = images[topRow + left], topRight = images[topRow + right];
        const bottomLeft = images[bottomRow + left], bottomRight = images[bottomRow + right];
        const upper = topLeft + (topRight - topLeft) * xLerp;
        const lower = bottomLeft + (bottomRight - bottomLeft) * xLerp;
        // tfjs stores the sample as float32 before augmentBatch compares it
        out[outRow + x] = Math.fround(upper + (lower - upper) * yLerp) > THRESHOLD ? 1 : 0;
      }
    }
  }
  return out;
}
