/**
 * The drawn-digit set: every digit in several writing styles, written as pen strokes (polylines), then
 * placed on the pad at several sizes, positions, slants, pen widths and pointer speeds. Deterministic
 * from a seed, so the benchmark and `npm test` replay the same drawings every time. Coordinates are
 * fractions of the pad (0..1, y down); the replayer maps them onto the pad's canvas.
 */
import { Rng } from '../../lib/random';

export interface Point { x: number; y: number }
export type Polyline = Point[];

export interface DrawnDigit {
  /** Stable name, e.g. "7-bar-013". */
  id: string;
  digit: number;
  style: string;
  pointer: 'mouse' | 'touch';
  /** Pen width on the pad, in 28×28 cells (what the reader would pick as a thin or thick pen). */
  penWidth: number;
  /** Height of the digit as a fraction of the pad. */
  size: number;
  /** Pointer samples along each stroke, in fractions of the pad (0..1, y down). */
  strokes: Polyline[];
  /** Distance between pointer samples in pad fractions (small = slow stroke, large = fast). */
  spacing: number;
}

// --- glyph building blocks (glyph box: x from 0 to ~0.7, y from 0 to 1, y down) ---------------------

const STEP = 0.01;

/** Elliptic arc; angles in degrees, 0 = right, 90 = down (screen coordinates); goes from a0 to a1. */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): Polyline {
  const span = Math.abs(a1 - a0) * (Math.PI / 180);
  const n = Math.max(2, Math.ceil((span * Math.max(rx, ry)) / STEP));
  const out: Polyline = [];
  for (let i = 0; i <= n; i++) {
    const a = (a0 + ((a1 - a0) * i) / n) * (Math.PI / 180);
    out.push({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
  }
  return out;
}

/** Straight lines through the given points. */
function line(...pts: [number, number][]): Polyline {
  const out: Polyline = [];
  for (let k = 1; k < pts.length; k++) {
    const [x0, y0] = pts[k - 1], [x1, y1] = pts[k];
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / STEP));
    for (let i = k === 1 ? 0 : 1; i <= n; i++) out.push({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n });
  }
  return out;
}

/** Cubic Bézier curve. */
function bez(p0: [number, number], p1: [number, number], p2: [number, number], p3: [number, number]): Polyline {
  const out: Polyline = [];
  const n = 60;
  for (let i = 0; i <= n; i++) {
    const t = i / n, u = 1 - t;
    const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
    out.push({ x: w[0] * p0[0] + w[1] * p1[0] + w[2] * p2[0] + w[3] * p3[0], y: w[0] * p0[1] + w[1] * p1[1] + w[2] * p2[1] + w[3] * p3[1] });
  }
  return out;
}

/** One stroke made of consecutive parts (the pen does not lift). */
function cat(...parts: Polyline[]): Polyline {
  return parts.flat();
}

/** A vertical figure eight (one stroke), starting at the top and going left first. */
function eight(upper: number): Polyline {
  const out: Polyline = [];
  for (let i = 0; i <= 240; i++) {
    const t = 0.08 + (i / 240) * 2 * Math.PI;
    const top = Math.cos(t) > 0;
    const y = top ? upper * (1 - Math.cos(t)) : upper + (1 - upper) * -Math.cos(t);
    const x = 0.32 - (top ? 0.24 : 0.3) * Math.sin(2 * t);
    out.push({ x, y });
  }
  return out;
}

