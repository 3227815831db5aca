/**
 * The pad's default pipeline: a drawing is kept as strokes (polylines at screen resolution, in grid
 * units: 0..28 across the pad), and the chip's input is made from them the way MNIST's images were made:
 * the digit is fitted into 20×20 (aspect kept), written again with a round anti-aliased pen whose width
 * is fixed relative to that box (MNIST's strokes are 2–3 px wide), centred by mass in 28×28 and then
 * binarised as the tutorial does. Re-rendering the polylines (rather than scaling a bitmap) makes a thin
 * and a thick pen give the same input, and a digit drawn small in a corner the same as a large one.
 * Pure logic, no DOM: a mouse, a finger or a keyboard pen only has to produce the list of polylines.
 */

import { FIT_BOX, FRAME_CENTRE, binariseImage, centreOfMass } from './preprocess';
import { GRID, PIXELS } from './raster';

export interface PenPoint {
  x: number;
  y: number;
}
/** One pen-down-to-pen-up movement: points in grid units (0..28 across the pad, y down). */
export type Stroke = PenPoint[];

/** Pen width (px of the 28×28 image) the strokes are written with after fitting into 20×20. */
export const MNIST_PEN_WIDTH = 2.5;
/** Pen width (cells) for the uncentred image, as the tutorial's ZahlenMalen (`line_width=2`). */
const AS_DRAWN_PEN_WIDTH = 2;
/** Sub-samples per pixel side for the anti-aliased pen (4×4 = 16 coverage levels). */
const SUB = 4;

export function checkStrokes(strokes: readonly Stroke[], name = 'strokes'): void {
  if (!Array.isArray(strokes)) throw new TypeError(`${name} must be an array of strokes (arrays of {x, y} in grid units), got ${typeof strokes}`);
  strokes.forEach((stroke, s) => {
    if (!Array.isArray(stroke) || stroke.length === 0) throw new RangeError(`${name}[${s}] must be a non-empty array of points`);
    stroke.forEach((p, i) => {
      if (!p || !Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new RangeError(`${name}[${s}][${i}] must have finite x and y (grid units), got ${JSON.stringify(p)}`);
    });
  });
}

/** Where the pen went: the box around all stroke points (not counting the pen's width), or null. */
export function strokeBounds(strokes: readonly Stroke[]): { left: number; top: number; right: number; bottom: number } | null {
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (const stroke of strokes) for (const p of stroke) {
    if (p.x < left) left = p.x;
    if (p.x > right) right = p.x;
    if (p.y < top) top = p.y;
    if (p.y > bottom) bottom = p.y;
  }
  return right < left ? null : { left, top, right, bottom };
}

/** Strokes mapped by x' = x·scale + dx, y' = y·scale + dy. */
function transformStrokes(strokes: readonly Stroke[], scale: number, dx: number, dy: number): Stroke[] {
  return strokes.map((stroke) => stroke.map((p) => ({ x: p.x * scale + dx, y: p.y * scale + dy })));
}

/**
 * The strokes written with a round pen `width` px wide onto 28×28 pixels, anti-aliased: each pixel's
 * value is the share of its 4×4 sub-samples within width/2 of a stroke (0..1).
 */
export function renderStrokes(strokes: readonly Stroke[], width: number): Float32Array {
  checkStrokes(strokes);
  if (!(width > 0 && width <= GRID)) throw new RangeError(`width must be a number greater than 0 and at most ${GRID} (px), got ${width}`);
  const n = GRID * SUB;
  const hit = new Uint8Array(n * n);
  const r = width / 2, r2 = r * r;
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const a = stroke[Math.max(0, i - 1)], b = stroke[i];
      // sub-sample centres (k + 0.5) / SUB within the segment's box grown by r
      const k0 = Math.max(0, Math.floor((Math.min(a.x, b.x) - r) * SUB)), k1 = Math.min(n - 1, Math.ceil((Math.max(a.x, b.x) + r) * SUB));
      const j0 = Math.max(0, Math.floor((Math.min(a.y, b.y) - r) * SUB)), j1 = Math.min(n - 1, Math.ceil((Math.max(a.y, b.y) + r) * SUB));
      const ex = b.x - a.x, ey = b.y - a.y, len2 = ex * ex + ey * ey;
      for (let j = j0; j <= j1; j++) {
        const py = (j + 0.5) / SUB;
        for (let k = k0; k <= k1; k++) {
          const px = (k + 0.5) / SUB;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - a.x) * ex + (py - a.y) * ey) / len2)) : 0;
          const qx = a.x + t * ex - px, qy = a.y + t * ey - py;
          if (qx * qx + qy * qy <= r2) hit[j * n + k] = 1;
        }
      }
    }
  }
  const out = new Float32Array(PIXELS);
  for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) if (hit[j * n + k]) out[Math.floor(j / SUB) * GRID + Math.floor(k / SUB)] += 1 / (SUB * SUB);
  return out;
}

export interface MnistSteps {
  /** The strokes where they were drawn, with the pen the reader drew them with (0..1). */
  drawn: Float32Array;
  /** Fitted into 20×20, written with the MNIST pen and centred by mass (grey, 0..1). */
  fitted: Float32Array;
  /** What the chip is given: `fitted` binarised (0|1). */
  input: Float32Array;
  /** The strokes after fitting and centring (grid units). */
  strokes: Stroke[];
}

