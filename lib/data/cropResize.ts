/**
 * Batched bilinear crop-and-resize on typed arrays: tf.image.cropAndResize's arithmetic without
 * tfjs, for the augmentation (lib/data/augment.ts), which ran it 300 times per epoch.
 *
 * It reproduces tfjs-backend-cpu's CropAndResize kernel operation for operation (itself a port of
 * TensorFlow's crop_and_resize_op.cc), so its values equal the cpu backend's bit for bit:
 *   scale   = (y2 - y1) * (H - 1) / (cropH - 1)            (0 when cropH = 1)
 *   y       = y1 * (H - 1) + i * scale                      (0.5 * (y1 + y2) * (H - 1) when cropH = 1)
 *   outside when y < 0 or y > H - 1  → extrapolation value (the same for x, per column)
 *   top/bottom rows floor(y)/ceil(y), yLerp = y - floor(y) (the same for x)
 *   top = tl + (tr - tl) * xLerp;  bottom = bl + (br - bl) * xLerp;  out = top + (bottom - top) * yLerp
 * in float64 (JavaScript numbers), stored as float32. The wasm backend (CropAndResize.cc +
 * interpolate_bilinear_impl.cc) computes the same formulas in float32, so its values differ by
 * float32 rounding (< 1e-6 on 0|1 images); its whole-row memcpy shortcut fires only where no
 * interpolation is needed, which for augment's boxes is the identity box alone.
 * tests/data/cropResize.test.ts checks both backends as oracles.
 *
 * Layout: `images` is [n, imageHeight, imageWidth] (one channel), box b (normalised y1, x1, y2, x2,
 * as tfjs) crops image b, the result is [n, cropHeight, cropWidth].
 */

export interface CropResizeOptions {
  imageHeight?: number;
  imageWidth?: number;
  cropHeight?: number;
  cropWidth?: number;
  /** Value of samples outside the image (tfjs's extrapolationValue), finite. Default 0. */
  extrapolationValue?: number;
}

interface Geometry {
  imageHeight: number;
  imageWidth: number;
  cropHeight: number;
  cropWidth: number;
  extrapolationValue: number;
}

const DEFAULT_SIDE = 28;

/** Widest crop (and image) the binarised kernel packs into one 32-bit mask per row. */
const MAX_MASK_COLUMNS = 32;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** NIBBLE_BYTES[m]: 4 bytes (little-endian word) that are 1 where bit k of m is set. */
const NIBBLE_BYTES = Uint32Array.from({ length: 16 }, (_, m) => (m & 1) | ((m & 2) << 7) | ((m & 4) << 14) | ((m & 8) << 21));

/**
 * Bit c set where pixel c of the row starting at `pixels` is non-zero. Rows of 4-byte words
 * (`words`, a view of a Uint8Array batch) go 4 pixels at a time: each byte's bits are folded into
 * its lowest bit, and one multiply gathers the 4 lowest bits into the top nibble.
 */
function nonZeroPixels(images: Uint8Array | Float32Array, words: Uint32Array | null, pixels: number, imageWidth: number): number {
  let mask = 0;
  if (words !== null) {
    for (let c = 0, w = pixels >> 2; c < imageWidth; c += 4, w++) {
      let word = words[w];
      word |= word >>> 4;
      word |= word >>> 2;
      word |= word >>> 1;
      mask |= (Math.imul(word & 0x01010101, 0x10204080) >>> 28) << c;
    }
    return mask;
  }
  for (let c = 0; c < imageWidth; c++) if (images[pixels + c] !== 0) mask |= 1 << c;
  return mask;
}

/**
 * Scratch reused across boxes and calls (grown on demand). Per crop column: its source columns
 * and lerp. Per source row of the current box (binarised kernel): its horizontal interpolation at
 * the crop columns (the formula's "top"/"bottom", float64 like the cpu kernel), masks of the
 * columns where that is exactly 0 and exactly 1, and the box that filled it (filled on first use).
 */
const scratch = {
  left: new Int32Array(DEFAULT_SIDE),
  right: new Int32Array(DEFAULT_SIDE),
  xLerp: new Float64Array(DEFAULT_SIDE),
  xFirst: 0,
  xEnd: 0,
  /** Per source column c (ascending boxes): the first crop column reading c or beyond, and one past the last reading c or before. */
  fromColumn: new Int32Array(MAX_MASK_COLUMNS + 1),
  toColumn: new Int32Array(MAX_MASK_COLUMNS + 1),
  rowValues: new Float64Array(DEFAULT_SIDE * DEFAULT_SIDE),
  rowZeros: new Int32Array(DEFAULT_SIDE),
  rowOnes: new Int32Array(DEFAULT_SIDE),
  rowFilledFor: new Float64Array(DEFAULT_SIDE).fill(-1),
  boxesSeen: 0,
};

