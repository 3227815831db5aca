/**
 * The fast kernels as WebAssembly (SIMD), written with ./assemble.ts. `npm`-free build:
 * `npx tsx lib/hagen/fast/build-wasm.ts` writes ./module.generated.ts from this file, and a test
 * checks that the committed module equals a fresh build.
 *
 * One kernel shape serves forward, dW and dx: a weighted sum of selected rows,
 *   dst[0..n) = Σ_{i<count} vals[i] · src[rows[i]·n + 0..n)
 * with the accumulators for BLOCK_COLUMNS columns held in registers across all selected rows.
 * `rowsAxpyI32` (integer: 5-bit inputs × 6-bit weights, exact), `rowsAxpyF32` (gradients) and
 * `rowsAxpyI16` (the forward's variant on int16 weights, twice the products per instruction).
 * All pointers are byte offsets into the shared memory; n must be a multiple of BLOCK_COLUMNS.
 *
 * The mock's rules are emitted by helpers named after the reference's functions (lib/hagen/mac.ts, add.ts,
 * relu.ts, linear.ts, lib/round.ts): roundHalfEven, checkInputRange, clampWeightInPlace, chunkRows, macScale,
 * addChunkNoise, floorAndClampChunk, addChunk, clampOutput, digitalAddForward, convertingReluForward (the
 * table: lib/hagen/fast/kernels.ts). Every chip constant they emit is imported from lib/hagen/constants.ts,
 * so the module is generated from the one declaration (no literal copies here).
 */
import { INPUT_MAX, INPUT_MIN, OUTPUT_MAX, OUTPUT_MIN, RELU_MAX, ROWS_PER_CHUNK, WEIGHT_MAX } from '../../constants';
import { assembleModule, F32, F64, I32, op, V128, type FunctionDef, type ImportDef, type ValType } from './assemble';

/** The list kernels find a chunk's first row by a shift: ROWS_PER_CHUNK must be a power of two. */
const CHUNK_SHIFT = Math.log2(ROWS_PER_CHUNK);
if (!Number.isInteger(CHUNK_SHIFT)) throw new Error(`ROWS_PER_CHUNK = ${ROWS_PER_CHUNK} must be a power of two for the wasm list kernels`);

// The mock's rules as instruction sequences, named as the reference's functions.
/** roundHalfEven (torch.round) of four float32 lanes: f32x4.nearest rounds ties to even. */
const roundHalfEvenV = op.f32x4Nearest;
/** roundHalfEven of one float32. */
const roundHalfEven = op.f32Nearest;
/** clampWeightInPlace's rule on four float32 lanes: clamp to ±WEIGHT_MAX. */
const clampWeightInPlaceV = [...op.f32x4Const(WEIGHT_MAX), ...op.f32x4Min, ...op.f32x4Const(-WEIGHT_MAX), ...op.f32x4Max];
/** A lane's |w| beyond WEIGHT_MAX (the weights clampWeightInPlace changes), as a lane mask. */
const beyondWeightMaxV = [...op.f32x4Abs, ...op.f32x4Const(WEIGHT_MAX), ...op.f32x4Gt];
/** checkInputRange for the rounded lanes on the stack (also in local `q`): 1 if all lie in INPUT_MIN…INPUT_MAX. */
const checkInputRangeV = (q: number) => [...op.f32x4Const(INPUT_MIN), ...op.f32x4Ge, ...op.get(q), ...op.f32x4Const(INPUT_MAX), ...op.f32x4Le, ...op.v128And, ...op.i32x4AllTrue];
/** checkInputRange for one rounded value in local `q`: 1 if it lies in INPUT_MIN…INPUT_MAX (0 for NaN). */
const checkInputRange = (q: number) => [...op.get(q), ...op.f32Const(INPUT_MIN), 0x60 /* f32.ge */, ...op.get(q), ...op.f32Const(INPUT_MAX), 0x5f /* f32.le */, ...op.i32And];
/**
 * chunkRows for chunk `c` of `rows` inputs: start = c · ROWS_PER_CHUNK (teed into local `start`), end =
 * min(start + ROWS_PER_CHUNK, rows), set into local `end` and left on the stack.
 */
const chunkRows = (c: number, start: number, end: number, rows: number) => [
  ...op.get(c), ...op.i32Const(CHUNK_SHIFT), ...op.i32Shl, ...op.tee(start), ...op.i32Const(ROWS_PER_CHUNK), ...op.i32Add, ...op.tee(end),
  ...op.get(rows), ...op.get(end), ...op.get(rows), ...op.i32LtS, ...op.select, ...op.tee(end),
];
/** macScale: four int32 chunk sums on the stack as float32, times the scale in local `scaleV` (float32, as hxtorch). */
const macScaleV = (scaleV: number) => [...op.f32x4ConvertI32x4S, ...op.get(scaleV), ...op.f32x4Mul];
/** addChunkNoise: + four float32 draws loaded from the address on the stack below them (float32 sum). */
const addChunkNoiseV = (noiseAddress: readonly number[]) => [...noiseAddress, ...op.v128Load(), ...op.f32x4Add];
/** clampOutput of four int32 lanes: saturate at OUTPUT_MIN…OUTPUT_MAX. */
const clampOutputV = [...op.i32x4Const(OUTPUT_MIN), ...op.i32x4MaxS, ...op.i32x4Const(OUTPUT_MAX), ...op.i32x4MinS];
/** floorAndClampChunk of four float32 lanes: floor to int32, then the 8-bit saturation. */
const floorAndClampChunkV = [...op.f32x4Floor, ...op.i32x4TruncSatF32x4S, ...clampOutputV];
/** addChunk: the chunk's reads added to the int32 sums below them on the stack. */
const addChunkV = op.i32x4Add;
/** digitalAddForward on four clamped int32 sums: + the bias operands loaded from the address given, saturated again. */
const digitalAddForwardV = (biasAddress: readonly number[]) => [...biasAddress, ...op.v128Load(), ...op.i32x4Add, ...clampOutputV];
/** convertingReluForward of four int32 pre-activations: clamp(min(z, RELU_MAX) >> shift, 0, INPUT_MAX). */
const convertingReluForwardV = (shift: number) => [
  ...op.i32x4Const(RELU_MAX), ...op.i32x4MinS, ...op.get(shift), ...op.i32x4ShrS, ...op.i32x4Const(INPUT_MAX), ...op.i32x4MinS, ...op.i32x4Const(0), ...op.i32x4MaxS,
];

/** Math.exp and Math.log from the host (runtime.ts), so the ziggurat's slow path equals normal.ts's bit for bit. */
const KERNEL_IMPORTS: ImportDef[] = [{ name: 'exp', params: [F64], results: [F64] }, { name: 'log', params: [F64], results: [F64] }];
const FN_EXP = 0, FN_LOG = 1;

const VECTORS_PER_BLOCK = 8;
export const BLOCK_COLUMNS = VECTORS_PER_BLOCK * 4;

/** kind 'f32sum' (rowsSumF32) ignores vals: dst = Σ src rows, for rows already scaled by their common value. */
function rowsAxpy(name: string, kind: 'i32' | 'f32' | 'f32sum'): FunctionDef {
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
  if (kind === 'f32sum') {
    for (const j of vectors) emit(op.get(acc(j)), op.get(p), op.v128Load(16 * j), add, op.set(acc(j)));
  } else {
    emit(op.get(vals), op.get(idx), op.i32Add, loadValue, splat, op.set(v));
    for (const j of vectors) emit(op.get(acc(j)), op.get(p), op.v128Load(16 * j), op.get(v), mul, add, op.set(acc(j)));
  }
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
 * The mock's per-chunk digitisation, in float32 exactly as hxtorch (macScale, addChunkNoise, floorAndClampChunk, addChunk):
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
  emit(op.get(acc), op.get(offset), op.i32Add, op.v128Load(), macScaleV(scaleV));
  emit(addChunkNoiseV([...op.get(noise), ...op.get(offset), ...op.i32Add]), floorAndClampChunkV);
  emit(addChunkV, op.v128Store());
  emit(op.get(offset), op.i32Const(16), op.i32Add, op.tee(offset), op.get(end), op.i32LtU, op.brIf(0));
  emit(op.end);
  return { name: 'digitiseChunk', params: [I32, I32, I32, I32, F32], locals: [I32, I32, V128], body };
}

