import { describe, expect, it } from 'vitest';
import { FIT_BOX, FRAME_CENTRE, boundingBox, centreOfMass } from '../../lib/draw/preprocess';
import { MNIST_PEN_WIDTH, eraseFromStrokes, fitStrokes, renderStrokes, strokeBounds, strokesToInput, type Stroke } from '../../lib/draw/pen';
import { PIXELS } from '../../lib/draw/raster';

/** A "7" in grid units: top bar and a diagonal, drawn at `scale` with its top-left at (x, y). */
function seven(x: number, y: number, scale: number): Stroke[] {
  const pts = [[0, 0], [6, 0], [2, 10]].map(([px, py]) => ({ x: x + px * scale, y: y + py * scale }));
  // dense samples, as a slow mouse gives
  const out: Stroke = [];
  for (let k = 1; k < pts.length; k++) {
    for (let i = k === 1 ? 0 : 1; i <= 20; i++) out.push({ x: pts[k - 1].x + ((pts[k].x - pts[k - 1].x) * i) / 20, y: pts[k - 1].y + ((pts[k].y - pts[k - 1].y) * i) / 20 });
  }
  return [out];
}

const ink = (image: ArrayLike<number>) => Array.from(image).reduce((a, b) => a + b, 0);

describe('renderStrokes', () => {
  it('writes a round, anti-aliased pen: a horizontal line of width w has ≈ w × length of ink and grey edges', () => {
    const image = renderStrokes([[{ x: 4, y: 14 }, { x: 24, y: 14 }]], 3);
    // rectangle 20 × 3 plus two half-discs of radius 1.5
    expect(ink(image)).toBeCloseTo(20 * 3 + Math.PI * 1.5 * 1.5, 0);
    const values = new Set(Array.from(image).map((v) => v.toFixed(3)));
    expect(values.size).toBeGreaterThan(3); // not just 0 and 1
    expect(Math.max(...image)).toBeLessThanOrEqual(1);
  });

  it('draws a single point as a dot and rejects bad input with a clear message', () => {
    expect(ink(renderStrokes([[{ x: 14, y: 14 }]], 2))).toBeCloseTo(Math.PI, 0);
    expect(() => renderStrokes([[{ x: NaN, y: 1 }]], 2)).toThrow(/strokes\[0\]\[0\] must have finite x and y/);
    expect(() => renderStrokes([[]], 2)).toThrow(/strokes\[0\] must be a non-empty array/);
    expect(() => renderStrokes([[{ x: 1, y: 1 }]], 0)).toThrow(/width must be a number greater than 0/);
  });
});

