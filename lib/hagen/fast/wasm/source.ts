/**
 * The fast kernels as WebAssembly (SIMD), written with ./assemble.ts. `npm`-free build:
 * `npx tsx lib/hagen/fast/build-wasm.ts` writes ./module.generated.ts from this file, and a test
 * checks that the committed module equals a fresh build.
 *
 * One kernel shape serves forward, dW and dx: a weighted sum of selected rows,
 *   dst[0..n) = Σ_{i<count} vals[i] · src[rows[i]·n + 0..n)
 * with the accumulators for BLOCK_COLUMNS columns held in registers across all selected rows.
 * `rowsAxpyI32` (integer: 5-bit inputs × 6-bit weights, exact) and `rowsAxpyF32` (gradients).
 * All pointers are byte offsets into the shared memory; n must be a multiple of BLOCK_COLUMNS.
 */
import { assembleModule, F32, F64, I32, op, V128, type FunctionDef, type ValType } from './assemble';

export const VECTORS_PER_BLOCK = 8;
export const BLOCK_COLUMNS = VECTORS_PER_BLOCK * 4;

function rowsAxpy(name: string, kind: 'i32' | 'f32'): FunctionDef {
  // params
  const dst = 0, src = 1, n = 2, rows = 3, vals = 4, count = 5;
  // locals
  const col = 6, idx = 7, end = 8, rowBytes = 9, base = 10, p = 11, v = 12, acc0 = 13;
  const splat = kind === 'i32' ? op.i32x4Splat : op.f32x4Splat;
  const mul = kind === 'i32' ? op.i32x4Mul : op.f32x4Mul;
  const add = kind === 'i32' ? op.i32x4Add : op.f32x4Add;
  const loadValue = kind === 'i32' ? op.i32Load() : op.f32Load();
  const acc = (j: number) => acc0 + j;
  const body: number[] = [];
  const emit = (...parts: (readonly number[])[]) => { for (const part of parts) body.push(...part); };
  const vectors = Array.from({ length: VECTORS_PER_BLOCK }, (_, j) => j);

  emit(op.get(n), op.i32Const(2), op.i32Shl, op.set(rowBytes));
  emit(op.get(count), op.i32Const(2), op.i32Shl, op.set(end));
  emit(op.i32Const(0), op.set(col));
  emit(op.loop); // columns, 4 bytes each, BLOCK_COLUMNS at a time
  for (const j of vectors) emit(op.i32Const(0), op.i32x4Splat, op.set(acc(j)));
  emit(op.get(src), op.get(col), op.i32Add, op.set(base));
  emit(op.i32Const(0), op.set(idx));
  emit(op.block, op.loop); // selected rows
  emit(op.get(idx), op.get(end), op.i32GeU, op.brIf(1));
  emit(op.get(rows), op.get(idx), op.i32Add, op.i32Load(), op.get(rowBytes), op.i32Mul, op.get(base), op.i32Add, op.set(p));
  emit(op.get(vals), op.get(idx), op.i32Add, loadValue, splat, op.set(v));
  for (const j of vectors) emit(op.get(acc(j)), op.get(p), op.v128Load(16 * j), op.get(v), mul, add, op.set(acc(j)));
  emit(op.get(idx), op.i32Const(4), op.i32Add, op.set(idx));
  emit(op.br(0), op.end, op.end);
  for (const j of vectors) emit(op.get(dst), op.get(col), op.i32Add, op.get(acc(j)), op.v128Store(16 * j));
  emit(op.get(col), op.i32Const(4 * BLOCK_COLUMNS), op.i32Add, op.tee(col), op.get(rowBytes), op.i32LtU, op.brIf(0));
  emit(op.end);
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, V128, ...vectors.map((): ValType => V128)],
    body,
  };
}

/**
 * The mock's per-chunk digitisation, in float32 exactly as hxtorch:
 *   y[j] += clamp(floor(f32(f32(acc[j]) · scale) + noise[j]), −128, 127)   for j < n (n multiple of 4)
 * acc: int32 chunk sums (exact in float32: |acc| ≤ 128·31·63 < 2^24); noise: float32 draws (zeros for noise off).
 */