const INT16_MAX = 32767;
/** Rows summed in int16 before widening: 16 · 31 · 63 = 31 248 ≤ 32 767, so the int16 partial sums are exact. */
export const ROWS_PER_I16_GROUP = Math.floor(INT16_MAX / (INPUT_MAX * WEIGHT_MAX));
/** The same bound for plain sums of weights (rowsSumI16): 520 · 63 = 32 760 ≤ 32 767. */
export const ROWS_PER_I16_SUM_GROUP = Math.floor(INT16_MAX / WEIGHT_MAX);

/**
 * The forward MAC on int16 weights [rows, n] (round(W)ᵀ from transposeQuantise), into int32 dst[0..n):
 * - 'values' (rowsAxpyI16): dst = Σ_{i<count} vals[i] · src[rows[i]·n + 0..n), vals in 0…31, weights ±63.
 *   Eight products per i16x8.mul (twice the int32 path), summed in int16 over groups of
 *   ROWS_PER_I16_GROUP rows (exact, see there), then widened and added to the int32 sums in dst.
 * - 'uniform' (rowsSumI16, every value the same — a binarised image): dst = factor · Σ_i src[rows[i]·n + …]:
 *   no multiply per row, groups of ROWS_PER_I16_SUM_GROUP, one i32x4.mul per group. The 5th
 *   parameter is the factor instead of a pointer to values.
 * Passes of I16_WIDE_COLUMNS columns (8 int16 vectors; the int32 sums live in dst, not in registers),
 * and one of BLOCK_COLUMNS if that many remain; the same integers as rowsAxpyI32.
 */
const I16_WIDE_COLUMNS = 2 * BLOCK_COLUMNS;
function rowsAxpyI16(kind: 'values' | 'uniform'): FunctionDef {
  const dst = 0, src = 1, n = 2, rows = 3, vals = 4, count = 5; // params (vals: the factor for 'uniform')
  const col = 6, idx = 7, end = 8, rowBytes = 9, base = 10, p = 11, groupEnd = 12, dstCol = 13, first = 14; // i32 locals
  const v = 15, half0 = 16; // v128 locals: the value (or factor) splat, int16 partial sums
  const groupRows = kind === 'values' ? ROWS_PER_I16_GROUP : ROWS_PER_I16_SUM_GROUP;
  const { body, emit } = bodyBuilder();
  /** one pass over `halves` int16 vectors (8 columns each) starting at byte `col` of every row */
  const pass = (halves: number) => {
    const hs = Array.from({ length: halves }, (_, j) => j);
    emit(op.get(src), op.get(col), op.i32Add, op.set(base));
    emit(op.i32Const(0), op.set(idx), op.i32Const(1), op.set(first));
    emit(op.loop); // groups of rows (at least one, so count 0 stores zeros)
    emit(op.get(idx), op.i32Const(4 * groupRows), op.i32Add, op.tee(groupEnd), op.get(end), op.get(groupEnd), op.get(end), op.i32LtU, op.select, op.set(groupEnd));
    for (const j of hs) emit(op.i32Const(0), op.i32x4Splat, op.set(half0 + j));
    emit(op.block, op.loop, op.get(idx), op.get(groupEnd), op.i32GeU, op.brIf(1)); // rows of the group
    emit(op.get(rows), op.get(idx), op.i32Add, op.i32Load(), op.get(rowBytes), op.i32Mul, op.get(base), op.i32Add, op.set(p));
    if (kind === 'values') {
      emit(op.get(vals), op.get(idx), op.i32Add, op.i32Load(), op.i16x8Splat, op.set(v));
      for (const j of hs) emit(op.get(half0 + j), op.get(p), op.v128Load(16 * j), op.get(v), op.i16x8Mul, op.i16x8Add, op.set(half0 + j));
    } else {
      for (const j of hs) emit(op.get(half0 + j), op.get(p), op.v128Load(16 * j), op.i16x8Add, op.set(half0 + j));
    }
    emit(op.get(idx), op.i32Const(4), op.i32Add, op.set(idx), op.br(0), op.end, op.end);
    // widen: the first group stores, later ones add
    const factor = kind === 'uniform' ? [...op.get(v), ...op.i32x4Mul] : [];
    const widened = (j: number, high: boolean) => [...op.get(half0 + j), ...(high ? op.i32x4ExtendHighI16x8S : op.i32x4ExtendLowI16x8S), ...factor];
    emit(op.get(first), op.ifVoid);
    for (const j of hs) emit(op.get(dstCol), widened(j, false), op.v128Store(32 * j), op.get(dstCol), widened(j, true), op.v128Store(32 * j + 16));
    emit(op.else);
    for (const j of hs) {
      emit(op.get(dstCol), op.get(dstCol), op.v128Load(32 * j), widened(j, false), op.i32x4Add, op.v128Store(32 * j));
      emit(op.get(dstCol), op.get(dstCol), op.v128Load(32 * j + 16), widened(j, true), op.i32x4Add, op.v128Store(32 * j + 16));
    }
    emit(op.end, op.i32Const(0), op.set(first));
    emit(op.get(idx), op.get(end), op.i32LtU, op.brIf(0), op.end);
    emit(op.get(dstCol), op.i32Const(4 * 8 * halves), op.i32Add, op.set(dstCol));
    emit(op.get(col), op.i32Const(2 * 8 * halves), op.i32Add, op.set(col));
  };
  emit(op.get(n), op.i32Const(1), op.i32Shl, op.set(rowBytes));
  emit(op.get(count), op.i32Const(2), op.i32Shl, op.set(end));
  emit(op.i32Const(0), op.set(col), op.get(dst), op.set(dstCol));
  if (kind === 'uniform') emit(op.get(vals), op.i32x4Splat, op.set(v));
  emit(op.block, op.loop); // columns: int16, 2 bytes each
  emit(op.get(col), op.get(rowBytes), op.i32GeU, op.brIf(1));
  emit(op.get(col), op.i32Const(2 * I16_WIDE_COLUMNS), op.i32Add, op.get(rowBytes), op.i32LeU, op.ifVoid);
  pass(I16_WIDE_COLUMNS / 8);
  emit(op.else);
  pass(BLOCK_COLUMNS / 8);
  emit(op.end, op.br(0), op.end, op.end);
  return {
    name: kind === 'values' ? 'rowsAxpyI16' : 'rowsSumI16',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, V128, ...Array.from({ length: I16_WIDE_COLUMNS / 8 }, (): ValType => V128)],
    body,
  };
}

/** Byte offsets inside the ziggurat state block that normal.ts shares with `normalFill`. */
export const NORMAL_STATE_BYTES = 32; // a, b, c, d (sfc32), then the draw that needs the slow path
export const ZIGGURAT_TABLE_BYTES = 3 * 128 * 8; // kn[128], wn[128], fn[128] as f64
const WN = 1024, FN = 2048; // byte offsets of wn and fn in the tables
const TAIL_START = 3.442619855899; // normal.ts's
const ZIGGURAT_LAYER_MASK = 127; // normal.ts's 128 layers

/** sfc32 step (normal.ts nextInt) on locals a, b, c, d; leaves the 32-bit draw in `t`. */
function sfc32Step(emit: Emit, a: number, b: number, c: number, d: number, t: number): void {
  emit(op.get(a), op.get(b), op.i32Add, op.get(d), op.i32Add, op.set(t));
  emit(op.get(d), op.i32Const(1), op.i32Add, op.set(d));
  emit(op.get(b), op.get(b), op.i32Const(9), op.i32ShrU, op.i32Xor, op.set(a));
  emit(op.get(c), op.get(c), op.i32Const(3), op.i32Shl, op.i32Add, op.set(b));
  emit(op.get(c), op.i32Const(21), op.i32Rotl, op.get(t), op.i32Add, op.set(c));
}

/**
 * normal.ts's NormalSource.fill, bit for bit (same sfc32 steps, same f64 arithmetic, float32 store):
 * dst[i] = f32(normal · std) for i in [from, to), the slow path (`fix`: wedges and the tail, ≈1 % of
 * draws) included, with the host's Math.exp / Math.log. Returns `to`.
 */