/** Writing styles per digit: each a list of strokes in the glyph box. */
export const STYLES: Record<number, Record<string, () => Polyline[]>> = {
  0: {
    oval: () => [arc(0.3, 0.5, 0.28, 0.5, -90, -455)],
    round: () => [arc(0.4, 0.5, 0.4, 0.5, -80, -440)],
    narrow: () => [arc(0.18, 0.5, 0.17, 0.5, -100, -450)],
  },
  1: {
    stick: () => [line([0.1, 0], [0.1, 1])],
    flag: () => [line([0.0, 0.25], [0.3, 0], [0.3, 1])],
    'flag-base': () => [line([0.1, 0.22], [0.35, 0], [0.35, 1]), line([0.05, 1], [0.65, 1])],
  },
  2: {
    classic: () => [cat(arc(0.32, 0.28, 0.3, 0.28, 195, 390), line([0.6, 0.42], [0.02, 1], [0.68, 1]))],
    loop: () => [cat(arc(0.32, 0.28, 0.3, 0.28, 195, 390), line([0.6, 0.42], [0.14, 0.86]), bez([0.14, 0.86], [0.0, 1.04], [0.34, 1.04], [0.2, 0.86]), line([0.2, 0.86], [0.32, 0.96], [0.7, 0.98]))],
    angular: () => [line([0.02, 0.12], [0.3, 0], [0.58, 0.12], [0.6, 0.3], [0.0, 1], [0.66, 1])],
  },
  3: {
    round: () => [cat(arc(0.3, 0.25, 0.28, 0.25, 200, 450), arc(0.3, 0.74, 0.32, 0.26, -90, 165))],
    'flat-top': () => [cat(line([0.04, 0], [0.6, 0], [0.24, 0.42]), arc(0.3, 0.7, 0.32, 0.3, -100, 160))],
  },
  4: {
    open: () => [line([0.1, 0], [0.04, 0.6], [0.72, 0.6]), line([0.56, 0.05], [0.56, 1])],
    closed: () => [line([0.55, 0], [0.02, 0.68], [0.72, 0.68]), line([0.55, 0], [0.55, 1])],
    'one-stroke': () => [line([0.55, 1], [0.55, 0], [0.02, 0.66], [0.74, 0.66])],
  },
  5: {
    classic: () => [cat(line([0.14, 0], [0.1, 0.45]), arc(0.3, 0.69, 0.31, 0.3, -140, 150)), line([0.13, 0], [0.62, 0])],
    'one-stroke': () => [cat(line([0.62, 0], [0.14, 0], [0.1, 0.45]), arc(0.3, 0.69, 0.31, 0.3, -140, 150))],
  },
  6: {
    curved: () => [cat(bez([0.55, 0], [0.2, 0.08], [0.02, 0.42], [0.04, 0.74]), arc(0.3, 0.74, 0.26, 0.25, 180, -175))],
    straight: () => [cat(line([0.48, 0], [0.05, 0.72]), arc(0.3, 0.74, 0.25, 0.25, 190, -170))],
  },
  7: {
    plain: () => [line([0.02, 0], [0.65, 0], [0.25, 1])],
    bar: () => [line([0.02, 0], [0.65, 0], [0.25, 1]), line([0.2, 0.5], [0.62, 0.5])],
    serif: () => [line([0.02, 0.16], [0.02, 0], [0.65, 0], [0.32, 1])],
  },
  8: {
    'one-stroke': () => [eight(0.46)],
    'two-loops': () => [arc(0.3, 0.24, 0.22, 0.24, -60, -420), arc(0.3, 0.73, 0.28, 0.27, -90, 270)],
  },
  9: {
    straight: () => [cat(arc(0.3, 0.27, 0.27, 0.27, -5, -365), line([0.57, 0.27], [0.56, 1]))],
    curved: () => [cat(arc(0.3, 0.27, 0.27, 0.27, -5, -365), bez([0.57, 0.27], [0.6, 0.7], [0.5, 1.0], [0.12, 0.95]))],
    slanted: () => [cat(arc(0.3, 0.27, 0.27, 0.27, -5, -365), line([0.57, 0.27], [0.38, 1]))],
  },
};

// --- placing glyphs on the pad -----------------------------------------------------------------------

const SIZES = [0.3, 0.45, 0.6, 0.75, 0.9];
const PEN_WIDTHS = [1, 2, 3, 5];
/** Sample spacing in pad fractions: slow (dense samples) to fast (sparse ones; 280 px pad → 1–20 px). */
const SPACINGS = [0.004, 0.012, 0.03, 0.07];

function bounds(strokes: Polyline[]) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const s of strokes) for (const p of s) {
    x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

/** Points every `spacing` along the polyline (arc length), always keeping its ends. */
export function resample(line: Polyline, spacing: number): Polyline {
  const out: Polyline = [line[0]];
  let carry = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1], b = line[i];
    const d = Math.hypot(b.x - a.x, b.y - a.y);
    let t = spacing - carry;
    while (t <= d) {
      out.push({ x: a.x + ((b.x - a.x) * t) / d, y: a.y + ((b.y - a.y) * t) / d });
      t += spacing;
    }
    carry = d - (t - spacing);
  }
  const end = line[line.length - 1];
  const lastOut = out[out.length - 1];
  if (lastOut.x !== end.x || lastOut.y !== end.y) out.push(end);
  return out;
}