function ensureScratch(geometry: Geometry): void {
  const { imageHeight, cropWidth } = geometry;
  if (scratch.left.length < cropWidth) {
    scratch.left = new Int32Array(cropWidth);
    scratch.right = new Int32Array(cropWidth);
    scratch.xLerp = new Float64Array(cropWidth);
  }
  if (scratch.rowFilledFor.length < imageHeight || scratch.rowValues.length < imageHeight * cropWidth) {
    scratch.rowValues = new Float64Array(imageHeight * cropWidth);
    scratch.rowZeros = new Int32Array(imageHeight);
    scratch.rowOnes = new Int32Array(imageHeight);
    scratch.rowFilledFor = new Float64Array(imageHeight).fill(-1);
  }
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value as number;
}

function checkArguments(images: Uint8Array | Float32Array, n: number, boxes: Float32Array, options: CropResizeOptions): Geometry {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const geometry: Geometry = {
    imageHeight: positiveInteger('imageHeight', options.imageHeight ?? DEFAULT_SIDE),
    imageWidth: positiveInteger('imageWidth', options.imageWidth ?? DEFAULT_SIDE),
    cropHeight: positiveInteger('cropHeight', options.cropHeight ?? DEFAULT_SIDE),
    cropWidth: positiveInteger('cropWidth', options.cropWidth ?? DEFAULT_SIDE),
    extrapolationValue: options.extrapolationValue ?? 0,
  };
  if (typeof geometry.extrapolationValue !== 'number' || !Number.isFinite(geometry.extrapolationValue)) {
    throw new RangeError(`extrapolationValue must be a finite number, got ${String(geometry.extrapolationValue)}`);
  }
  if (!(images instanceof Uint8Array || images instanceof Float32Array)) {
    throw new TypeError(`images must be a Uint8Array or Float32Array, got ${Object.prototype.toString.call(images)}`);
  }
  const imagePixels = geometry.imageHeight * geometry.imageWidth;
  if (images.length !== n * imagePixels) {
    throw new RangeError(`images must hold n*${imagePixels} = ${n * imagePixels} pixels for n = ${n}, got ${images.length}`);
  }
  if (!(boxes instanceof Float32Array)) {
    throw new TypeError(`boxes must be a Float32Array (y1, x1, y2, x2 per image), got ${Object.prototype.toString.call(boxes)}`);
  }
  if (boxes.length !== n * 4) throw new RangeError(`boxes must hold n*4 = ${n * 4} values (y1, x1, y2, x2 per image), got ${boxes.length}`);
  for (let i = 0; i < boxes.length; i++) {
    if (!Number.isFinite(boxes[i])) throw new RangeError(`boxes must be finite, got ${boxes[i]} at box ${i >> 2}, coordinate ${i & 3}`);
  }
  return geometry;
}

/** The source position of crop row or column `i` (tfjs's formula; `from`, `to` are the box's normalised edges). */
function samplePosition(i: number, from: number, scale: number, to: number, cropSize: number, last: number): number {
  return cropSize > 1 ? from * last + i * scale : 0.5 * (from + to) * last;
}

/** tfjs's scale: source pixels per crop step (0 for a 1-wide crop). */
function sampleScale(from: number, to: number, cropSize: number, last: number): number {
  return cropSize > 1 ? ((to - from) * last) / (cropSize - 1) : 0;
}

/**
 * The box's column samples into scratch.left/right/xLerp. Positions are linear in the column, so
 * the columns inside the image form one range, scratch.xFirst ..< scratch.xEnd (empty when
 * xFirst >= xEnd); the others take the extrapolation value.
 */
function sampleColumns(x1: number, x2: number, cropWidth: number, lastColumn: number): void {
  const { left, right, xLerp } = scratch;
  const widthScale = sampleScale(x1, x2, cropWidth, lastColumn);
  let xFirst = cropWidth;
  let xEnd = 0;
  for (let x = 0; x < cropWidth; x++) {
    const xIndex = samplePosition(x, x1, widthScale, x2, cropWidth, lastColumn);
    if (xIndex < 0 || xIndex > lastColumn) continue;
    if (x < xFirst) xFirst = x;
    xEnd = x + 1;
    const l = Math.floor(xIndex);
    left[x] = l;
    right[x] = Math.ceil(xIndex);
    xLerp[x] = xIndex - l;
  }
  scratch.xFirst = xFirst;
  scratch.xEnd = xEnd;
}

/**
 * Bilinear crop-and-resize of box b of `boxes` out of image b of `images`, exactly like
 * `tf.image.cropAndResize(images, boxes, [0..n-1], [cropHeight, cropWidth], 'bilinear',
 * extrapolationValue)` on tfjs's cpu backend: the plain transcription of the formulas above.
 * Sizes default to 28x28 → 28x28.
 */