function normalFill(): FunctionDef {
  const dst = 0, i = 1, to = 2, std = 3, state = 4, tables = 5; // params (std is f64)
  const a = 6, b = 7, c = 8, d = 9, t = 10, layer = 11; // i32 locals (layer: address of the layer's kn entry)
  const position = 12, value = 13, x = 14, tx = 15, ty = 16; // f64 locals
  const { body, emit } = bodyBuilder();
  const draw = () => sfc32Step(emit, a, b, c, d, t);
  // layer = tables + (t & 127)·8; position = (t >> 7) + 0.5
  const split = () => {
    emit(op.get(t), op.i32Const(ZIGGURAT_LAYER_MASK), op.i32And, op.i32Const(3), op.i32Shl, op.get(tables), op.i32Add, op.set(layer));
    emit(op.get(t), op.i32Const(7), op.i32ShrS, op.f64ConvertI32S, op.f64Const(0.5), op.f64Add, op.set(position));
  };
  const insideLayer = () => emit(op.get(position), op.f64Abs, op.get(layer), op.f64Load(0), op.f64Lt);
  // ((t >>> 0) + 0.5) / 2^32 after a fresh draw
  const uniformOpen = () => { draw(); emit(op.get(t), op.f64ConvertI32U, op.f64Const(0.5), op.f64Add, op.f64Const(4294967296), op.f64Div); };
  emit(op.get(state), op.i32Load(0), op.set(a), op.get(state), op.i32Load(4), op.set(b));
  emit(op.get(state), op.i32Load(8), op.set(c), op.get(state), op.i32Load(12), op.set(d));
  emit(op.block, op.loop);
  emit(op.get(i), op.get(to), op.i32GeU, op.brIf(1));
  draw();
  split();
  emit(op.block); // $value: leaves with `value` set
  insideLayer();
  emit(op.ifVoid, op.get(position), op.get(layer), op.f64Load(WN), op.f64Mul, op.set(value), op.br(1), op.end);
  emit(op.loop); // $retry (normal.ts fix)
  emit(op.get(position), op.get(layer), op.f64Load(WN), op.f64Mul, op.set(x));
  emit(op.get(layer), op.get(tables), op.i32Eq, op.ifVoid); // layer 0: the tail beyond TAIL_START
  emit(op.loop);
  uniformOpen();
  emit(op.call(FN_LOG), op.f64Neg, op.f64Const(TAIL_START), op.f64Div, op.set(tx));
  uniformOpen();
  emit(op.call(FN_LOG), op.f64Neg, op.set(ty));
  emit(op.get(ty), op.get(ty), op.f64Add, op.get(tx), op.get(tx), op.f64Mul, op.f64Lt, op.brIf(0), op.end);
  emit(op.f64Const(TAIL_START), op.get(tx), op.f64Add, op.f64Const(-TAIL_START), op.get(tx), op.f64Sub);
  emit(op.get(position), op.f64Const(0), op.f64Gt, op.select, op.set(value), op.br(2), op.end);
  // wedge: fn[l] + u·(fn[l−1] − fn[l]) < exp(−0.5·x·x) accepts x
  emit(op.get(layer), op.f64Load(FN));
  uniformOpen();
  emit(op.get(layer), op.f64Load(FN - 8), op.get(layer), op.f64Load(FN), op.f64Sub, op.f64Mul, op.f64Add);
  emit(op.f64Const(-0.5), op.get(x), op.f64Mul, op.get(x), op.f64Mul, op.call(FN_EXP), op.f64Lt);
  emit(op.ifVoid, op.get(x), op.set(value), op.br(2), op.end);
  draw();
  split();
  insideLayer();
  emit(op.ifVoid, op.get(position), op.get(layer), op.f64Load(WN), op.f64Mul, op.set(value), op.br(2), op.end);
  emit(op.br(0), op.end); // $retry
  emit(op.end); // $value
  emit(op.get(dst), op.get(i), op.i32Const(2), op.i32Shl, op.i32Add, op.get(value), op.get(std), op.f64Mul, op.f32DemoteF64, op.f32Store());
  emit(op.get(i), op.i32Const(1), op.i32Add, op.set(i), op.br(0));
  emit(op.end, op.end);
  emit(op.get(state), op.get(a), op.i32Store(0), op.get(state), op.get(b), op.i32Store(4));
  emit(op.get(state), op.get(c), op.i32Store(8), op.get(state), op.get(d), op.i32Store(12));
  emit(op.get(i));
  return { name: 'normalFill', params: [I32, I32, I32, F64, I32, I32], results: [I32], locals: [I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64], body };
}

/**
 * torch.optim.Adam's update (torch ≥ 2.1 `_single_tensor_adam` on float32 tensors: every op rounds to
 * float32) for `quads` groups of 4 parameters, 4 lanes at a time, as lib/train/adam.ts's `adamUpdate`:
 *   m = base + c·(g − m)          (exp_avg.lerp_(g, w): base m, c = w if w < 0.5, else base g, c = −(1 − w))
 *   v = v·β2 + ((1−β2)·g)·g       (exp_avg_sq.mul_(β2).addcmul_(g, g, value=1−β2))
 *   p = p + (−stepSize·m) / (√v / bc2 + eps)   (param.addcdiv_(m, denom, value=−stepSize))
 * The scalars arrive as float32, as torch converts Python floats for float32 tensors. The old p is
 * stored at `previous` first (the optimiser's last-update copy, without a pass of its own; previous = p
 * keeps none).
 */
function adamQuads(): FunctionDef {
  const p = 0, g = 1, m = 2, v = 3, quads = 4, lerpCoefficient = 5, lerpFromEnd = 6, beta2 = 7, oneMinusBeta2 = 8,
    negStepSize = 9, bc2 = 10, eps = 11, previous = 12; // params (i32 pointers, quads, lerpFromEnd; f32 scalars; i32 pointer)
  const offset = 13, end = 14; // i32 locals
  const G = 15, M = 16, V = 17, c1 = 18, fromEnd = 19, b2 = 20, c2 = 21, s = 22, bc = 23, e = 24, P = 25; // v128 locals
  const { body, emit } = bodyBuilder();
  for (const [local, param] of [[c1, lerpCoefficient], [b2, beta2], [c2, oneMinusBeta2], [s, negStepSize], [bc, bc2], [e, eps]]) {
    emit(op.get(param), op.f32x4Splat, op.set(local));
  }
  emit(op.i32Const(0), op.get(lerpFromEnd), op.i32Sub, op.i32x4Splat, op.set(fromEnd)); // all ones if set
  emit(op.get(quads), op.i32Const(4), op.i32Shl, op.set(end));
  forLoop(emit, offset, op.i32Const(0), op.get(end), 16, () => {
    const at = (base: number) => [...op.get(base), ...op.get(offset), ...op.i32Add];
    emit(at(g), op.v128Load(), op.set(G), at(m), op.v128Load(), op.set(M));
    // m: base + c·(g − m), base = g where fromEnd, else m
    emit(at(m), op.get(G), op.get(M), op.get(fromEnd), op.v128Bitselect);
    emit(op.get(c1), op.get(G), op.get(M), op.f32x4Sub, op.f32x4Mul, op.f32x4Add, op.tee(M), op.v128Store());
    // v
    emit(at(v), at(v), op.v128Load(), op.get(b2), op.f32x4Mul, op.get(c2), op.get(G), op.f32x4Mul, op.get(G), op.f32x4Mul, op.f32x4Add);
    emit(op.tee(V), op.v128Store());
    // p (the old value to `previous` first)
    emit(at(previous), at(p), op.v128Load(), op.tee(P), op.v128Store());
    emit(at(p), op.get(P), op.get(s), op.get(M), op.f32x4Mul);
    emit(op.get(V), op.f32x4Sqrt, op.get(bc), op.f32x4Div, op.get(e), op.f32x4Add, op.f32x4Div, op.f32x4Add, op.v128Store());
  });
  return {
    name: 'adamQuads',
    params: [I32, I32, I32, I32, I32, F32, I32, F32, F32, F32, F32, F32, I32],
    locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128],
    body,
  };
}

type Emit = (...parts: (readonly number[])[]) => void;
function bodyBuilder(): { body: number[]; emit: Emit } {
  const body: number[] = [];
  return { body, emit: (...parts) => { for (const part of parts) body.push(...part); } };
}

/** `for (counter = from; counter < end; counter += step) { inner }` over i32 locals (end re-read every turn). */
function forLoop(emit: Emit, counter: number, from: readonly number[], end: readonly number[], step: number, inner: () => void): void {
  emit(from, op.set(counter), op.block, op.loop);
  emit(op.get(counter), end, op.i32GeS, op.brIf(1));
  inner();
  emit(op.get(counter), op.i32Const(step), op.i32Add, op.set(counter), op.br(0), op.end, op.end);
}

/** clampOutput of an i32 local: saturate at OUTPUT_MIN…OUTPUT_MAX. */
function clampOutput(emit: Emit, local: number): void {
  emit(op.i32Const(OUTPUT_MIN), op.get(local), op.get(local), op.i32Const(OUTPUT_MIN), op.i32LtS, op.select, op.set(local));
  emit(op.i32Const(OUTPUT_MAX), op.get(local), op.get(local), op.i32Const(OUTPUT_MAX), op.i32GtS, op.select, op.set(local));
}