/**
 * Fit and centre `strokes` like MNIST: the box around the pen's path plus `penWidth` becomes 20 px on its
 * longer side, the digit is written with a `penWidth` round pen, then shifted (sub-pixel) so its centre
 * of mass sits at the frame's centre, keeping all ink inside the frame.
 */
export function fitStrokes(strokes: readonly Stroke[], penWidth = MNIST_PEN_WIDTH): { strokes: Stroke[]; image: Float32Array } {
  checkStrokes(strokes);
  if (!(penWidth > 0 && penWidth < FIT_BOX)) throw new RangeError(`penWidth must be a number greater than 0 and below ${FIT_BOX} (px), got ${penWidth}`);
  const box = strokeBounds(strokes);
  if (!box) return { strokes: [], image: new Float32Array(PIXELS) };
  const side = Math.max(box.right - box.left, box.bottom - box.top);
  // a dot (or a tap) has no size: it stays a single pen-sized dot
  const scale = side > 0 ? (FIT_BOX - penWidth) / side : 1;
  const cx = (box.left + box.right) / 2, cy = (box.top + box.bottom) / 2;
  const boxed = transformStrokes(strokes, scale, GRID / 2 - cx * scale, GRID / 2 - cy * scale);
  const first = renderStrokes(boxed, penWidth);
  const com = centreOfMass(first)!;
  // keep the pen's ink inside the frame: the fitted box is at most 20 px, so there is room to move
  const half = {
    w: ((box.right - box.left) * scale + penWidth) / 2,
    h: ((box.bottom - box.top) * scale + penWidth) / 2,
  };
  const dx = clamp(FRAME_CENTRE - com.x, half.w - GRID / 2, GRID / 2 - half.w);
  const dy = clamp(FRAME_CENTRE - com.y, half.h - GRID / 2, GRID / 2 - half.h);
  const placed = transformStrokes(boxed, 1, dx, dy);
  return { strokes: placed, image: renderStrokes(placed, penWidth) };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/**
 * All steps from strokes to the chip's input. With `centre` (the `preprocess` parameter) the digit is
 * fitted and centred like MNIST; without it, it stays where it was drawn, written with the tutorial's
 * 2-cell pen. Binarised by rounding, as the tutorial's `x.round()`.
 */
export function strokesToInput(strokes: readonly Stroke[], centre: boolean, drawnPenWidth = AS_DRAWN_PEN_WIDTH): MnistSteps {
  checkStrokes(strokes);
  if (!(drawnPenWidth > 0 && drawnPenWidth <= GRID)) throw new RangeError(`drawnPenWidth must be a number greater than 0 and at most ${GRID} (cells), got ${drawnPenWidth}`);
  const drawn = renderStrokes(strokes, drawnPenWidth);
  if (!centre) {
    const asDrawn = renderStrokes(strokes, AS_DRAWN_PEN_WIDTH);
    return { drawn, fitted: asDrawn, input: binariseImage(asDrawn), strokes: strokes.map((s) => s.slice()) };
  }
  const fitted = fitStrokes(strokes);
  return { drawn, fitted: fitted.image, input: binariseImage(fitted.image), strokes: fitted.strokes };
}

/** Largest gap (grid units) between points kept by the eraser, so it cuts strokes where it touches them. */
const ERASE_STEP = 0.25;

/**
 * The strokes with everything within `radius` of `at` rubbed out: strokes are cut where the eraser
 * touches them (pieces stay separate strokes), untouched strokes are returned as they are.
 */
export function eraseFromStrokes(strokes: readonly Stroke[], at: PenPoint, radius: number): Stroke[] {
  checkStrokes(strokes);
  if (!Number.isFinite(at?.x) || !Number.isFinite(at?.y)) throw new RangeError(`at must have finite x and y (grid units), got ${JSON.stringify(at)}`);
  if (!(radius > 0)) throw new RangeError(`radius must be a number greater than 0 (grid units), got ${radius}`);
  const out: Stroke[] = [];
  const r2 = radius * radius;
  const inside = (p: PenPoint) => (p.x - at.x) ** 2 + (p.y - at.y) ** 2 <= r2;
  for (const stroke of strokes) {
    const b = strokeBounds([stroke])!;
    if (b.left > at.x + radius || b.right < at.x - radius || b.top > at.y + radius || b.bottom < at.y - radius) {
      out.push(stroke);
      continue;
    }
    // densify, so cutting at points cuts the line where the eraser is
    const dense: Stroke = [stroke[0]];
    for (let i = 1; i < stroke.length; i++) {
      const a = stroke[i - 1], c = stroke[i];
      const n = Math.max(1, Math.ceil(Math.hypot(c.x - a.x, c.y - a.y) / ERASE_STEP));
      for (let k = 1; k <= n; k++) dense.push({ x: a.x + ((c.x - a.x) * k) / n, y: a.y + ((c.y - a.y) * k) / n });
    }
    if (!dense.some(inside)) {
      out.push(stroke);
      continue;
    }
    let piece: Stroke = [];
    for (const p of dense) {
      if (inside(p)) {
        if (piece.length) out.push(piece);
        piece = [];
      } else piece.push(p);
    }
    if (piece.length) out.push(piece);
  }
  return out;
}