describe('fitStrokes (MNIST-style fit, pen and centring)', () => {
  it('fits the digit into 20×20 (pen included) and centres its mass within 0.5 px', () => {
    const { image } = fitStrokes(seven(1, 1, 0.6));
    const box = boundingBox(image.map((v) => (v > 0.5 ? 1 : 0)))!;
    expect(box.height).toBeGreaterThanOrEqual(FIT_BOX - 2);
    expect(box.height).toBeLessThanOrEqual(FIT_BOX);
    const com = centreOfMass(image)!;
    expect(Math.abs(com.x - FRAME_CENTRE)).toBeLessThan(0.5);
    expect(Math.abs(com.y - FRAME_CENTRE)).toBeLessThan(0.5);
  });

  it('gives the same image for a small digit in a corner and a large one in the middle', () => {
    const small = fitStrokes(seven(1, 1, 0.5)).image;
    const large = fitStrokes(seven(6, 2, 2.2)).image;
    let diff = 0;
    for (let i = 0; i < PIXELS; i++) diff += Math.abs(small[i] - large[i]);
    expect(diff).toBeLessThan(1);
  });

  it('keeps the stroke width at the MNIST pen: a long 1 is ~2–3 px wide, whatever it was drawn with', () => {
    const one: Stroke[] = [[{ x: 14, y: 3 }, { x: 14, y: 25 }]];
    const input = strokesToInput(one, true).input;
    const rows = [8, 14, 20].map((y) => Array.from(input.slice(y * 28, y * 28 + 28)).reduce((a, b) => a + b, 0));
    for (const width of rows) expect(width).toBeGreaterThanOrEqual(2), expect(width).toBeLessThanOrEqual(3);
    expect(MNIST_PEN_WIDTH).toBeGreaterThanOrEqual(2);
    expect(MNIST_PEN_WIDTH).toBeLessThanOrEqual(3);
  });

  it('keeps all ink inside the frame even when the mass is far off the box centre', () => {
    // a "7" with a very long bar: the mass sits high, the shift must not push the bar out
    const strokes: Stroke[] = [[{ x: 0, y: 0 }, { x: 20, y: 0 }, { x: 19, y: 1 }, { x: 18, y: 20 }]];
    const { image, strokes: placed } = fitStrokes(strokes);
    const b = strokeBounds(placed)!;
    expect(b.left - MNIST_PEN_WIDTH / 2).toBeGreaterThanOrEqual(-1e-9);
    expect(b.top - MNIST_PEN_WIDTH / 2).toBeGreaterThanOrEqual(-1e-9);
    expect(b.right + MNIST_PEN_WIDTH / 2).toBeLessThanOrEqual(28 + 1e-9);
    expect(b.bottom + MNIST_PEN_WIDTH / 2).toBeLessThanOrEqual(28 + 1e-9);
    expect(ink(image)).toBeGreaterThan(20);
  });

  it('returns an empty image for no strokes', () => {
    expect(ink(fitStrokes([]).image)).toBe(0);
    expect(ink(strokesToInput([], true).input)).toBe(0);
  });
});

describe('strokesToInput', () => {
  it('gives the chip the same input for a thin and a thick pen (width is normalised)', () => {
    const strokes = seven(3, 3, 1.4);
    const thin = strokesToInput(strokes, true, 1);
    const thick = strokesToInput(strokes, true, 5);
    expect(Array.from(thick.input)).toEqual(Array.from(thin.input));
    // what was drawn differs, of course
    expect(ink(thick.drawn)).toBeGreaterThan(2 * ink(thin.drawn));
  });

  it('binarises by rounding (0|1) and, without centring, keeps the digit where it was drawn', () => {
    const strokes = seven(1, 1, 0.6);
    const steps = strokesToInput(strokes, false);
    expect(new Set(steps.input)).toEqual(new Set([0, 1]));
    const box = boundingBox(steps.input)!;
    expect(box.left).toBeLessThanOrEqual(2);
    expect(box.top).toBeLessThanOrEqual(2);
    const centred = boundingBox(strokesToInput(strokes, true).input)!;
    expect(centred.left).toBeGreaterThan(3);
  });
});

describe('eraseFromStrokes', () => {
  it('cuts a stroke where the eraser touches it and keeps the rest', () => {
    const line: Stroke[] = [[{ x: 10, y: 10 }, { x: 20, y: 10 }], [{ x: 2, y: 2 }, { x: 3, y: 3 }]];
    const out = eraseFromStrokes(line, { x: 15, y: 10 }, 2);
    expect(out).toHaveLength(3);
    expect(out[2]).toBe(line[1]); // untouched stroke: the same object
    expect(Math.max(...out[0].map((p) => p.x))).toBeLessThan(13.01);
    expect(Math.min(...out[1].map((p) => p.x))).toBeGreaterThan(16.99);
    const image = renderStrokes(out, 2);
    expect(image[10 * 28 + 15]).toBe(0);
    expect(image[10 * 28 + 11]).toBeGreaterThan(0.5);
  });

  it('removes a stroke it covers completely, and names bad input', () => {
    expect(eraseFromStrokes([[{ x: 5, y: 5 }, { x: 5.5, y: 5 }]], { x: 5, y: 5 }, 2)).toEqual([]);
    expect(() => eraseFromStrokes([], { x: NaN, y: 0 }, 1)).toThrow(/at must have finite x and y/);
    expect(() => eraseFromStrokes([], { x: 0, y: 0 }, 0)).toThrow(/radius must be a number greater than 0/);
  });
});