/** digitalAddForward of a clamped i32 local: + the bias operand at the address given, saturated again. */
function digitalAddForward(emit: Emit, local: number, biasAddress: readonly number[]): void {
  emit(op.get(local), biasAddress, op.i32Load(), op.i32Add, op.set(local));
  clampOutput(emit, local);
}

/** convertingReluForward of an i32 local: clamp(min(z, RELU_MAX) >> shift, 0, INPUT_MAX). */
function convertingReluForward(emit: Emit, local: number, shift: number): void {
  emit(op.i32Const(RELU_MAX), op.get(local), op.get(local), op.i32Const(RELU_MAX), op.i32GtS, op.select, op.get(shift), op.i32ShrS, op.set(local));
  emit(op.i32Const(INPUT_MAX), op.get(local), op.get(local), op.i32Const(INPUT_MAX), op.i32GtS, op.select, op.set(local));
  emit(op.i32Const(0), op.get(local), op.get(local), op.i32Const(0), op.i32LtS, op.select, op.set(local));
}

/** The module's functions in assembleModule's order: kernels call each other by index (imports first). */
const FUNCTION_ORDER = ['rowsAxpyI32', 'rowsAxpyF32', 'digitiseChunk', 'rowsAxpyI16', 'rowsSumI16', 'rowsSumF32', 'normalFill', 'adamQuads',
  'transposeQuantise', 'transposeF32', 'mockLayer', 'reluToLists', 'firstInputLists', 'listsPerInput', 'layerGradients', 'inputGradients',
  'allFinite', 'pixelInputLists'] as const;
const functionIndex = (name: (typeof FUNCTION_ORDER)[number]) => KERNEL_IMPORTS.length + FUNCTION_ORDER.indexOf(name);
const FN_ROWS_AXPY_F32 = functionIndex('rowsAxpyF32'), FN_DIGITISE = functionIndex('digitiseChunk'), FN_ROWS_AXPY_I16 = functionIndex('rowsAxpyI16'),
  FN_ROWS_SUM_I16 = functionIndex('rowsSumI16'), FN_ROWS_SUM_F32 = functionIndex('rowsSumF32');

const lanes = (picks: [0 | 1, number][]) => picks.flatMap(([operand, lane]) => [0, 1, 2, 3].map((byte) => operand * 16 + lane * 4 + byte));

/**
 * dst[c, r] = src[r, c] for a [rows, cols] block (both multiples of 4; strides in elements), in 4x4
 * tiles of SIMD shuffles. 'quantise' (the weights before a forward) writes round-half-even(clamp(src,
 * ±63)) as int16 (for rowsAxpyI16) and leaves src as it is: the byte offsets (from src) of the values
 * beyond ±63 — a handful per step in training, hxtorch clamps them in place — go to `clampList`
 * (room for `clampCapacity`, one more slot is scratch); it returns their count · 2, + 1 if a value was
 * NaN. 'f32' (the gradients) copies floats and returns 0.
 */
function transposeTiles(name: string, kind: 'quantise' | 'f32'): FunctionDef {
  const src = 0, srcStride = 1, dst = 2, dstStride = 3, rows = 4, cols = 5, clampList = 6, clampCapacity = 7; // params (the last two: 'quantise')
  const locals0 = kind === 'quantise' ? 8 : 6;
  const srcRow = locals0, dstRow = locals0 + 1, col = locals0 + 2, colEnd = locals0 + 3, dstCol = locals0 + 4, p = locals0 + 5, q = locals0 + 6,
    pEnd = locals0 + 7, clamped = locals0 + 8, address = locals0 + 9; // i32 locals
  const A = locals0 + 10, T = A + 4, R = A + 8, nanFlags = A + 12, beyond = A + 13; // v128 locals: A..A+3, T..T+3, R..R+3
  const { body, emit } = bodyBuilder();
  emit(op.get(srcStride), op.i32Const(2), op.i32Shl, op.set(srcRow));
  emit(op.get(dstStride), op.i32Const(kind === 'quantise' ? 1 : 2), op.i32Shl, op.set(dstRow));
  emit(op.i32Const(0), op.i32x4Splat, op.set(nanFlags), op.i32Const(0), op.set(clamped));
  emit(op.get(src), op.get(cols), op.i32Const(2), op.i32Shl, op.i32Add, op.set(colEnd));
  emit(op.get(dst), op.set(dstCol));
  forLoop(emit, col, op.get(src), op.get(colEnd), 16, () => {
    emit(op.get(col), op.set(p), op.get(dstCol), op.set(q));
    emit(op.get(col), op.get(rows), op.get(srcRow), op.i32Mul, op.i32Add, op.set(pEnd));
    emit(op.block, op.loop, op.get(p), op.get(pEnd), op.i32GeU, op.brIf(1));
    for (let r = 0; r < 4; r++) {
      // address of src row r of the tile: p + r·srcRow
      emit(op.get(p), ...(r ? [op.get(srcRow), op.i32Const(r), op.i32Mul, op.i32Add] : []), op.tee(address));
      emit(op.v128Load(), op.set(A + r));
      if (kind === 'quantise') {
        emit(op.get(nanFlags), op.get(A + r), op.get(A + r), op.f32x4Ne, op.v128Or, op.set(nanFlags));
        emit(op.get(A + r), beyondWeightMaxV, op.tee(beyond), op.v128AnyTrue, op.ifVoid);
        // rare: list the lanes beyond ±63 (branch-free; past the capacity every entry lands in the scratch slot)
        for (let lane = 0; lane < 4; lane++) {
          emit(op.get(clampList), op.get(clamped), op.get(clampCapacity), op.get(clamped), op.get(clampCapacity), op.i32LtU, op.select);
          emit(op.i32Const(2), op.i32Shl, op.i32Add, op.get(address), op.i32Const(4 * lane), op.i32Add, op.get(src), op.i32Sub, op.i32Store());
          emit(op.get(clamped), op.get(beyond), op.i32x4ExtractLane(lane), op.i32Const(0), op.i32Ne, op.i32Add, op.set(clamped));
        }
        emit(op.end);
        emit(op.get(A + r), clampWeightInPlaceV);
        emit(roundHalfEvenV, op.i32x4TruncSatF32x4S, op.set(A + r));
      }
    }
    emit(op.get(A), op.get(A + 1), op.i8x16Shuffle(lanes([[0, 0], [1, 0], [0, 1], [1, 1]])), op.set(T));
    emit(op.get(A), op.get(A + 1), op.i8x16Shuffle(lanes([[0, 2], [1, 2], [0, 3], [1, 3]])), op.set(T + 1));
    emit(op.get(A + 2), op.get(A + 3), op.i8x16Shuffle(lanes([[0, 0], [1, 0], [0, 1], [1, 1]])), op.set(T + 2));
    emit(op.get(A + 2), op.get(A + 3), op.i8x16Shuffle(lanes([[0, 2], [1, 2], [0, 3], [1, 3]])), op.set(T + 3));
    const low = lanes([[0, 0], [0, 1], [1, 0], [1, 1]]), high = lanes([[0, 2], [0, 3], [1, 2], [1, 3]]);
    emit(op.get(T), op.get(T + 2), op.i8x16Shuffle(low), op.set(R));
    emit(op.get(T), op.get(T + 2), op.i8x16Shuffle(high), op.set(R + 1));
    emit(op.get(T + 1), op.get(T + 3), op.i8x16Shuffle(low), op.set(R + 2));
    emit(op.get(T + 1), op.get(T + 3), op.i8x16Shuffle(high), op.set(R + 3));
    for (let c = 0; c < 4; c++) {
      emit(op.get(q), ...(c ? [op.get(dstRow), op.i32Const(c), op.i32Mul, op.i32Add] : []), op.get(R + c));
      if (kind === 'quantise') emit(op.get(R + c), op.i16x8NarrowI32x4S, op.v128Store64Lane0());
      else emit(op.v128Store());
    }
    emit(op.get(p), op.get(srcRow), op.i32Const(2), op.i32Shl, op.i32Add, op.set(p));
    emit(op.get(q), op.i32Const(kind === 'quantise' ? 8 : 16), op.i32Add, op.set(q), op.br(0), op.end, op.end);
    emit(op.get(dstCol), op.get(dstRow), op.i32Const(2), op.i32Shl, op.i32Add, op.set(dstCol));
  });
  if (kind === 'quantise') emit(op.get(clamped), op.i32Const(1), op.i32Shl, op.get(nanFlags), op.v128AnyTrue, op.i32Or);
  else emit(op.i32Const(0));
  const i32s = Array.from({ length: 10 }, (): ValType => I32), v128s = Array.from({ length: 14 }, (): ValType => V128);
  const params = Array.from({ length: kind === 'quantise' ? 8 : 6 }, (): ValType => I32);
  return { name, params, results: [I32], locals: [...i32s, ...v128s], body };
}