export function cropAndResizeBilinear(
  images: Uint8Array | Float32Array,
  n: number,
  boxes: Float32Array,
  options: CropResizeOptions = {},
): Float32Array {
  const geometry = checkArguments(images, n, boxes, options);
  const { imageHeight, imageWidth, cropHeight, cropWidth, extrapolationValue } = geometry;
  ensureScratch(geometry);
  const { left, right, xLerp } = scratch;
  const out = new Float32Array(n * cropHeight * cropWidth);
  const lastRow = imageHeight - 1;
  for (let b = 0, o = 0; b < n; b++) {
    const y1 = boxes[b * 4];
    const y2 = boxes[b * 4 + 2];
    const heightScale = sampleScale(y1, y2, cropHeight, lastRow);
    sampleColumns(boxes[b * 4 + 1], boxes[b * 4 + 3], cropWidth, imageWidth - 1);
    const { xFirst, xEnd } = scratch;
    const image = b * imageHeight * imageWidth;
    for (let y = 0; y < cropHeight; y++) {
      const yIndex = samplePosition(y, y1, heightScale, y2, cropHeight, lastRow);
      const rowInside = yIndex >= 0 && yIndex <= lastRow;
      const topRow = image + Math.floor(yIndex) * imageWidth;
      const bottomRow = image + Math.ceil(yIndex) * imageWidth;
      const yLerp = yIndex - Math.floor(yIndex);
      for (let x = 0; x < cropWidth; x++, o++) {
        if (!rowInside || x < xFirst || x >= xEnd) {
          out[o] = extrapolationValue;
          continue;
        }
        const topLeft = images[topRow + left[x]];
        const bottomLeft = images[bottomRow + left[x]];
        const top = topLeft + (images[topRow + right[x]] - topLeft) * xLerp[x];
        const bottom = bottomLeft + (images[bottomRow + right[x]] - bottomLeft) * xLerp[x];
        out[o] = top + (bottom - top) * yLerp;
      }
    }
  }
  return out;
}

/**
 * `cropAndResizeBilinear` then `value > threshold ? 1 : 0` on its float32 values — the
 * augmentation's crop-then-round — bit-identical to thresholding `cropAndResizeBilinear`
 * (tests/data/cropResize.test.ts), several times faster on sparse images like digits:
 * - each source row is interpolated horizontally once per box, not once per output row, and only
 *   between its first and last non-zero pixel (elsewhere the value is exactly 0);
 * - where both source rows of an output pixel are exactly 0 (or both exactly 1) the formula gives
 *   exactly 0 (1) whatever the lerps, so those pixels come from per-row bit masks; only the rest
 *   (the strokes' edges) are interpolated vertically;
 * - the output starts at 0 and only rows with 1s are written, 4 pixels per store.
 * Crops or images wider than 32 columns (beyond one mask) threshold `cropAndResizeBilinear` instead.
 */
