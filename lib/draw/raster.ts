/**
 * Stroke rasterisation for the drawing pad: pointer positions (in grid units, 0..28 across the
 * 28×28 image) become filled cells of a 28×28 raster. Pure logic, no DOM.
 *
 * The tutorial's ZahlenMalen (ipycanvas, scale 10) fills a square of `lineWidth` cells whose corner is
 * `round(x) - lineWidth/2` and later samples every cell at its centre, so one stamp covers exactly the
 * cells whose centres lie in [round(x) - w/2, round(x) + w/2). We keep that rule, so a stroke here gives
 * the same pixels as in the tutorial, and add interpolation between pointer samples (the tutorial
 * leaves gaps when the pointer moves fast).
 */

export const GRID = 28;
export const PIXELS = GRID * GRID;

/** Tutorial default (`ZahlenMalen(..., line_width=2)`). */
export const DEFAULT_LINE_WIDTH = 2;

export interface GridPoint {
  x: number;
  y: number;
}

export function createRaster(): Uint8Array {
  return new Uint8Array(PIXELS);
}

function checkRaster(raster: Uint8Array): void {
  if (!(raster instanceof Uint8Array) || raster.length !== PIXELS) {
    throw new RangeError(`raster must be a Uint8Array of ${PIXELS} cells (28×28), got length ${(raster as { length?: number })?.length}`);
  }
}

function checkLineWidth(lineWidth: number): void {
  if (!Number.isFinite(lineWidth) || lineWidth <= 0 || lineWidth > GRID) {
    throw new RangeError(`lineWidth must be a number greater than 0 and at most ${GRID} (cells), got ${lineWidth}`);
  }
}

function checkPoint(point: GridPoint, name: string): void {
  if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) {
    throw new RangeError(`${name} must have finite x and y in grid units, got (${point.x}, ${point.y})`);
  }
}

/** Range of cell indices whose centres lie in [round(c) - w/2, round(c) + w/2), clipped to the grid. */
function stampCells(c: number, lineWidth: number): [number, number] {
  const start = Math.round(c) - lineWidth / 2;
  // centre i + 0.5 >= start  ⇔  i >= start - 0.5 ; centre < start + w  ⇔  i < start + w - 0.5
  const first = Math.max(0, Math.ceil(start - 0.5));
  const last = Math.min(GRID - 1, Math.ceil(start + lineWidth - 0.5) - 1);
  return [first, last];
}

/**
 * Stamp one pen (value 1) or eraser (value 0) square at `point`. Returns whether any cell changed.
 * Points outside the grid only touch the cells the square overlaps.
 */
export function stamp(raster: Uint8Array, point: GridPoint, lineWidth: number, value: 0 | 1): boolean {
  checkRaster(raster);
  checkLineWidth(lineWidth);
  checkPoint(point, 'point');
  if (value !== 0 && value !== 1) throw new RangeError(`value must be 0 (eraser) or 1 (pen), got ${value}`);
  const [x0, x1] = stampCells(point.x, lineWidth);
  const [y0, y1] = stampCells(point.y, lineWidth);
  let changed = false;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * GRID + x;
      if (raster[i] !== value) {
        raster[i] = value;
        changed = true;
      }
    }
  }
  return changed;
}

/**
 * Stamp along the segment from `from` to `to` at steps of at most a quarter cell, so fast strokes
 * stay connected. Returns whether any cell changed.
 */
export function strokeSegment(raster: Uint8Array, from: GridPoint, to: GridPoint, lineWidth: number, value: 0 | 1): boolean {
  checkPoint(from, 'from');
  checkPoint(to, 'to');
  const length = Math.hypot(to.x - from.x, to.y - from.y);
  const steps = Math.max(1, Math.ceil(length / 0.25));
  let changed = false;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    if (stamp(raster, { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t }, lineWidth, value)) changed = true;
  }
  return changed;
}

/** Map a pointer position in CSS pixels to grid units, given the drawn element's box. */
export function clientToGrid(clientX: number, clientY: number, box: { left: number; top: number; width: number; height: number }): GridPoint {
  if (!(box.width > 0) || !(box.height > 0)) {
    throw new RangeError(`box must have a positive width and height, got ${box.width}×${box.height}`);
  }
  return { x: ((clientX - box.left) / box.width) * GRID, y: ((clientY - box.top) / box.height) * GRID };
}

/** The raster as the model's input image: 784 floats, 0 or 1. */
export function rasterToImage(raster: Uint8Array): Float32Array {
  checkRaster(raster);
  return Float32Array.from(raster);
}

/** Load an image (784 values; anything >= 0.5 counts as ink) into the raster, e.g. a pasted test digit. */
export function loadIntoRaster(raster: Uint8Array, image: ArrayLike<number>): void {
  checkRaster(raster);
  if (image.length !== PIXELS) throw new RangeError(`image must have ${PIXELS} values (28×28), got ${image.length}`);
  for (let i = 0; i < PIXELS; i++) raster[i] = image[i] >= 0.5 ? 1 : 0;
}

export type Half = 'top' | 'bottom' | 'left' | 'right';

/** A copy of a 28×28 raster with one half blanked: "does half a digit suffice?" */
export function coverHalf(raster: ArrayLike<number>, half: Half): Uint8Array {
  if (raster?.length !== PIXELS) throw new RangeError(`raster must have ${PIXELS} values (28×28), got length ${raster?.length}`);
  if (!['top', 'bottom', 'left', 'right'].includes(half)) throw new RangeError(`half must be one of top, bottom, left, right; got ${JSON.stringify(half)}`);
  const out = Uint8Array.from(raster, (v) => (v ? 1 : 0));
  const middle = GRID / 2;
  for (let i = 0; i < PIXELS; i++) {
    const x = i % GRID, y = Math.floor(i / GRID);
    if ((half === 'top' && y < middle) || (half === 'bottom' && y >= middle) || (half === 'left' && x < middle) || (half === 'right' && x >= middle)) out[i] = 0;
  }
  return out;
}