function digitiseChunk(): FunctionDef {
  const y = 0, acc = 1, noise = 2, n = 3, scale = 4; // params (scale is f32)
  const offset = 5, end = 6, scaleV = 7; // locals
  const body: number[] = [];
  const emit = (...parts: (readonly number[])[]) => { for (const part of parts) body.push(...part); };
  emit(op.get(scale), op.f32x4Splat, op.set(scaleV));
  emit(op.get(n), op.i32Const(2), op.i32Shl, op.set(end));
  emit(op.i32Const(0), op.set(offset));
  emit(op.loop);
  emit(op.get(y), op.get(offset), op.i32Add); // address for the store
  emit(op.get(y), op.get(offset), op.i32Add, op.v128Load());
  emit(op.get(acc), op.get(offset), op.i32Add, op.v128Load(), op.f32x4ConvertI32x4S, op.get(scaleV), op.f32x4Mul);
  emit(op.get(noise), op.get(offset), op.i32Add, op.v128Load(), op.f32x4Add, op.f32x4Floor, op.i32x4TruncSatF32x4S);
  emit(op.i32x4Const(-128), op.i32x4MaxS, op.i32x4Const(127), op.i32x4MinS);
  emit(op.i32x4Add, op.v128Store());
  emit(op.get(offset), op.i32Const(16), op.i32Add, op.tee(offset), op.get(end), op.i32LtU, op.brIf(0));
  emit(op.end);
  return { name: 'digitiseChunk', params: [I32, I32, I32, I32, F32], locals: [I32, I32, V128], body };
}

/** Byte offsets inside the ziggurat state block that normal.ts shares with `normalFill`. */
export const NORMAL_STATE_BYTES = 32; // a, b, c, d (sfc32), then the draw that needs the slow path
export const ZIGGURAT_TABLE_BYTES = 2 * 128 * 8; // kn[128], wn[128] as f64

/**
 * The ziggurat fast path of normal.ts's NormalSource.fill, bit for bit (same sfc32 steps, same f64
 * arithmetic, float32 store): dst[i] = f32(position · wn[layer] · std) for i in [from, to).
 * Returns the index it stopped at: `to`, or the index of a draw that needs the slow path (≈1 %),
 * whose raw 32-bit draw is then stored at state+16 for JS to finish (normal.ts `fix`).
 */
function normalFill(): FunctionDef {
  const dst = 0, i = 1, to = 2, std = 3, state = 4, tables = 5; // params (std is f64)
  const a = 6, b = 7, c = 8, d = 9, t = 10, layer = 11, position = 12; // locals (position is f64)
  const body: number[] = [];
  const emit = (...parts: (readonly number[])[]) => { for (const part of parts) body.push(...part); };
  emit(op.get(state), op.i32Load(0), op.set(a), op.get(state), op.i32Load(4), op.set(b));
  emit(op.get(state), op.i32Load(8), op.set(c), op.get(state), op.i32Load(12), op.set(d));
  emit(op.block, op.loop);
  emit(op.get(i), op.get(to), op.i32GeU, op.brIf(1));
  // sfc32: t = a + b + d; d += 1; a = b ^ (b >>> 9); b = c + (c << 3); c = rotl(c, 21) + t
  emit(op.get(a), op.get(b), op.i32Add, op.get(d), op.i32Add, op.set(t));
  emit(op.get(d), op.i32Const(1), op.i32Add, op.set(d));
  emit(op.get(b), op.get(b), op.i32Const(9), op.i32ShrU, op.i32Xor, op.set(a));
  emit(op.get(c), op.get(c), op.i32Const(3), op.i32Shl, op.i32Add, op.set(b));
  emit(op.get(c), op.i32Const(21), op.i32Rotl, op.get(t), op.i32Add, op.set(c));
  // layer = t & 127 (as a byte offset into the f64 tables); position = (t >> 7) + 0.5
  emit(op.get(t), op.i32Const(127), op.i32And, op.i32Const(3), op.i32Shl, op.get(tables), op.i32Add, op.set(layer));
  emit(op.get(t), op.i32Const(7), op.i32ShrS, op.f64ConvertI32S, op.f64Const(0.5), op.f64Add, op.set(position));
  // outside the layer's rectangle: hand the draw to JS
  emit(op.get(position), op.f64Abs, op.get(layer), op.f64Load(0), op.f64Lt, op.i32Eqz, op.ifVoid);
  emit(op.get(state), op.get(t), op.i32Store(16), op.br(2), op.end);
  emit(op.get(dst), op.get(i), op.i32Const(2), op.i32Shl, op.i32Add);
  emit(op.get(position), op.get(layer), op.f64Load(1024), op.f64Mul, op.get(std), op.f64Mul, op.f32DemoteF64, op.f32Store());
  emit(op.get(i), op.i32Const(1), op.i32Add, op.set(i), op.br(0));
  emit(op.end, op.end);
  emit(op.get(state), op.get(a), op.i32Store(0), op.get(state), op.get(b), op.i32Store(4));
  emit(op.get(state), op.get(c), op.i32Store(8), op.get(state), op.get(d), op.i32Store(12));
  emit(op.get(i));
  return { name: 'normalFill', params: [I32, I32, I32, F64, I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, I32, F64], body };
}

