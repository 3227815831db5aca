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
import { assembleModule, F32, I32, op, V128, type FunctionDef, type ValType } from './assemble';

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

export function buildKernelModule(): Uint8Array {
  return assembleModule([rowsAxpy('rowsAxpyI32', 'i32'), rowsAxpy('rowsAxpyF32', 'f32'), digitiseChunk()], 1);
}
