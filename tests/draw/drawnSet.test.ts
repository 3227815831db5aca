import { describe, expect, it } from 'vitest';
import { STYLES, drawnDigits, resample, smallDrawnSet } from '../../bench/drawn/strokes';

describe('the drawn-digit set (bench/drawn/strokes.ts)', () => {
  it('has ≥ 300 drawings, every style of every digit, both pointers, several sizes and pen widths, all on the pad', () => {
    const set = drawnDigits(1);
    expect(set.length).toBeGreaterThanOrEqual(300);
    for (let d = 0; d <= 9; d++) {
      const styles = new Set(set.filter((x) => x.digit === d).map((x) => x.style));
      expect([...styles].sort()).toEqual(Object.keys(STYLES[d]).sort());
    }
    expect(new Set(set.map((x) => x.pointer))).toEqual(new Set(['mouse', 'touch']));
    expect(new Set(set.map((x) => x.size)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(set.map((x) => x.penWidth)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(set.map((x) => x.id)).size).toBe(set.length);
    for (const x of set) for (const s of x.strokes) for (const p of s) {
      expect(p.x).toBeGreaterThan(0); expect(p.x).toBeLessThan(1);
      expect(p.y).toBeGreaterThan(0); expect(p.y).toBeLessThan(1);
    }
  });

  it('is deterministic from the seed; the small set has ≥ 60 drawings with every style', () => {
    expect(JSON.stringify(drawnDigits(1))).toBe(JSON.stringify(drawnDigits(1)));
    expect(JSON.stringify(drawnDigits(2))).not.toBe(JSON.stringify(drawnDigits(1)));
    const small = smallDrawnSet(1);
    expect(small.length).toBeGreaterThanOrEqual(60);
    expect(new Set(small.map((x) => `${x.digit}-${x.style}`)).size).toBe(Object.values(STYLES).reduce((n, s) => n + Object.keys(s).length, 0));
    expect(new Set(small.map((x) => x.pointer))).toEqual(new Set(['mouse', 'touch']));
  });

  it('resample spaces points evenly and keeps both ends', () => {
    const out = resample([{ x: 0, y: 0 }, { x: 1, y: 0 }], 0.3);
    expect(out.map((p) => +p.x.toFixed(6))).toEqual([0, 0.3, 0.6, 0.9, 1]);
  });
});
