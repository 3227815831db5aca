import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FRAME_CENTRE, binariseImage, boundingBox, centreLikeMnist, centreOfMass, chipInput, prepareDrawing } from '../../lib/draw/preprocess';
import { GRID, PIXELS, createRaster, rasterToImage, strokeSegment } from '../../lib/draw/raster';

/** A small "7" drawn in the top-left corner. */
function cornerSeven(): Float32Array {
  const r = createRaster();
  strokeSegment(r, { x: 2, y: 2 }, { x: 10, y: 2 }, 2, 1);
  strokeSegment(r, { x: 10, y: 2 }, { x: 5, y: 12 }, 2, 1);
  return rasterToImage(r);
}

describe('centreLikeMnist', () => {
  it('moves a digit drawn in a corner to the centre (COM within 0.5 px)', () => {
    const img = cornerSeven();
    const before = centreOfMass(img)!;
    expect(Math.abs(before.x - FRAME_CENTRE)).toBeGreaterThan(5);
    const out = centreLikeMnist(img);
    const com = centreOfMass(out)!;
    expect(Math.abs(com.x - FRAME_CENTRE)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - FRAME_CENTRE)).toBeLessThanOrEqual(0.5);
  });

  it('scales the bounding box so its longer side is 20 px, keeping the aspect ratio', () => {
    const out = centreLikeMnist(cornerSeven());
    const box = boundingBox(out)!;
    // the seven is 10 wide × 12 tall → 20 tall, ≈ 16.7 wide
    expect(box.height).toBe(20);
    expect(box.width).toBeGreaterThanOrEqual(16);
    expect(box.width).toBeLessThanOrEqual(18);
  });

  it('is the same for the same digit drawn at different places (translation invariance)', () => {
    const a = createRaster();
    strokeSegment(a, { x: 3, y: 3 }, { x: 3, y: 15 }, 2, 1);
    const b = createRaster();
    strokeSegment(b, { x: 20, y: 10 }, { x: 20, y: 22 }, 2, 1);
    expect(centreLikeMnist(rasterToImage(a))).toEqual(centreLikeMnist(rasterToImage(b)));
  });

  it('returns an empty image unchanged', () => {
    const empty = new Float32Array(PIXELS);
    const out = centreLikeMnist(empty);
    expect(out).toEqual(empty);
    expect(out).not.toBe(empty);
  });

  it('keeps values in 0..1 and COM centred for random strokes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 27 }), fc.integer({ min: 0, max: 27 })), { minLength: 2, maxLength: 6 }), (pts) => {
        const r = createRaster();
        for (let i = 1; i < pts.length; i++) strokeSegment(r, { x: pts[i - 1][0], y: pts[i - 1][1] }, { x: pts[i][0], y: pts[i][1] }, 2, 1);
        const out = centreLikeMnist(rasterToImage(r));
        expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
        const box = boundingBox(out)!;
        expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(20);
        const com = centreOfMass(out)!;
        // shifts are clamped to keep all ink in the frame; with a 20-px box that clamp stays within 4 px
        expect(Math.abs(com.x - FRAME_CENTRE)).toBeLessThanOrEqual(4.5);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects images of the wrong size or range', () => {
    expect(() => centreLikeMnist(new Float32Array(10))).toThrow(/784/);
    const bad = new Float32Array(PIXELS);
    bad[3] = 2;
    expect(() => centreLikeMnist(bad)).toThrow(/image\[3\]/);
  });
});

describe('binarisation and chip input', () => {
  it('rounds like torch (0.5 → 0) and scales to the 5-bit range', () => {
    const img = new Float32Array(PIXELS);
    img[0] = 0.5; img[1] = 0.51; img[2] = 1;
    const bin = binariseImage(img);
    expect([bin[0], bin[1], bin[2]]).toEqual([0, 1, 1]);
    const chip = chipInput(img);
    expect([chip[0], chip[1], chip[2]]).toEqual([0, 31, 31]);
  });

  it('prepareDrawing switches preprocessing on and off', () => {
    const img = cornerSeven();
    expect(prepareDrawing(img, false)).toEqual(img);
    const on = prepareDrawing(img, true);
    expect(on.every((v) => v === 0 || v === 1)).toBe(true);
    const com = centreOfMass(on)!;
    expect(Math.abs(com.x - FRAME_CENTRE)).toBeLessThan(1.5);
    expect(GRID).toBe(28);
  });
});