/**
 * One layer's mock MAC + digital bias add for the whole batch (the loop of workspaceEngine):
 * per sample and chunk rowsAxpyI16 over the chunk's non-zero inputs (rowsSumI16 if `uniform` ≠ 0: every
 * listed value equals it, as in a binarised image), then digitiseChunk with that
 * (chunk, sample)'s noise row (noise laid out [chunk][batch][n]; noiseStep 0 reuses one zero row);
 * z[b, j] = clamp(clamp(Σ chunks) + biasQ[j]) for j < n (clampOutput, digitalAddForward).
 */
function mockLayer(): FunctionDef {
  const batch = 0, chunks = 1, width = 2, n = 3, starts = 4, inRows = 5, inValues = 6, weightQT = 7, acc = 8, sums = 9,
    noise = 10, noiseStep = 11, scale = 12, biasQ = 13, z = 14, uniform = 15; // params (scale f32)
  const b = 16, c = 17, j = 18, s = 19, v = 20, zRow = 21, startAt = 22; // locals
  const { body, emit } = bodyBuilder();
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    forLoop(emit, j, op.i32Const(0), op.get(width), 4, () => {
      emit(op.get(sums), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Const(0), op.i32x4Splat, op.v128Store());
    });
    forLoop(emit, c, op.i32Const(0), op.get(chunks), 1, () => {
      // startAt = &starts[b·chunks + c]
      emit(op.get(starts), op.get(b), op.get(chunks), op.i32Mul, op.get(c), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.set(startAt));
      emit(op.get(startAt), op.i32Load(), op.i32Const(2), op.i32Shl, op.set(s));
      const count = [...op.get(startAt), ...op.i32Load(4), ...op.get(startAt), ...op.i32Load(), ...op.i32Sub];
      emit(op.get(uniform), op.ifVoid);
      emit(op.get(acc), op.get(weightQT), op.get(width), op.get(inRows), op.get(s), op.i32Add, op.get(uniform), count, op.call(FN_ROWS_SUM_I16));
      emit(op.else);
      emit(op.get(acc), op.get(weightQT), op.get(width), op.get(inRows), op.get(s), op.i32Add, op.get(inValues), op.get(s), op.i32Add, count, op.call(FN_ROWS_AXPY_I16));
      emit(op.end);
      emit(op.get(sums), op.get(acc), op.get(noise), op.get(c), op.get(batch), op.i32Mul, op.get(b), op.i32Add, op.get(noiseStep), op.i32Mul, op.i32Add);
      emit(op.get(width), op.get(scale), op.call(FN_DIGITISE));
    });
    emit(op.get(z), op.get(b), op.get(n), op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add, op.set(zRow));
    // four outputs per step (i32x4 clamps), then the last n mod 4 one at a time
    emit(op.i32Const(0), op.set(j), op.block, op.loop, op.get(j), op.i32Const(3), op.i32Add, op.get(n), op.i32GeS, op.brIf(1));
    emit(op.get(zRow), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add);
    emit(op.get(sums), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.v128Load(), clampOutputV);
    emit(digitalAddForwardV([...op.get(biasQ), ...op.get(j), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add]), op.v128Store());
    emit(op.get(j), op.i32Const(4), op.i32Add, op.set(j), op.br(0), op.end, op.end);
    forLoop(emit, j, op.get(j), op.get(n), 1, () => {
      emit(op.get(sums), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.set(v));
      clampOutput(emit, v);
      digitalAddForward(emit, v, [...op.get(biasQ), ...op.get(j), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add]);
      emit(op.get(zRow), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.get(v), op.i32Store());
    });
  });
  return {
    name: 'mockLayer',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, I32],
    body,
  };
}

/**
 * ConvertingReLU(shift) of a layer's z [batch, n] into `out` (floats, the next layer's raw input)
 * and the next layer's input lists: the non-zero values of every (sample, 128-row chunk), in order,
 * as (index, value) int32 pairs, with starts[b·chunks + c] the first entry (+ the total at the end).
 * Four units at a time (i32x4 clamp and shift), then a scalar tail per chunk.
 */
function reluToLists(): FunctionDef {
  const z = 0, batch = 1, n = 2, shift = 3, out = 4, chunks = 5, starts = 6, rows = 7, values = 8; // params
  const b = 9, j = 10, at = 11, v = 12, c = 13, chunkEnd = 14, row = 15, vectorEnd = 16; // i32 locals (at: entry byte offset)
  const V = 17; // v128
  const { body, emit } = bodyBuilder();
  // v = z ≤ 0 ? 0 : min(min(z, 127) >> shift, 31), i.e. max(min(min(z, 127) >> shift, 31), 0)
  const unit = (address: readonly number[]) => [...address, ...op.get(row), ...op.i32Add, ...op.get(j), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add];
  // branch-free (about half the units are open, a branch would mispredict): always write the entry at
  // `at`, keep it only if v ≠ 0 (the lists have room for one entry past the last)
  const append = (value: readonly number[], lane: number) => {
    emit(op.get(rows), op.get(at), op.i32Add, op.get(j), ...(lane ? [op.i32Const(lane), op.i32Add] : []), op.i32Store());
    emit(op.get(values), op.get(at), op.i32Add, value, op.tee(v), op.i32Store());
    emit(op.get(at), op.get(v), op.i32Const(0), op.i32Ne, op.i32Const(2), op.i32Shl, op.i32Add, op.set(at));
  };
  emit(op.i32Const(0), op.set(at));
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    emit(op.get(b), op.get(n), op.i32Mul, op.i32Const(2), op.i32Shl, op.set(row));
    forLoop(emit, c, op.i32Const(0), op.get(chunks), 1, () => {
      emit(op.get(starts), op.get(b), op.get(chunks), op.i32Mul, op.get(c), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.get(at), op.i32Const(2), op.i32ShrU, op.i32Store());
      emit(chunkRows(c, j, chunkEnd, n));
      emit(op.i32Const(3), op.i32Sub, op.set(vectorEnd));
      emit(op.block, op.loop, op.get(j), op.get(vectorEnd), op.i32GeS, op.brIf(1));
      emit(unit(op.get(z)), op.v128Load(), convertingReluForwardV(shift), op.set(V));
      emit(unit(op.get(out)), op.get(V), op.f32x4ConvertI32x4S, op.v128Store());
      for (let lane = 0; lane < 4; lane++) append([...op.get(V), ...op.i32x4ExtractLane(lane)], lane);
      emit(op.get(j), op.i32Const(4), op.i32Add, op.set(j), op.br(0), op.end, op.end);
      emit(op.block, op.loop, op.get(j), op.get(chunkEnd), op.i32GeS, op.brIf(1)); // the chunk's last n mod 4 units
      emit(unit(op.get(z)), op.i32Load(), op.set(v));
      convertingReluForward(emit, v, shift);
      emit(unit(op.get(out)), op.get(v), op.f32ConvertI32S, op.f32Store());
      append(op.get(v), 0);
      emit(op.get(j), op.i32Const(1), op.i32Add, op.set(j), op.br(0), op.end, op.end);
    });
  });
  emit(op.get(starts), op.get(batch), op.get(chunks), op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add, op.get(at), op.i32Const(2), op.i32ShrU, op.i32Store());
  return { name: 'reluToLists', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32, I32, I32, I32, V128], body };
}

/** The input-list kernels' last step: the total after the last (sample, chunk) in `starts`, and "no bad index" (−1) in status[0]. */
function endInputLists(emit: Emit, starts: number, batch: number, chunks: number, at: number, status: number): void {
  emit(op.get(starts), op.get(batch), op.get(chunks), op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add, op.get(at), op.i32Store());
  emit(op.get(status), op.i32Const(-1), op.i32Store());
}

/**
 * The first layer's input lists from raw floats x [batch, k]: round half to even, check the range
 * 0…31 (hxtorch raises instead of clamping), list the non-zero values per (sample, chunk) as
 * reluToLists does. status[0] = the first index out of range or −1; status[1] = 1 if every x was integral;
 * status[2] = the one value all listed inputs share (31 for a binarised batch), 0 if they differ, −1 if none.
 * Four pixels at a time: all-zero groups (most of an image; only +0.0 has all bits 0) cost one test,
 * others are rounded and checked as a vector; a group with a value out of range, and each chunk's last
 * k mod 4 pixels, take the scalar path, which stops at the first bad value.
 */
