import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { roundHalfEven } from '../../lib/round';
import { KernelMemory } from '../../lib/hagen/fast/wasm/runtime';

/**
 * The list-building kernels (four values per step, scalar tails and fallbacks) against plain-JS
 * definitions, at shapes whose chunks end off a multiple of four and with values that take every path.
 */
interface Lists { starts: number[]; rows: number[]; values: number[] }

/** The non-zero values of every (sample, 128-row chunk) in order, with each group's first entry. */
function listsOf(q: ArrayLike<number>, batch: number, k: number): Lists {
  const chunks = Math.ceil(k / 128);
  const lists: Lists = { starts: [], rows: [], values: [] };
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < chunks; c++) {
      lists.starts.push(lists.rows.length);
      for (let i = c * 128; i < Math.min(k, c * 128 + 128); i++) {
        if (q[b * k + i] !== 0) { lists.rows.push(i); lists.values.push(q[b * k + i]); }
      }
    }
  }
  lists.starts.push(lists.rows.length);
  return lists;
}

function run(batch: number, k: number, fill: (mem: KernelMemory, at: { x: number; out: number }) => void,
  call: (mem: KernelMemory, at: Record<string, number>) => void): { mem: KernelMemory; at: Record<string, number>; lists: Lists } {
  const mem = new KernelMemory();
  const chunks = Math.ceil(k / 128);
  const at = {
    x: mem.alloc(batch * k * 4 + 16), out: mem.alloc(batch * k * 4 + 16), starts: mem.alloc((batch * chunks + 1) * 4),
    rows: mem.alloc((batch * k + 1) * 4), values: mem.alloc((batch * k + 1) * 4), status: mem.alloc(12), chunks,
  };
  fill(mem, at);
  call(mem, at);
  const total = mem.i32(at.starts, batch * chunks + 1)[batch * chunks];
  return {
    mem, at,
    lists: { starts: Array.from(mem.i32(at.starts, batch * chunks + 1)), rows: Array.from(mem.i32(at.rows, total)), values: Array.from(mem.i32(at.values, total)) },
  };
}

describe('reluToLists', () => {
  it.each([[1, 0], [3, 1], [7, 2], [128, 1], [130, 0], [257, 1]])('n %i, shift %i: outputs and lists as the definition', (n, shift) => {
    const batch = 3, rng = new Rng(n + shift);
    const z = Int32Array.from({ length: batch * n }, () => Math.floor(rng.uniform(-300, 300)));
    const { mem, at, lists } = run(batch, n, (m, a) => m.i32(a.x, z.length).set(z),
      (m, a) => m.exports.reluToLists(a.x, batch, n, shift, a.out, a.chunks, a.starts, a.rows, a.values));
    const expected = Array.from(z, (v) => (v <= 0 ? 0 : Math.min(Math.min(v, 127) >> shift, 31)));
    expect(Array.from(mem.f32(at.out, z.length))).toEqual(expected);
    expect(lists).toEqual(listsOf(expected, batch, n));
  });
});