/**
 * torch.optim.Adam's update for `pairs` pairs of float32 parameters, with the f64 arithmetic and
 * float32 stores of lib/train/adam.ts (so results are bit-identical), two lanes of f64 at a time:
 *   m = m + (g − m)·(1−β1);  v = v·β2 + ((1−β2)·g)·g;  p = p − (stepSize·m) / (√v / bc2 + eps)
 * where m and v are re-read as float32 before the last line, as the JS reads them back.
 */
function adamPairs(): FunctionDef {
  const p = 0, g = 1, m = 2, v = 3, pairs = 4, oneMinusBeta1 = 5, beta2 = 6, oneMinusBeta2 = 7, stepSize = 8, bc2 = 9, eps = 10; // params
  const offset = 11, end = 12, G = 13, M = 14, V = 15, c1 = 16, b2 = 17, c2 = 18, s = 19, bc = 20, e = 21; // locals
  const body: number[] = [];
  const emit = (...parts: (readonly number[])[]) => { for (const part of parts) body.push(...part); };
  const load = (base: number) => [...op.get(base), ...op.get(offset), ...op.i32Add, ...op.v128Load64Zero(), ...op.f64x2PromoteLowF32x4];
  for (const [local, param] of [[c1, oneMinusBeta1], [b2, beta2], [c2, oneMinusBeta2], [s, stepSize], [bc, bc2], [e, eps]]) {
    emit(op.get(param), op.f64x2Splat, op.set(local));
  }
  emit(op.get(pairs), op.i32Const(3), op.i32Shl, op.set(end), op.i32Const(0), op.set(offset));
  emit(op.block, op.loop, op.get(offset), op.get(end), op.i32GeU, op.brIf(1));
  emit(load(g), op.set(G));
  // m (stored as float32, then read back)
  emit(load(m), op.tee(M), op.get(G), op.get(M), op.f64x2Sub, op.get(c1), op.f64x2Mul, op.f64x2Add, op.f32x4DemoteF64x2Zero, op.set(M));
  emit(op.get(m), op.get(offset), op.i32Add, op.get(M), op.v128Store64Lane0(), op.get(M), op.f64x2PromoteLowF32x4, op.set(M));
  // v
  emit(load(v), op.get(b2), op.f64x2Mul, op.get(c2), op.get(G), op.f64x2Mul, op.get(G), op.f64x2Mul, op.f64x2Add, op.f32x4DemoteF64x2Zero, op.set(V));
  emit(op.get(v), op.get(offset), op.i32Add, op.get(V), op.v128Store64Lane0(), op.get(V), op.f64x2PromoteLowF32x4, op.set(V));
  // p
  emit(op.get(p), op.get(offset), op.i32Add);
  emit(load(p), op.get(s), op.get(M), op.f64x2Mul, op.get(V), op.f64x2Sqrt, op.get(bc), op.f64x2Div, op.get(e), op.f64x2Add, op.f64x2Div, op.f64x2Sub);
  emit(op.f32x4DemoteF64x2Zero, op.v128Store64Lane0());
  emit(op.get(offset), op.i32Const(8), op.i32Add, op.set(offset), op.br(0), op.end, op.end);
  return {
    name: 'adamPairs',
    params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64],
    locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128],
    body,
  };
}

export function buildKernelModule(): Uint8Array {
  return assembleModule([rowsAxpy('rowsAxpyI32', 'i32'), rowsAxpy('rowsAxpyF32', 'f32'), digitiseChunk(), normalFill(), adamPairs()], 1);
}