/** Above every listed input value (1…INPUT_MAX): the least value's start and what unlisted lanes count as. */
const NOT_LISTED = INPUT_MAX + 1;
function firstInputLists(): FunctionDef {
  const x = 0, batch = 1, k = 2, chunks = 3, starts = 4, rows = 5, values = 6, status = 7; // params
  const b = 8, i = 9, at = 10, integral = 11, rowBase = 12, qi = 13, c = 14, chunkEnd = 15, vectorEnd = 16, least = 17, most = 18, j = 19; // i32 locals
  const v = 20, q = 21; // f32 locals
  const X = 22, Q = 23, QI = 24, LEAST = 25, MOST = 26; // v128 locals
  const { body, emit } = bodyBuilder();
  // listed values lie in 1…31: uniform = least if least = most, 0 if they differ, −1 if nothing was listed
  const finish = () => {
    for (let lane = 0; lane < 4; lane++) {
      emit(op.get(LEAST), op.i32x4ExtractLane(lane), op.get(least), op.get(LEAST), op.i32x4ExtractLane(lane), op.get(least), op.i32LtS, op.select, op.set(least));
      emit(op.get(MOST), op.i32x4ExtractLane(lane), op.get(most), op.get(MOST), op.i32x4ExtractLane(lane), op.get(most), op.i32GtS, op.select, op.set(most));
    }
    emit(op.get(status), op.get(integral), op.i32Store(4));
    emit(op.get(status), op.i32Const(-1), op.get(least), op.i32Const(0), op.get(least), op.get(most), op.i32Eq, op.select, op.get(most), op.i32Eqz, op.select, op.i32Store(8));
  };
  /** pixel j of sample b, one at a time (the original definition) */
  const scalarPixel = () => {
    emit(op.get(x), op.get(rowBase), op.get(j), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load(), op.tee(v), op.f32Const(0), op.f32Ne, op.ifVoid);
    emit(op.get(v), roundHalfEven, op.set(q));
    // out of 0…31 (or NaN): report and stop
    emit(checkInputRange(q), op.i32Eqz, op.ifVoid);
    emit(op.get(status), op.get(rowBase), op.get(j), op.i32Add, op.i32Store());
    finish();
    emit(op.return, op.end);
    emit(op.get(q), op.get(v), op.f32Ne, op.ifVoid, op.i32Const(0), op.set(integral), op.end);
    emit(op.get(q), op.f32Const(0), op.f32Ne, op.ifVoid);
    emit(op.get(rows), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(j), op.i32Store());
    emit(op.get(values), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(q), op.i32TruncF32S, op.tee(qi), op.i32Store());
    emit(op.get(qi), op.get(least), op.get(qi), op.get(least), op.i32LtS, op.select, op.set(least));
    emit(op.get(qi), op.get(most), op.get(qi), op.get(most), op.i32GtS, op.select, op.set(most));
    emit(op.get(at), op.i32Const(1), op.i32Add, op.set(at), op.end);
    emit(op.end);
  };
  emit(op.i32Const(0), op.set(at), op.i32Const(1), op.set(integral), op.i32Const(NOT_LISTED), op.set(least), op.i32Const(0), op.set(most));
  emit(op.i32x4Const(NOT_LISTED), op.set(LEAST), op.i32x4Const(0), op.set(MOST));
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    emit(op.get(b), op.get(k), op.i32Mul, op.set(rowBase));
    forLoop(emit, c, op.i32Const(0), op.get(chunks), 1, () => {
      emit(op.get(starts), op.get(b), op.get(chunks), op.i32Mul, op.get(c), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.get(at), op.i32Store());
      emit(chunkRows(c, i, chunkEnd, k));
      emit(op.i32Const(3), op.i32Sub, op.set(vectorEnd));
      emit(op.block, op.loop, op.get(i), op.get(vectorEnd), op.i32GeS, op.brIf(1));
      emit(op.get(x), op.get(rowBase), op.get(i), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.v128Load(), op.tee(X), op.v128AnyTrue, op.ifVoid);
      emit(op.get(X), roundHalfEvenV, op.tee(Q), checkInputRangeV(Q), op.ifVoid);
      emit(op.get(integral), op.get(Q), op.get(X), op.f32x4Eq, op.i32x4AllTrue, op.i32And, op.set(integral));
      emit(op.get(Q), op.i32x4TruncSatF32x4S, op.tee(QI), op.get(MOST), op.i32x4MaxS, op.set(MOST));
      // unlisted (zero) lanes count as NOT_LISTED for the least value
      emit(op.get(QI), op.get(QI), op.i32x4Const(0), op.i32x4Eq, op.i32x4Const(NOT_LISTED), op.v128And, op.v128Or, op.get(LEAST), op.i32x4MinS, op.set(LEAST));
      for (let lane = 0; lane < 4; lane++) {
        // branch-free as reluToLists: write at `at`, keep the entry if the value is non-zero
        emit(op.get(rows), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(i), ...(lane ? [op.i32Const(lane), op.i32Add] : []), op.i32Store());
        emit(op.get(values), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(QI), op.i32x4ExtractLane(lane), op.tee(qi), op.i32Store());
        emit(op.get(at), op.get(qi), op.i32Const(0), op.i32Ne, op.i32Add, op.set(at));
      }
      emit(op.else); // a value out of range in this group: find it in order
      forLoop(emit, j, op.get(i), [...op.get(i), ...op.i32Const(4), ...op.i32Add], 1, scalarPixel);
      emit(op.end, op.end);
      emit(op.get(i), op.i32Const(4), op.i32Add, op.set(i), op.br(0), op.end, op.end);
      forLoop(emit, j, op.get(i), op.get(chunkEnd), 1, scalarPixel); // the chunk's last k mod 4 pixels
    });
  });
  endInputLists(emit, starts, batch, chunks, at, status);
  finish();
  return {
    name: 'firstInputLists',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, V128, V128, V128, V128, V128],
    body,
  };
}

/**
 * The dW lists of one layer from its forward lists (integer inputs): for every input i, the samples b
 * with x[b, i] ≠ 0 and those values as float32, input-major (a counting sort; counts[i] = first entry
 * of input i, counts[k] = total).
 */
function listsPerInput(): FunctionDef {
  const inRows = 0, inValues = 1, batch = 2, chunks = 3, starts = 4, k = 5, counts = 6, fillAt = 7, outRows = 8, outValues = 9; // params
  const at = 10, end = 11, i = 12, b = 13, pos = 14, address = 15; // locals
  const { body, emit } = bodyBuilder();
  const element = (base: number, index: readonly number[]) => [...op.get(base), ...index, ...op.i32Const(2), ...op.i32Shl, ...op.i32Add];
  forLoop(emit, i, op.i32Const(0), [...op.get(k), ...op.i32Const(1), ...op.i32Add], 1, () => emit(element(counts, op.get(i)), op.i32Const(0), op.i32Store()));
  emit(op.get(starts), op.get(batch), op.get(chunks), op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.set(end));
  forLoop(emit, at, op.i32Const(0), op.get(end), 1, () => {
    emit(op.get(counts), op.get(inRows), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.i32Const(2), op.i32Shl, op.i32Add, op.tee(address));
    emit(op.get(address), op.i32Load(4), op.i32Const(1), op.i32Add, op.i32Store(4));
  });
  forLoop(emit, i, op.i32Const(0), op.get(k), 1, () => {
    emit(element(counts, op.get(i)), op.tee(address), op.get(address), op.i32Load(4), op.get(address), op.i32Load(), op.i32Add, op.i32Store(4));
    emit(element(fillAt, op.get(i)), op.get(address), op.i32Load(), op.i32Store());
  });
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    emit(element(starts, [...op.get(b), ...op.i32Const(1), ...op.i32Add, ...op.get(chunks), ...op.i32Mul]), op.i32Load(), op.set(end));
    forLoop(emit, at, [...element(starts, [...op.get(b), ...op.get(chunks), ...op.i32Mul]), ...op.i32Load()], op.get(end), 1, () => {
      emit(element(fillAt, [...op.get(inRows), ...op.get(at), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load()]), op.tee(address), op.i32Load(), op.set(pos));
      emit(op.get(address), op.get(pos), op.i32Const(1), op.i32Add, op.i32Store());
      emit(element(outRows, op.get(pos)), op.get(b), op.i32Store());
      emit(element(outValues, op.get(pos)), op.get(inValues), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.f32ConvertI32S, op.f32Store());
    });
  });
  return { name: 'listsPerInput', params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], locals: [I32, I32, I32, I32, I32, I32], body };
}