describe('firstInputLists', () => {
  const definition = (x: Float32Array, batch: number, k: number) => {
    const q = Array.from(x, (v) => roundHalfEven(v));
    const bad = q.findIndex((v) => !(v >= 0 && v <= 31));
    const listed = q.filter((v) => v !== 0);
    const uniform = listed.length === 0 ? -1 : listed.every((v) => v === listed[0]) ? listed[0] : 0;
    return { bad, integral: x.every((v, i) => v === q[i]) ? 1 : 0, uniform, lists: listsOf(q, batch, k) };
  };
  const check = (x: Float32Array, batch: number, k: number) => {
    const { mem, at, lists } = run(batch, k, (m, a) => m.f32(a.x, x.length).set(x),
      (m, a) => m.exports.firstInputLists(a.x, batch, k, a.chunks, a.starts, a.rows, a.values, a.status));
    const status = Array.from(mem.i32(at.status, 3));
    const expected = definition(x, batch, k);
    expect(status[0]).toBe(expected.bad);
    if (expected.bad < 0) {
      expect(status.slice(1)).toEqual([expected.integral, expected.uniform]);
      expect(lists).toEqual(expected.lists);
    }
  };
  it.each([1, 6, 130, 259, 784])('k %i: binarised, mixed, fractional and −0.0 inputs as the definition', (k) => {
    const rng = new Rng(k);
    const batch = 3;
    const binary = Float32Array.from({ length: batch * k }, () => (rng.next() < 0.3 ? 31 : rng.next() < 0.1 ? -0 : 0));
    check(binary, batch, k);
    check(new Float32Array(batch * k), batch, k); // nothing listed: uniform −1
    check(Float32Array.from({ length: batch * k }, () => (rng.next() < 0.5 ? Math.floor(rng.uniform(0, 32)) : 0)), batch, k);
    check(Float32Array.from({ length: batch * k }, () => (rng.next() < 0.5 ? Math.floor(rng.uniform(0, 64)) / 2 : 0)), batch, k); // halves: ties to even
  });
  it.each([-1, 32, 31.6, NaN, -0.6])('reports the first value out of range (%s) wherever it sits in a group of four', (bad) => {
    const k = 259, batch = 2;
    for (const position of [0, 1, 2, 3, 130, 257, 258, k + 5]) {
      const x = new Float32Array(batch * k).fill(31);
      x[position] = bad;
      x[k + 100] = 40; // a later bad value must not be the one reported
      check(x, batch, k);
      const { mem, at } = run(batch, k, (m, a) => m.f32(a.x, x.length).set(x),
        (m, a) => m.exports.firstInputLists(a.x, batch, k, a.chunks, a.starts, a.rows, a.values, a.status));
      expect(mem.i32(at.status, 1)[0]).toBe(position < k + 100 ? position : k + 100);
    }
  });
});

describe('pixelInputLists', () => {
  /** firstInputLists' definition on the floats pixels · scale */
  const definition = (pixels: Uint8Array, scale: number, batch: number, k: number) => {
    const q = Array.from(pixels, (p) => p * scale);
    const listed = q.filter((v) => v !== 0);
    const uniform = listed.length === 0 ? -1 : listed.every((v) => v === listed[0]) ? listed[0] : 0;
    return { bad: q.findIndex((v) => v > 31), uniform, lists: listsOf(q, batch, k) };
  };
  const runPixels = (pixels: Uint8Array, scale: number, batch: number, k: number) => run(batch, k,
    (m, a) => new Uint8Array(m.f32(a.x, 1).buffer, a.x, pixels.length).set(pixels),
    (m, a) => m.exports.pixelInputLists(a.x, batch, k, a.chunks, a.starts, a.rows, a.values, scale, a.status));
  const check = (pixels: Uint8Array, scale: number, batch: number, k: number) => {
    const { mem, at, lists } = runPixels(pixels, scale, batch, k);
    const status = Array.from(mem.i32(at.status, 3));
    const expected = definition(pixels, scale, batch, k);
    expect(status[0]).toBe(expected.bad);
    if (expected.bad < 0) {
      expect(status.slice(1)).toEqual([1, expected.uniform]);
      expect(lists).toEqual(expected.lists);
    }
  };
  it.each([1, 6, 17, 130, 259, 784])('k %i: binarised, empty and mixed pixels as the definition', (k) => {
    const rng = new Rng(k + 1);
    const batch = 3;
    check(Uint8Array.from({ length: batch * k }, () => (rng.next() < 0.3 ? 1 : 0)), 31, batch, k);
    check(new Uint8Array(batch * k), 31, batch, k); // nothing listed: uniform −1
    check(Uint8Array.from({ length: batch * k }, () => (rng.next() < 0.5 ? rng.int(8) : 0)), 3, batch, k); // values differ: uniform 0
    check(Uint8Array.from({ length: batch * k }, () => (rng.next() < 0.5 ? 2 : 0)), 7, batch, k); // uniform 14
  });
  it('reports the first pixel above 31 / scale wherever it sits in a group of sixteen', () => {
    const k = 259, batch = 2;
    for (const [scale, bad] of [[31, 2], [31, 255], [10, 4], [1, 32]]) {
      for (const position of [0, 5, 15, 16, 127, 130, 257, 258, k + 5]) {
        const pixels = new Uint8Array(batch * k).fill(1);
        pixels[position] = bad;
        pixels[k + 100] = 200; // a later bad value must not be the one reported
        check(pixels, scale, batch, k);
        const { mem, at } = runPixels(pixels, scale, batch, k);
        expect(mem.i32(at.status, 1)[0]).toBe(position < k + 100 ? position : k + 100);
      }
    }
  });
});
