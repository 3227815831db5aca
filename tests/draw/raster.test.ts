import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GRID, clientToGrid, createRaster, loadIntoRaster, rasterToImage, stamp, strokeSegment } from '../../lib/draw/raster';

const inked = (r: Uint8Array) => [...r.keys()].filter((i) => r[i] === 1).map((i) => [i % GRID, Math.floor(i / GRID)]);

describe('stamp', () => {
  it('fills the same 2×2 cells as the tutorial (corner at round(x) - 1)', () => {
    const r = createRaster();
    expect(stamp(r, { x: 10.4, y: 5.6 }, 2, 1)).toBe(true);
    // round(10.4)=10 → cells 9,10 ; round(5.6)=6 → rows 5,6
    expect(inked(r)).toEqual([[9, 5], [10, 5], [9, 6], [10, 6]]);
  });

  it('a line width of 3 covers 3×3 cells and 1 covers one cell', () => {
    const r = createRaster();
    stamp(r, { x: 14, y: 14 }, 3, 1);
    expect(inked(r).length).toBe(9);
    const one = createRaster();
    stamp(one, { x: 3.2, y: 7.9 }, 1, 1);
    // start = round(3.2) - 0.5 = 2.5 → centre 2.5 is cell 2; round(7.9) - 0.5 = 7.5 → cell 7
    expect(inked(one)).toEqual([[2, 7]]);
  });

  it('clips at the border and reports no change when nothing changes', () => {
    const r = createRaster();
    expect(stamp(r, { x: 0, y: 0 }, 2, 1)).toBe(true);
    expect(inked(r)).toEqual([[0, 0]]);
    expect(stamp(r, { x: 0, y: 0 }, 2, 1)).toBe(false);
    expect(stamp(r, { x: -5, y: 40 }, 2, 1)).toBe(false);
  });

  it('the eraser clears cells', () => {
    const r = createRaster();
    stamp(r, { x: 10, y: 10 }, 2, 1);
    expect(stamp(r, { x: 10, y: 10 }, 2, 0)).toBe(true);
    expect(inked(r)).toEqual([]);
  });

  it('rejects bad input, naming it', () => {
    const r = createRaster();
    expect(() => stamp(r, { x: 1, y: 1 }, 0, 1)).toThrow(/lineWidth/);
    expect(() => stamp(r, { x: NaN, y: 1 }, 2, 1)).toThrow(/point/);
    expect(() => stamp(new Uint8Array(10), { x: 1, y: 1 }, 2, 1)).toThrow(/raster/);
    expect(() => stamp(r, { x: 1, y: 1 }, 2, 2 as 0 | 1)).toThrow(/value/);
  });
});

describe('strokeSegment', () => {
  it('leaves no gaps along a fast diagonal (each row between the ends is inked)', () => {
    const r = createRaster();
    strokeSegment(r, { x: 4, y: 4 }, { x: 24, y: 22 }, 2, 1);
    for (let y = 4; y <= 21; y++) {
      const row = r.subarray(y * GRID, (y + 1) * GRID);
      expect(row.some((v) => v === 1)).toBe(true);
    }
  });

  it('is 8-connected for random segments (property)', () => {
    fc.assert(
      fc.property(fc.float({ min: 0, max: 28, noNaN: true }), fc.float({ min: 0, max: 28, noNaN: true }),
        fc.float({ min: 0, max: 28, noNaN: true }), fc.float({ min: 0, max: 28, noNaN: true }), (x0, y0, x1, y1) => {
          const r = createRaster();
          strokeSegment(r, { x: x0, y: y0 }, { x: x1, y: y1 }, 2, 1);
          const cells = inked(r);
          if (cells.length === 0) return;
          // flood fill over 8-neighbours must reach every inked cell
          const seen = new Set<number>([cells[0][1] * GRID + cells[0][0]]);
          const queue = [cells[0]];
          while (queue.length) {
            const [cx, cy] = queue.pop()!;
            for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
              const nx = cx + dx, ny = cy + dy, k = ny * GRID + nx;
              if (nx >= 0 && ny >= 0 && nx < GRID && ny < GRID && r[k] === 1 && !seen.has(k)) { seen.add(k); queue.push([nx, ny]); }
            }
          }
          expect(seen.size).toBe(cells.length);
        }),
      { numRuns: 200 },
    );
  });
});

describe('conversions', () => {
  it('maps the 280×280 box to 28 grid units', () => {
    expect(clientToGrid(150, 70, { left: 10, top: 0, width: 280, height: 280 })).toEqual({ x: 14, y: 7 });
    expect(() => clientToGrid(0, 0, { left: 0, top: 0, width: 0, height: 280 })).toThrow(/box/);
  });

  it('round-trips through an image', () => {
    const r = createRaster();
    strokeSegment(r, { x: 5, y: 5 }, { x: 20, y: 9 }, 2, 1);
    const img = rasterToImage(r);
    expect(img).toBeInstanceOf(Float32Array);
    const back = createRaster();
    loadIntoRaster(back, img);
    expect(back).toEqual(r);
    expect(() => loadIntoRaster(back, new Float32Array(5))).toThrow(/784/);
  });
});