/**
 * The start of a layer's backward: g[b, j] = f32(dz[b, j]·gradScale) (dz float64 [batch, n], g float32
 * rows of `width`), dBias[j] = f32(Σ_b dz[b, j]) summed in float64 in sample order (biasSum is scratch).
 * Then dWᵀ row i = Σ over input i's sample list of value·g[sample] (rowsAxpyF32 per input). If every
 * listed value equals `uniform` (≠ 0; a binarised first layer, which needs no dx from g), g is stored
 * as f32(g·uniform) — the very product rowsAxpyF32 would form — and summed by rowsSumF32.
 */
function layerGradients(): FunctionDef {
  const dz = 0, batch = 1, n = 2, width = 3, gradScale = 4, g = 5, biasSum = 6, gradBias = 7,
    gradWeightT = 8, listRows = 9, listValues = 10, counts = 11, k = 12, uniform = 13; // params (gradScale f64, uniform f32)
  const b = 14, j = 15, i = 16, d = 17, factor = 18, D = 19, gradScaleV = 20, factorV = 21; // locals (d f64, factor f32, v128s)
  const { body, emit } = bodyBuilder();
  emit(op.f32Const(1), op.get(uniform), op.get(uniform), op.f32Const(0), op.f32Eq, op.select, op.set(factor));
  const f64At = (base: number, index: readonly number[]) => [...op.get(base), ...index, ...op.i32Const(3), ...op.i32Shl, ...op.i32Add];
  forLoop(emit, j, op.i32Const(0), op.get(n), 1, () => emit(f64At(biasSum, op.get(j)), op.f64Const(0), op.f64Store()));
  emit(op.get(gradScale), op.f64x2Splat, op.set(gradScaleV), op.get(factor), op.f32x4Splat, op.set(factorV));
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    // two outputs per step (f64x2; the same float64 sums in sample order, the same float32 roundings)
    emit(op.i32Const(0), op.set(j), op.block, op.loop, op.get(j), op.i32Const(1), op.i32Add, op.get(n), op.i32GeS, op.brIf(1));
    emit(f64At(dz, [...op.get(b), ...op.get(n), ...op.i32Mul, ...op.get(j), ...op.i32Add]), op.v128Load(), op.set(D));
    emit(f64At(biasSum, op.get(j)), op.tee(i), op.get(i), op.v128Load(), op.get(D), op.f64x2Add, op.v128Store());
    emit(op.get(g), op.get(b), op.get(width), op.i32Mul, op.get(j), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add);
    emit(op.get(D), op.get(gradScaleV), op.f64x2Mul, op.f32x4DemoteF64x2Zero, op.get(factorV), op.f32x4Mul, op.v128Store64Lane0());
    emit(op.get(j), op.i32Const(2), op.i32Add, op.set(j), op.br(0), op.end, op.end);
    emit(op.get(j), op.get(n), op.i32LtS, op.ifVoid); // an odd n leaves one
    emit(f64At(dz, [...op.get(b), ...op.get(n), ...op.i32Mul, ...op.get(j), ...op.i32Add]), op.f64Load(), op.set(d));
    emit(f64At(biasSum, op.get(j)), op.tee(i), op.get(i), op.f64Load(), op.get(d), op.f64Add, op.f64Store());
    emit(op.get(g), op.get(b), op.get(width), op.i32Mul, op.get(j), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add);
    emit(op.get(d), op.get(gradScale), op.f64Mul, op.f32DemoteF64, op.get(factor), [0x94] /* f32.mul */, op.f32Store());
    emit(op.end);
  });
  forLoop(emit, j, op.i32Const(0), op.get(n), 1, () => {
    emit(op.get(gradBias), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, f64At(biasSum, op.get(j)), op.f64Load(), op.f32DemoteF64, op.f32Store());
  });
  forLoop(emit, i, op.i32Const(0), op.get(k), 1, () => {
    const rowsAxpyArguments = () => {
      emit(op.get(gradWeightT), op.get(i), op.get(width), op.i32Mul, op.i32Const(2), op.i32Shl, op.i32Add, op.get(g), op.get(width));
      emit(op.get(counts), op.get(i), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.i32Const(2), op.i32Shl, op.tee(j));
      emit(op.get(listRows), op.i32Add, op.get(listValues), op.get(j), op.i32Add);
      emit(op.get(counts), op.get(i), op.i32Const(2), op.i32Shl, op.i32Add, op.tee(b), op.i32Load(4), op.get(b), op.i32Load(), op.i32Sub);
    };
    emit(op.get(uniform), op.f32Const(0), op.f32Ne, op.ifVoid);
    rowsAxpyArguments();
    emit(op.call(FN_ROWS_SUM_F32), op.else);
    rowsAxpyArguments();
    emit(op.call(FN_ROWS_AXPY_F32), op.end);
  });
  return {
    name: 'layerGradients',
    params: [I32, I32, I32, I32, F64, I32, I32, I32, I32, I32, I32, I32, I32, F32],
    locals: [I32, I32, I32, F64, F32, V128, V128, V128],
    body,
  };
}

/**
 * dz of the layer below: per sample, dx = Σ_j g[b, j]·W[j] over the non-zero g (rowsAxpyF32 on the raw
 * clamped weights [n, kWidth]), then ConvertingReLU's backward dzPrev[b, i] = zPrev[b, i] > 0 ? f64(dx[i])·reluScale : 0.
 */
function inputGradients(): FunctionDef {
  const g = 0, batch = 1, n = 2, width = 3, weightRows = 4, kWidth = 5, k = 6, listRows = 7, listValues = 8, dxRow = 9,
    zPrev = 10, dzPrev = 11, reluScale = 12; // params (reluScale f64)
  const b = 13, j = 14, count = 15, index = 16, gv = 17, scale = 18; // locals (gv f32, scale v128)
  const { body, emit } = bodyBuilder();
  emit(op.get(reluScale), op.f64x2Splat, op.set(scale));
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    emit(op.i32Const(0), op.set(count));
    forLoop(emit, j, op.i32Const(0), op.get(n), 1, () => {
      emit(op.get(g), op.get(b), op.get(width), op.i32Mul, op.get(j), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load(), op.set(gv));
      // branch-free as reluToLists: write at `count`, keep it if g ≠ 0 (the lists have room for n + 1 entries)
      emit(op.get(listRows), op.get(count), op.i32Const(2), op.i32Shl, op.i32Add, op.get(j), op.i32Store());
      emit(op.get(listValues), op.get(count), op.i32Const(2), op.i32Shl, op.i32Add, op.get(gv), op.f32Store());
      emit(op.get(count), op.get(gv), op.f32Const(0), op.f32Ne, op.i32Add, op.set(count));
    });
    emit(op.get(dxRow), op.get(weightRows), op.get(kWidth), op.get(listRows), op.get(listValues), op.get(count), op.call(FN_ROWS_AXPY_F32));
    // two units per step: f64x2 products, the z > 0 test widened to a 64-bit lane mask (+0.0 where closed)
    emit(op.get(b), op.get(k), op.i32Mul, op.set(index));
    emit(op.i32Const(0), op.set(j), op.block, op.loop, op.get(j), op.i32Const(1), op.i32Add, op.get(k), op.i32GeS, op.brIf(1));
    emit(op.get(dzPrev), op.get(index), op.get(j), op.i32Add, op.i32Const(3), op.i32Shl, op.i32Add);
    emit(op.get(dxRow), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.v128Load64Zero(), op.f64x2PromoteLowF32x4, op.get(scale), op.f64x2Mul);
    emit(op.get(zPrev), op.get(index), op.get(j), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.v128Load64Zero());
    emit(op.i32x4Const(0), op.i32x4GtS, op.i64x2ExtendLowI32x4S, op.v128And, op.v128Store());
    emit(op.get(j), op.i32Const(2), op.i32Add, op.set(j), op.br(0), op.end, op.end);
    emit(op.get(j), op.get(k), op.i32LtS, op.ifVoid); // an odd k leaves one
    emit(op.get(index), op.get(j), op.i32Add, op.set(index));
    emit(op.get(dzPrev), op.get(index), op.i32Const(3), op.i32Shl, op.i32Add);
    emit(op.get(dxRow), op.get(j), op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load(), op.f64PromoteF32, op.get(reluScale), op.f64Mul);
    emit(op.f64Const(0));
    emit(op.get(zPrev), op.get(index), op.i32Const(2), op.i32Shl, op.i32Add, op.i32Load(), op.i32Const(0), op.i32GtS, op.select, op.f64Store());
    emit(op.end);
  });
  return {
    name: 'inputGradients',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64],
    locals: [I32, I32, I32, I32, F32, V128],
    body,
  };
}