/** One drawing: the style's strokes slanted, rotated, scaled, placed, wobbled and sampled. */
function place(digit: number, style: string, index: number, rng: Rng): DrawnDigit {
  const size = SIZES[(index * 2 + digit + Math.floor(index / 5)) % SIZES.length];
  // nobody writes a tiny digit with a felt-tip: thick pens only where the digit has room
  const penWidth = Math.min(PEN_WIDTHS[(index * 3 + digit) % PEN_WIDTHS.length], Math.max(1, Math.round(size * 8)));
  const spacing = SPACINGS[(index * 7 + digit * 3) % SPACINGS.length] * rng.uniform(0.8, 1.25);
  const pointer: 'mouse' | 'touch' = index % 3 === 2 ? 'touch' : 'mouse';
  const slant = rng.uniform(-0.15, 0.35); // x shift per unit of height (right-leaning positive)
  const rotation = rng.uniform(-7, 7) * (Math.PI / 180);
  const widthScale = rng.uniform(0.85, 1.2);
  const wobble = rng.uniform(0.005, 0.02); // slow hand wobble, in glyph heights
  const phase = [rng.uniform(0, 6.3), rng.uniform(0, 6.3), rng.uniform(0, 6.3), rng.uniform(0, 6.3)];

  // shape in glyph units, with slant, rotation and wobble
  const cos = Math.cos(rotation), sin = Math.sin(rotation);
  const shaped = STYLES[digit][style]().map((stroke) => stroke.map((p, i) => {
    const w = i * 0.08;
    const x = p.x * widthScale + slant * (0.5 - p.y) + wobble * Math.sin(w + phase[0]) + 0.5 * wobble * Math.sin(2.3 * w + phase[1]);
    const y = p.y + wobble * Math.sin(1.3 * w + phase[2]) + 0.5 * wobble * Math.sin(2.9 * w + phase[3]);
    return { x: x * cos - y * sin, y: x * sin + y * cos };
  }));

  // scale to the chosen height and place inside the pad (small ones often in a corner)
  const b = bounds(shaped);
  const scale = size / Math.max(b.y1 - b.y0, 1e-6);
  const w = (b.x1 - b.x0) * scale, h = size;
  const margin = 0.04;
  const freeX = Math.max(0, 1 - 2 * margin - w), freeY = Math.max(0, 1 - 2 * margin - h);
  let left: number, top: number;
  if (size <= 0.45 && index % 2 === 0) {
    const corner = (index >> 1) % 4;
    left = margin + (corner & 1 ? freeX : 0);
    top = margin + (corner & 2 ? freeY : 0);
  } else {
    left = margin + rng.uniform(0, 1) * freeX;
    top = margin + rng.uniform(0, 1) * freeY;
  }
  const strokes = shaped.map((stroke) => resample(stroke.map((p) => ({ x: left + (p.x - b.x0) * scale, y: top + (p.y - b.y0) * scale })), spacing)
    .map((p) => ({ x: Math.min(0.995, Math.max(0.005, p.x)), y: Math.min(0.995, Math.max(0.005, p.y)) })));
  return { id: `${digit}-${style}-${String(index).padStart(3, '0')}`, digit, style, pointer, penWidth, size, strokes, spacing };
}

/** Drawings per digit in the benchmark set. */
export const PER_DIGIT = 30;

/** The benchmark's drawings: `perDigit` per digit, styles taken in turn, deterministic from `seed`. */
export function drawnDigits(seed = 1, perDigit = PER_DIGIT): DrawnDigit[] {
  if (!Number.isInteger(perDigit) || perDigit < 1) throw new RangeError(`perDigit must be a whole number ≥ 1, got ${perDigit}`);
  const out: DrawnDigit[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const styles = Object.keys(STYLES[digit]);
    const rng = Rng.derive(seed, `drawn/${digit}`);
    for (let index = 0; index < perDigit; index++) out.push(place(digit, styles[index % styles.length], index, rng));
  }
  return out;
}

/** The small set for `npm test`: every fifth drawing of the benchmark set (6 per digit, every style). */
export function smallDrawnSet(seed = 1): DrawnDigit[] {
  return drawnDigits(seed).filter((_, i) => (i % PER_DIGIT) % 5 === 0);
}
