import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KernelMemory } from '../../lib/hagen/fast/wasm/runtime';
import { BLOCK_COLUMNS, ROWS_PER_I16_GROUP, ROWS_PER_I16_SUM_GROUP } from '../../lib/hagen/fast/wasm/source';

/** Σ vals[i]·W[rows[i], j] in plain integers (the definition rowsAxpyI16 must meet exactly). */
function expected(weights: number[][], rows: number[], vals: number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  rows.forEach((r, i) => { for (let j = 0; j < n; j++) out[j] += vals[i] * weights[r][j]; });
  return out;
}

/** rowsAxpyI16, or rowsSumI16 with `factor` (then vals are ignored by the kernel: all equal factor). */
function run(weights: number[][], rows: number[], vals: number[], n: number, factor = 0): number[] {
  const mem = new KernelMemory();
  const k = weights.length;
  const w = mem.alloc(k * n * 2), r = mem.alloc(rows.length * 4 + 4), v = mem.alloc(vals.length * 4 + 4), dst = mem.alloc(n * 4);
  const w16 = new Int16Array(mem.i32(w, (k * n) / 2).buffer, w, k * n);
  weights.forEach((row, i) => w16.set(row, i * n));
  mem.i32(r, rows.length).set(rows);
  mem.i32(v, vals.length).set(vals);
  mem.i32(dst, n).fill(12345); // must be overwritten, not added to
  if (factor) mem.exports.rowsSumI16(dst, w, n, r, factor, rows.length);
  else mem.exports.rowsAxpyI16(dst, w, n, r, v, rows.length);
  return Array.from(mem.i32(dst, n));
}

describe('rowsAxpyI16 (forward MAC on int16 weights)', () => {
  it('is exact at the extremes: 128 rows of value 31 × weight ±63 (int16 groups must not overflow)', () => {
    const n = 2 * BLOCK_COLUMNS, k = 128;
    const weights = Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => ((i + j) % 3 === 0 ? -63 : 63) * (j < BLOCK_COLUMNS ? 1 : -1)));
    const rows = Array.from({ length: k }, (_, i) => i), vals = rows.map(() => 31);
    expect(run(weights, rows, vals, n)).toEqual(expected(weights, rows, vals, n));
    const allMax = weights.map((row) => row.map(() => 63));
    expect(run(allMax, rows, vals, n)).toEqual(new Array(n).fill(128 * 31 * 63));
  });

  it('equals the integer sum for any rows, values 0…31, weights ±63 and counts around the group size', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }),
      fc.array(fc.integer({ min: 0, max: 3 * ROWS_PER_I16_GROUP + 1 }), { minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (blocks, k, [count], seed) => {
        const n = blocks * BLOCK_COLUMNS;
        let s = seed;
        const next = (m: number) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % m; };
        const weights = Array.from({ length: k }, () => Array.from({ length: n }, () => next(127) - 63));
        const rows = Array.from({ length: count }, () => next(k)), vals = rows.map(() => next(32));
        expect(run(weights, rows, vals, n)).toEqual(expected(weights, rows, vals, n));
      },
    ), { numRuns: 60 });
  });

  it('rowsSumI16 (a binarised image: every value 31) is exact past its int16 group of rows', () => {
    const n = BLOCK_COLUMNS, k = 8, count = 2 * ROWS_PER_I16_SUM_GROUP + 3;
    const weights = Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => (j % 2 ? 63 : -63) * (i % 3 ? 1 : -1)));
    const sameSign = weights.map((row) => row.map(() => 63));
    const rows = Array.from({ length: count }, (_, i) => (i * 2) % k), vals = rows.map(() => 31);
    expect(run(sameSign, rows, vals, n, 31)).toEqual(new Array(n).fill(31 * 63 * count));
    expect(run(weights, rows, vals, n, 31)).toEqual(expected(weights, rows, vals, n));
    const mixedRows = Array.from({ length: 130 }, (_, i) => (i * 5) % k);
    expect(run(weights, mixedRows, mixedRows.map(() => 7), n, 7)).toEqual(expected(weights, mixedRows, mixedRows.map(() => 7), n));
  });
});
