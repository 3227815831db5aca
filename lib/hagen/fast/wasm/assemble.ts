/**
 * A tiny WebAssembly binary writer: just the sections and instructions the fast kernels use
 * (one imported memory, exported functions, i32/f32/v128 arithmetic, block/loop/br_if).
 * It exists so the kernels are built from readable TypeScript with no toolchain download.
 */

export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Instruction builders; each returns its bytes. Memory offsets are byte offsets. */
export const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], ifVoid: [0x04, 0x40], else: [0x05], return: [0x0f], drop: [0x1a], select: [0x1b],
  /** imported functions come first, then the defined ones in the order given to assembleModule */
  call: (index: number) => [0x10, ...uleb(index)],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  i32Load8U: (offset = 0) => [0x2d, 0, ...uleb(offset)],
  f32Const: (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  i32GeU: [0x4f], i32LeU: [0x4d], i32LtU: [0x49], i32Eqz: [0x45], i32Eq: [0x46], i32Ne: [0x47], i32LtS: [0x48], i32GtS: [0x4a], i32LeS: [0x4c], i32GeS: [0x4e],
  f32Eq: [0x5b], f32Ne: [0x5c], f32Gt: [0x5e], f32Abs: [0x8b], f32Nearest: [0x90], f32Min: [0x96], f32Max: [0x97],
  i32TruncF32S: [0xa8], f32ConvertI32S: [0xb2], f64PromoteF32: [0xbb], f64Gt: [0x64],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  i32Add: [0x6a], i32Sub: [0x6b], i32Mul: [0x6c], i32And: [0x71], i32Or: [0x72], i32Xor: [0x73],
  i32DivU: [0x6e], i32Ctz: [0x68],
  i32Shl: [0x74], i32ShrS: [0x75], i32ShrU: [0x76], i32Rotl: [0x77],
  f64Lt: [0x63], f64Abs: [0x99], f64Neg: [0x9a], f64Add: [0xa0], f64Sub: [0xa1], f64Mul: [0xa2], f64Div: [0xa3], f64ConvertI32U: [0xb8], f64ConvertI32S: [0xb7], f32DemoteF64: [0xb6],
  f64Const: (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)],
  v128Load64Zero: (offset = 0) => [0xfd, ...uleb(0x5d), 3, ...uleb(offset)],
  v128Store64Lane0: (offset = 0) => [0xfd, ...uleb(0x5b), 3, ...uleb(offset), 0],
  f64x2Splat: [0xfd, ...uleb(0x14)],
  f64x2PromoteLowF32x4: [0xfd, ...uleb(0x5f)], f32x4DemoteF64x2Zero: [0xfd, ...uleb(0x5e)],
  f64x2Add: [0xfd, ...uleb(0xf0)], f64x2Sub: [0xfd, ...uleb(0xf1)], f64x2Mul: [0xfd, ...uleb(0xf2)], f64x2Div: [0xfd, ...uleb(0xf3)],
  f64x2Sqrt: [0xfd, ...uleb(0xef)],
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  i32x4Splat: [0xfd, ...uleb(0x11)], f32x4Splat: [0xfd, ...uleb(0x13)],
  i32x4Add: [0xfd, ...uleb(0xae)], i32x4Mul: [0xfd, ...uleb(0xb5)],
  i16x8Splat: [0xfd, ...uleb(0x10)], i16x8Add: [0xfd, ...uleb(0x8e)], i16x8Mul: [0xfd, ...uleb(0x95)],
  i16x8NarrowI32x4S: [0xfd, ...uleb(0x85)], i32x4ExtendLowI16x8S: [0xfd, ...uleb(0xa7)], i32x4ExtendHighI16x8S: [0xfd, ...uleb(0xa8)],
  f32x4Add: [0xfd, ...uleb(0xe4)], f32x4Sub: [0xfd, ...uleb(0xe5)], f32x4Mul: [0xfd, ...uleb(0xe6)], f32x4Div: [0xfd, ...uleb(0xe7)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)], v128Bitselect: [0xfd, ...uleb(0x52)],
  f32x4Floor: [0xfd, ...uleb(0x68)], f32x4ConvertI32x4S: [0xfd, ...uleb(0xfa)], i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  i32x4MinS: [0xfd, ...uleb(0xb6)], i32x4MaxS: [0xfd, ...uleb(0xb8)], i32x4ShrS: [0xfd, ...uleb(0xac)],
  i32x4ExtractLane: (lane: number) => [0xfd, ...uleb(0x1b), lane],
  f32x4Min: [0xfd, ...uleb(0xe8)], f32x4Max: [0xfd, ...uleb(0xe9)], f32x4Abs: [0xfd, ...uleb(0xe0)], f32x4Nearest: [0xfd, ...uleb(0x6a)],
  f32x4Eq: [0xfd, ...uleb(0x41)], f32x4Ne: [0xfd, ...uleb(0x42)], f32x4Gt: [0xfd, ...uleb(0x44)], f32x4Le: [0xfd, ...uleb(0x45)], f32x4Ge: [0xfd, ...uleb(0x46)],
  i32x4Eq: [0xfd, ...uleb(0x37)], i32x4GtS: [0xfd, ...uleb(0x3b)], i64x2ExtendLowI32x4S: [0xfd, ...uleb(0xc7)], v128And: [0xfd, ...uleb(0x4e)], i32x4AllTrue: [0xfd, ...uleb(0xa3)], v128Or: [0xfd, ...uleb(0x50)], v128AnyTrue: [0xfd, ...uleb(0x53)],
  i8x16Splat: [0xfd, ...uleb(0x0f)], i8x16ExtractLaneU: (lane: number) => [0xfd, ...uleb(0x16), lane],
  i8x16Eq: [0xfd, ...uleb(0x23)], i8x16Ne: [0xfd, ...uleb(0x24)], i8x16GtU: [0xfd, ...uleb(0x28)],
  i8x16MinU: [0xfd, ...uleb(0x77)], i8x16MaxU: [0xfd, ...uleb(0x79)], i8x16Bitmask: [0xfd, ...uleb(0x64)],
  /** 16 byte-lane indices into the concatenation of the two operands */
  i8x16Shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  f32x4Const: (v: number) => { const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer); return [0xfd, ...uleb(0x0c), ...b]; },
  i32x4Const: (v: number) => { const b = new Uint8Array(new Int32Array([v, v, v, v]).buffer); return [0xfd, ...uleb(0x0c), ...b]; },
} as const;

export interface FunctionDef {
  name: string;
  params: ValType[];
  /** at most one result (default none) */
  results?: ValType[];
  locals: ValType[];
  body: number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** A function the module imports from `env` (the host passes it at instantiation). */
export interface ImportDef { name: string; params: ValType[]; results?: ValType[] }

/** A module importing `env.memory` (min `memoryPages`) and `imported` functions, exporting `functions`. */
export function assembleModule(functions: FunctionDef[], memoryPages: number, imported: ImportDef[] = []): Uint8Array {
  const signature = (f: { params: ValType[]; results?: ValType[] }) => [0x60, ...vec(f.params.map((p) => [p])), ...vec((f.results ?? []).map((r) => [r]))];
  const types = [...imported.map(signature), ...functions.map(signature)];
  const imports = vec([
    ...imported.map((f, i) => [...utf8('env'), ...utf8(f.name), 0x00, ...uleb(i)]),
    [...utf8('env'), ...utf8('memory'), 0x02, 0x00, ...uleb(memoryPages)],
  ]);
  const funcs = vec(functions.map((_, i) => uleb(imported.length + i)));
  const exports = vec(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(imported.length + i)]));
  const bodies = vec(functions.map((f) => {
    const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  }));
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, bodies),
  ]);
}