/**
 * firstInputLists for binarised images given as bytes, x = pixels · scale (the tutorial's image · 31;
 * scale an integer 1…31): no float copy of the batch. The same lists and status: status[0] = the first
 * index whose value pixel · scale exceeds 31 (or −1); status[1] = 1 (integers); status[2] = the one
 * value all listed inputs share, 0 if they differ, −1 if none. Sixteen pixels at a time: an all-zero
 * group costs one test, the others are listed by walking the bits of their non-zero mask; a group with
 * a pixel above 31 / scale, and each chunk's last k mod 16 pixels, take the scalar path.
 */
function pixelInputLists(): FunctionDef {
  const pixels = 0, batch = 1, k = 2, chunks = 3, starts = 4, rows = 5, values = 6, scale = 7, status = 8; // params
  const b = 9, c = 10, i = 11, at = 12, rowIndex = 13, chunkEnd = 14, vectorEnd = 15, mask = 16, j = 17, pixel = 18, least = 19, most = 20, limit = 21; // i32 locals
  const P = 22, LEAST = 23, MOST = 24, LIMIT = 25; // v128 locals
  const { body, emit } = bodyBuilder();
  const pixelAt = (index: readonly number[]) => [...op.get(pixels), ...op.get(rowIndex), ...op.i32Add, ...index, ...op.i32Add, ...op.i32Load8U()];
  /** append (input j, pixel · scale) at `at` */
  const append = () => {
    emit(op.get(rows), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(j), op.i32Store());
    emit(op.get(values), op.get(at), op.i32Const(2), op.i32Shl, op.i32Add, op.get(pixel), op.get(scale), op.i32Mul, op.i32Store());
    emit(op.get(at), op.i32Const(1), op.i32Add, op.set(at));
  };
  // least and most listed pixel: the vector lanes folded into the scalars
  const finish = () => {
    for (let lane = 0; lane < 16; lane++) {
      emit(op.get(LEAST), op.i8x16ExtractLaneU(lane), op.get(least), op.get(LEAST), op.i8x16ExtractLaneU(lane), op.get(least), op.i32LtS, op.select, op.set(least));
      emit(op.get(MOST), op.i8x16ExtractLaneU(lane), op.get(most), op.get(MOST), op.i8x16ExtractLaneU(lane), op.get(most), op.i32GtS, op.select, op.set(most));
    }
    emit(op.get(status), op.i32Const(1), op.i32Store(4));
    emit(op.get(status), op.i32Const(-1), op.get(least), op.get(scale), op.i32Mul, op.i32Const(0), op.get(least), op.get(most), op.i32Eq, op.select, op.get(most), op.i32Eqz, op.select, op.i32Store(8));
  };
  /** pixel j of sample b, one at a time */
  const scalarPixel = () => {
    emit(pixelAt(op.get(j)), op.tee(pixel), op.ifVoid);
    emit(op.get(pixel), op.get(limit), op.i32GtS, op.ifVoid); // pixel · scale > 31: report and stop
    emit(op.get(status), op.get(rowIndex), op.get(j), op.i32Add, op.i32Store());
    finish();
    emit(op.return, op.end);
    append();
    emit(op.get(pixel), op.get(least), op.get(pixel), op.get(least), op.i32LtS, op.select, op.set(least));
    emit(op.get(pixel), op.get(most), op.get(pixel), op.get(most), op.i32GtS, op.select, op.set(most));
    emit(op.end);
  };
  emit(op.i32Const(0), op.set(at), op.i32Const(255), op.set(least), op.i32Const(0), op.set(most));
  // checkInputRange for pixel · scale: pixel ≤ ⌊INPUT_MAX / scale⌋
  emit(op.i32Const(INPUT_MAX), op.get(scale), op.i32DivU, op.tee(limit), op.i8x16Splat, op.set(LIMIT));
  emit(op.i32Const(-1), op.i8x16Splat, op.set(LEAST), op.i32Const(0), op.i8x16Splat, op.set(MOST));
  forLoop(emit, b, op.i32Const(0), op.get(batch), 1, () => {
    emit(op.get(b), op.get(k), op.i32Mul, op.set(rowIndex));
    forLoop(emit, c, op.i32Const(0), op.get(chunks), 1, () => {
      emit(op.get(starts), op.get(b), op.get(chunks), op.i32Mul, op.get(c), op.i32Add, op.i32Const(2), op.i32Shl, op.i32Add, op.get(at), op.i32Store());
      emit(chunkRows(c, i, chunkEnd, k));
      emit(op.i32Const(15), op.i32Sub, op.set(vectorEnd));
      emit(op.block, op.loop, op.get(i), op.get(vectorEnd), op.i32GeS, op.brIf(1));
      emit(op.get(pixels), op.get(rowIndex), op.i32Add, op.get(i), op.i32Add, op.v128Load(), op.tee(P), op.v128AnyTrue, op.ifVoid);
      emit(op.get(P), op.get(LIMIT), op.i8x16GtU, op.v128AnyTrue, op.ifVoid); // a pixel above the limit: find it in order
      forLoop(emit, j, op.get(i), [...op.get(i), ...op.i32Const(16), ...op.i32Add], 1, scalarPixel);
      emit(op.else);
      emit(op.get(P), op.get(MOST), op.i8x16MaxU, op.set(MOST));
      // zero lanes count as 255 for the least pixel
      emit(op.get(P), op.get(P), op.i32Const(0), op.i8x16Splat, op.i8x16Eq, op.v128Or, op.get(LEAST), op.i8x16MinU, op.set(LEAST));
      emit(op.get(P), op.i32Const(0), op.i8x16Splat, op.i8x16Ne, op.i8x16Bitmask, op.set(mask));
      emit(op.block, op.loop, op.get(mask), op.i32Eqz, op.brIf(1));
      emit(op.get(i), op.get(mask), op.i32Ctz, op.i32Add, op.set(j));
      emit(pixelAt(op.get(j)), op.set(pixel));
      append();
      emit(op.get(mask), op.get(mask), op.i32Const(1), op.i32Sub, op.i32And, op.set(mask), op.br(0), op.end, op.end);
      emit(op.end, op.end);
      emit(op.get(i), op.i32Const(16), op.i32Add, op.set(i), op.br(0), op.end, op.end);
      forLoop(emit, j, op.get(i), op.get(chunkEnd), 1, scalarPixel); // the chunk's last k mod 16 pixels
    });
  });
  endInputLists(emit, starts, batch, chunks, at, status);
  finish();
  return {
    name: 'pixelInputLists',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [...Array.from({ length: 13 }, (): ValType => I32), V128, V128, V128, V128],
    body,
  };
}

/** 1 if all `count` float32 values at `src` are finite (v − v is 0 only then), else 0; reads whole vectors (pad with zeros). */
function allFinite(): FunctionDef {
  const src = 0, count = 1; // params
  const p = 2, end = 3, nonFinite = 4; // locals (nonFinite v128)
  const { body, emit } = bodyBuilder();
  emit(op.i32Const(0), op.i32x4Splat, op.set(nonFinite));
  emit(op.get(src), op.get(count), op.i32Const(2), op.i32Shl, op.i32Add, op.set(end));
  forLoop(emit, p, op.get(src), op.get(end), 16, () => {
    emit(op.get(nonFinite), op.get(p), op.v128Load(), op.get(p), op.v128Load(), op.f32x4Sub);
    emit(op.f32x4Const(0), op.f32x4Ne, op.v128Or, op.set(nonFinite));
  });
  emit(op.get(nonFinite), op.v128AnyTrue, op.i32Eqz);
  return { name: 'allFinite', params: [I32, I32], results: [I32], locals: [I32, I32, V128], body };
}

export function buildKernelModule(): Uint8Array {
  const functions = [
    rowsAxpy('rowsAxpyI32', 'i32'), rowsAxpy('rowsAxpyF32', 'f32'), digitiseChunk(), rowsAxpyI16('values'), rowsAxpyI16('uniform'), rowsAxpy('rowsSumF32', 'f32sum'),
    normalFill(), adamQuads(),
    transposeTiles('transposeQuantise', 'quantise'), transposeTiles('transposeF32', 'f32'),
    mockLayer(), reluToLists(), firstInputLists(), listsPerInput(), layerGradients(), inputGradients(), allFinite(), pixelInputLists(),
  ];
  const names = functions.map((f) => f.name).join();
  if (names !== FUNCTION_ORDER.join()) throw new Error(`kernel order ${names} differs from FUNCTION_ORDER`);
  return assembleModule(functions, 1, KERNEL_IMPORTS);
}
