/**
 * MNIST-style preprocessing of a drawn digit. MNIST's digits were scaled so their bounding box fits
 * 20×20 (aspect ratio kept) and then shifted so the centre of mass sits at the centre of the 28×28
 * frame. A digit drawn small in a corner looks nothing like that, so the model guesses badly; running
 * the same normalisation on the drawing closes the gap. Pure logic, no DOM.
 */

import { GRID, PIXELS } from './raster';

export const FIT_BOX = 20;
/** Centre of the frame in pixel-index coordinates (pixel i spans [i, i+1), its centre is i + 0.5). */
export const FRAME_CENTRE = GRID / 2 - 0.5;

interface BoundingBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

function checkImage(image: ArrayLike<number>, name = 'image'): void {
  if (image == null || image.length !== PIXELS) {
    throw new RangeError(`${name} must have ${PIXELS} values (28×28, row-major), got length ${image?.length}`);
  }
  for (let i = 0; i < PIXELS; i++) {
    const v = image[i];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name}[${i}] must be in 0..1, got ${v}`);
  }
}

/** Smallest box holding every pixel > 0, or null for an empty image. */
export function boundingBox(image: ArrayLike<number>): BoundingBox | null {
  let left = GRID, top = GRID, right = -1, bottom = -1;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      if (image[y * GRID + x] > 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Centre of mass in pixel-index coordinates (pixel i counts at position i), or null if empty. */
export function centreOfMass(image: ArrayLike<number>, width = GRID, height = GRID): { x: number; y: number } | null {
  let mass = 0, sx = 0, sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = image[y * width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

/**
 * Area weights for resampling `source` cells onto `target` cells covering the same span: row t gives
 * the fraction of each source cell inside target cell t (each row sums to 1). Works for up- and
 * downscaling, so thin strokes keep their total ink.
 */
function areaWeights(source: number, target: number): Float64Array {
  const w = new Float64Array(target * source);
  const ratio = source / target;
  for (let t = 0; t < target; t++) {
    const a = t * ratio, b = (t + 1) * ratio;
    for (let s = Math.floor(a); s < Math.min(source, Math.ceil(b)); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) w[t * source + s] = overlap / ratio;
    }
  }
  return w;
}

/**
 * Scale the digit's bounding box to fit 20×20 (keeping its aspect ratio), then place it in the 28×28
 * frame with its centre of mass at the frame's centre (integer shift, as MNIST did; error ≤ 0.5 px,
 * unless keeping all ink inside the frame needs a larger shift). Returns a new image with values in 0..1.
 * An empty image is returned unchanged (as a copy).
 */
export function centreLikeMnist(image: ArrayLike<number>): Float32Array {
  checkImage(image);
  const box = boundingBox(image);
  if (!box) return Float32Array.from(image);
  const scale = FIT_BOX / Math.max(box.width, box.height);
  const tw = Math.max(1, Math.min(FIT_BOX, Math.round(box.width * scale)));
  const th = Math.max(1, Math.min(FIT_BOX, Math.round(box.height * scale)));
  const wx = areaWeights(box.width, tw);
  const wy = areaWeights(box.height, th);

  // scaled = wy · crop · wxᵀ, done as two separable passes
  const rows = new Float64Array(box.height * tw);
  for (let y = 0; y < box.height; y++) {
    for (let t = 0; t < tw; t++) {
      let acc = 0;
      for (let x = 0; x < box.width; x++) acc += wx[t * box.width + x] * image[(box.top + y) * GRID + box.left + x];
      rows[y * tw + t] = acc;
    }
  }
  const scaled = new Float64Array(th * tw);
  for (let t = 0; t < th; t++) {
    for (let x = 0; x < tw; x++) {
      let acc = 0;
      for (let y = 0; y < box.height; y++) acc += wy[t * box.height + y] * rows[y * tw + x];
      scaled[t * tw + x] = Math.min(1, acc);
    }
  }

  const com = centreOfMass(scaled, tw, th)!;
  const left = clamp(Math.round(FRAME_CENTRE - com.x), 0, GRID - tw);
  const top = clamp(Math.round(FRAME_CENTRE - com.y), 0, GRID - th);
  const out = new Float32Array(PIXELS);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) out[(top + y) * GRID + left + x] = scaled[y * tw + x];
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/**
 * Round every pixel to 0 or 1, as the tutorial's `transforms.Lambda(lambda x: x.round())` does
 * (torch rounds half to even, so exactly 0.5 becomes 0).
 */
export function binariseImage(image: ArrayLike<number>, threshold = 0.5): Float32Array {
  checkImage(image);
  if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`threshold must be a number from 0 to below 1, got ${threshold}`);
  const out = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) out[i] = image[i] > threshold ? 1 : 0;
  return out;
}

/**
 * Coverage above which a rescaled pixel counts as ink. Shrinking a 2-cell pen stroke into the 20×20
 * box leaves ~1.5 cells of coverage, which rounding at 0.5 thins to broken 1-pixel lines; MNIST's
 * binarised strokes are 2–3 pixels wide, so after rescaling a quarter pixel of ink is enough.
 */
const RESCALED_INK_THRESHOLD = 0.25;

/** What the chip is given for a drawn image: binarised, then ×31 (the 5-bit input range). */
export function chipInput(image: ArrayLike<number>): Uint8Array {
  const binary = binariseImage(image);
  const out = new Uint8Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) out[i] = binary[i] * 31;
  return out;
}

/** The drawing pad's pipeline: optional MNIST centring, then binarisation (0|1, like the training data). */
export function prepareDrawing(image: ArrayLike<number>, preprocess: boolean): Float32Array {
  return preprocess ? binariseImage(centreLikeMnist(image), RESCALED_INK_THRESHOLD) : binariseImage(image);
}