export function cropAndResizeBinarised(
  images: Uint8Array | Float32Array,
  n: number,
  boxes: Float32Array,
  threshold: number,
  options: CropResizeOptions = {},
): Uint8Array {
  const geometry = checkArguments(images, n, boxes, options);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new RangeError(`threshold must be a number, got ${String(threshold)}`);
  const { imageHeight, imageWidth, cropHeight, cropWidth, extrapolationValue } = geometry;
  const out = new Uint8Array(n * cropHeight * cropWidth);
  if (cropWidth > MAX_MASK_COLUMNS || imageWidth > MAX_MASK_COLUMNS) {
    const values = cropAndResizeBilinear(images, n, boxes, options);
    for (let i = 0; i < out.length; i++) out[i] = values[i] > threshold ? 1 : 0;
    return out;
  }
  ensureScratch(geometry);
  const { left, right, xLerp, rowValues, rowZeros, rowOnes, rowFilledFor, fromColumn, toColumn } = scratch;
  const lastRow = imageHeight - 1;
  const lastColumn = imageWidth - 1;
  const words =
    LITTLE_ENDIAN && images instanceof Uint8Array && images.byteOffset % 4 === 0 && imageWidth % 4 === 0
      ? new Uint32Array(images.buffer, images.byteOffset, images.length >> 2)
      : null;
  // Rows of whole 4-byte words are written 4 pixels per store.
  const outWords = LITTLE_ENDIAN && cropWidth % 4 === 0 ? new Uint32Array(out.buffer) : null;
  const columnsBelow = (x: number) => (x >= 32 ? -1 : (1 << x) - 1); // mask of columns 0 ..< x
  const allColumns = columnsBelow(cropWidth);
  const outsideIsOne = Math.fround(extrapolationValue) > threshold;
  const zeroIsOne = 0 > threshold;
  const oneIsOne = 1 > threshold;

  for (let b = 0, o = 0; b < n; b++) {
    const boxId = scratch.boxesSeen++;
    const y1 = boxes[b * 4];
    const x1 = boxes[b * 4 + 1];
    const y2 = boxes[b * 4 + 2];
    const x2 = boxes[b * 4 + 3];
    const heightScale = sampleScale(y1, y2, cropHeight, lastRow);
    sampleColumns(x1, x2, cropWidth, lastColumn);
    const { xFirst, xEnd } = scratch;
    const inside = xFirst < xEnd;
    const insideColumns = inside ? columnsBelow(xEnd) & ~columnsBelow(xFirst) : 0;
    const outsideBits = outsideIsOne ? allColumns & ~insideColumns : 0;
    // The source columns the box reads, and whether crop columns read them left to right.
    const sourceFirst = inside ? Math.min(left[xFirst], left[xEnd - 1]) : 0;
    const sourceLast = inside ? Math.max(right[xFirst], right[xEnd - 1]) : -1;
    const sourceColumns = sourceFirst <= sourceLast ? columnsBelow(sourceLast + 1) & ~columnsBelow(sourceFirst) : 0;
    const ascending = x2 >= x1;
    if (ascending && inside) {
      // left and right grow with the crop column: one sweep gives each source column its range.
      for (let c = 0, x = xFirst; c <= lastColumn; c++) {
        while (x < xEnd && right[x] < c) x++;
        fromColumn[c] = x;
      }
      for (let c = lastColumn, x = xEnd; c >= 0; c--) {
        while (x > xFirst && left[x - 1] > c) x--;
        toColumn[c] = x;
      }
    }
    const image = b * imageHeight * imageWidth;

    for (let y = 0; y < cropHeight; y++, o += cropWidth) {
      const yIndex = samplePosition(y, y1, heightScale, y2, cropHeight, lastRow);
      let ones: number;
      if (yIndex < 0 || yIndex > lastRow || !inside) {
        ones = outsideIsOne ? allColumns : 0;
      } else {
        const topRow = Math.floor(yIndex);
        const bottomRow = Math.ceil(yIndex);
        for (let k = 0; k < 2; k++) {
          const row = k === 0 ? topRow : bottomRow;
          if (rowFilledFor[row] === boxId) continue;
          rowFilledFor[row] = boxId;
          // Horizontal pass over the columns that read a non-zero pixel of this row.
          const pixels = image + row * imageWidth;
          const read = nonZeroPixels(images, words, pixels, imageWidth) & sourceColumns;
          const first = 31 - Math.clz32(read & -read);
          const last = 31 - Math.clz32(read);
          let xFrom = xFirst;
          let xTo = xEnd;
          if (read === 0) xTo = xFrom;
          else if (ascending) {
            xFrom = fromColumn[first];
            xTo = toColumn[last];
          }
          let zeros = insideColumns & ~(columnsBelow(xTo) & ~columnsBelow(xFrom));
          let rowOneBits = 0;
          const values = row * cropWidth;
          for (let x = xFrom; x < xTo; x++) {
            const leftValue = images[pixels + left[x]];
            const value = leftValue + (images[pixels + right[x]] - leftValue) * xLerp[x];
            rowValues[values + x] = value;
            // Branch-free: stroke edges make these comparisons unpredictable.
            zeros |= +(value === 0) << x;
            rowOneBits |= +(value === 1) << x;
          }
          rowZeros[row] = zeros;
          rowOnes[row] = rowOneBits;
        }
        const topZeros = rowZeros[topRow];
        const bottomZeros = rowZeros[bottomRow];
        const bothZero = topZeros & bottomZeros;
        const bothOne = rowOnes[topRow] & rowOnes[bottomRow];
        ones = outsideBits | (zeroIsOne ? bothZero : 0) | (oneIsOne ? bothOne : 0);
        let mixed = insideColumns & ~(bothZero | bothOne);
        if (mixed !== 0) {
          const yLerp = yIndex - topRow;
          const top = topRow * cropWidth;
          const bottom = bottomRow * cropWidth;
          while (mixed !== 0) {
            const x = 31 - Math.clz32(mixed);
            mixed ^= 1 << x;
            // Columns skipped by the horizontal pass hold stale values; theirs is exactly 0.
            const topValue = (topZeros >>> x) & 1 ? 0 : rowValues[top + x];
            const bottomValue = (bottomZeros >>> x) & 1 ? 0 : rowValues[bottom + x];
            ones |= +(Math.fround(topValue + (bottomValue - topValue) * yLerp) > threshold) << x;
          }
        }
      }
      if (outWords !== null) {
        for (let w = o >> 2; ones !== 0; w++, ones >>>= 4) outWords[w] = NIBBLE_BYTES[ones & 15];
      } else {
        while (ones !== 0) {
          const x = 31 - Math.clz32(ones);
          ones ^= 1 << x;
          out[o + x] = 1;
        }
      }
    }
  }
  return out;
}
