/**
 * The precomputed training run as the page downloads it: compact and checked.
 *
 *   bytes 0–3    "ZFTR"
 *   bytes 4–5    format version (u16 LE, BINARY_VERSION)
 *   bytes 6–7    0
 *   bytes 8–11   payload length in bytes (u32 LE)
 *   bytes 12–15  CRC-32 (IEEE, as zlib/gzip) of the payload
 *   payload      u32 LE length of the header JSON, the header JSON (UTF-8), zero padding to 4 bytes, then per
 *                layer its weights ([out, in] row-major) and its bias (float32 LE [out]).
 *
 * The header JSON holds what the JSON file held besides the weights (params, losses, batchesPerEpoch,
 * epochs), the model's shape (backend, shift, mock, per layer inFeatures/outFeatures/numSends) and how the
 * weights are stored: `int8` for the mock (one byte per weight: every forward pass clamps a weight to ±63
 * and rounds it half to even, so storing that integer changes no prediction, bit for bit), `float32` for the
 * other backends (the ideal backend uses the weight as it is, the chip rounds half away from zero).
 * A 784-256-256-10 mock model: ≈ 275 KB instead of ≈ 1.43 MB of base64 floats.
 *
 * Every problem is refused with its reason, naming the file: wrong magic or version, a length that does not
 * match, a checksum that does not match (a damaged download), or a header or weights that make no model.
 */
import { WEIGHT_MAX } from '../hagen/constants';
import { mockParameter } from '../hagen/mockParameter';
import { BACKENDS, type HagenModel, type LayerParams } from '../hagen/types';
import { roundHalfEven } from '../round';
import { checkTrainingFields, type PrecomputedTraining } from './files';

const BINARY_MAGIC = 'ZFTR';
const BINARY_VERSION = 1;
const HEADER_BYTES = 16;
/** Beyond this a bias is not a trained value but damage (outputs live in −128…127). */
const BIAS_LIMIT = 1000;

/** A precomputed training run with its model (instead of a model file's text). */
export type TrainingRun = Omit<PrecomputedTraining, 'modelFile'> & { model: HagenModel };

type WeightStorage = 'int8' | 'float32';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the checksum of gzip and zlib). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const pad4 = (n: number) => (n + 3) & ~3;

function weightBytes(layer: { inFeatures: number; outFeatures: number }, storage: WeightStorage): number {
  return pad4(layer.inFeatures * layer.outFeatures * (storage === 'int8' ? 1 : 4));
}

export function encodeTrainingRun(run: TrainingRun): Uint8Array {
  const { model } = run;
  const storage: WeightStorage = model.backend === 'mock' ? 'int8' : 'float32';
  const header = new TextEncoder().encode(JSON.stringify({
    params: run.params, losses: run.losses, batchesPerEpoch: run.batchesPerEpoch, epochs: run.epochs, weights: storage,
    model: { backend: model.backend, shift: model.shift, mock: model.mock, layers: model.layers.map(({ inFeatures, outFeatures, numSends }) => ({ inFeatures, outFeatures, numSends })) },
  }));
  const headerEnd = pad4(4 + header.length);
  const payloadLength = headerEnd + model.layers.reduce((sum, layer) => sum + weightBytes(layer, storage) + 4 * layer.outFeatures, 0);
  const bytes = new Uint8Array(HEADER_BYTES + payloadLength);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(BINARY_MAGIC), 0);
  view.setUint16(4, BINARY_VERSION, true);
  view.setUint32(8, payloadLength, true);
  view.setUint32(HEADER_BYTES, header.length, true);
  bytes.set(header, HEADER_BYTES + 4);
  let at = HEADER_BYTES + headerEnd;
  for (const layer of model.layers) {
    if (storage === 'int8') {
      for (let i = 0; i < layer.weight.length; i++) {
        // What every forward pass makes of the weight: clamp to ±63 (in place, as hxtorch), then round half to even.
        view.setInt8(at + i, roundHalfEven(Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, layer.weight[i]))));
      }
    } else {
      for (let i = 0; i < layer.weight.length; i++) view.setFloat32(at + 4 * i, layer.weight[i], true);
    }
    at += weightBytes(layer, storage);
    for (let i = 0; i < layer.bias.length; i++) view.setFloat32(at + 4 * i, layer.bias[i], true);
    at += 4 * layer.outFeatures;
  }
  view.setUint32(12, crc32(bytes.subarray(HEADER_BYTES)), true);
  return bytes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function decodeTrainingRun(bytes: Uint8Array, fileName: string): TrainingRun {
  const where = `precomputed/${fileName}`;
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected bytes');
  if (bytes.length < HEADER_BYTES + 4) fail(`${bytes.length} bytes is too short for a precomputed run (damaged or truncated download?)`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== BINARY_MAGIC) fail(`not a precomputed run: it does not start with "${BINARY_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== BINARY_VERSION) fail(`format version ${version} is not supported; this ziffern reads version ${BINARY_VERSION}`);
  const payloadLength = view.getUint32(8, true);
  if (bytes.length !== HEADER_BYTES + payloadLength) fail(`${bytes.length} bytes, but the file says ${HEADER_BYTES + payloadLength} (truncated or damaged download)`);
  const expected = view.getUint32(12, true);
  const actual = crc32(bytes.subarray(HEADER_BYTES));
  if (actual !== expected) fail(`checksum mismatch (CRC-32 ${actual.toString(16).padStart(8, '0')}, the file says ${expected.toString(16).padStart(8, '0')}): the file is damaged`);

  const headerLength = view.getUint32(HEADER_BYTES, true);
  if (4 + headerLength > payloadLength) fail(`header length ${headerLength} runs past the end of the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES + 4, HEADER_BYTES + 4 + headerLength)));
  } catch (error) {
    fail(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(header)) return fail('the header must be a JSON object');
  const fields = checkTrainingFields(header, where);
  const storage = header.weights;
  if (storage !== 'int8' && storage !== 'float32') fail(`weights must be stored as "int8" or "float32", got ${JSON.stringify(storage)}`);
  const shape = header.model;
  if (!isObject(shape) || !Array.isArray(shape.layers)) return fail('model must be an object with layers');
  if (!(BACKENDS as readonly unknown[]).includes(shape.backend)) fail(`model.backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(shape.backend)}`);
  if (storage === 'int8' && shape.backend !== 'mock') fail('int8 weights are only exact for the mock backend');
  if (!Number.isInteger(shape.shift) || (shape.shift as number) < 0 || (shape.shift as number) > 4) fail(`model.shift must be a whole number from 0 to 4, got ${JSON.stringify(shape.shift)}`);
  let mock;
  try {
    const raw = shape.mock as { noiseStd?: unknown; gain?: unknown } | undefined;
    mock = mockParameter(raw?.noiseStd as number, raw?.gain as number);
  } catch (error) {
    return fail(`model.mock: ${(error as Error).message}`);
  }
  const shapes = shape.layers as unknown[];
  if (shapes.length < 2 || shapes.length > 5) fail(`the model must have 2 to 5 layers, got ${shapes.length}`);

  let at = HEADER_BYTES + pad4(4 + headerLength);
  const layers: LayerParams[] = shapes.map((raw: unknown, i: number): LayerParams => {
    const name = `layer ${i}`;
    if (!isObject(raw)) return fail(`${name} must be an object`);
    const { inFeatures, outFeatures, numSends } = raw as Record<string, number>;
    for (const [key, value] of [['inFeatures', inFeatures], ['outFeatures', outFeatures], ['numSends', numSends]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 1024) fail(`${name} ${key} must be a whole number from 1 to 1024, got ${JSON.stringify(value)}`);
    }
    if (i === 0 && inFeatures !== 784) fail(`${name} must take 784 inputs (28×28 pixels), got ${inFeatures}`);
    if (i > 0 && inFeatures !== (shapes[i - 1] as Record<string, number>).outFeatures) fail(`${name} takes ${inFeatures} inputs but the layer before gives ${(shapes[i - 1] as Record<string, number>).outFeatures}`);
    if (i === shapes.length - 1 && outFeatures !== 10) fail(`the last layer must give 10 outputs (one per digit), got ${outFeatures}`);
    const count = inFeatures * outFeatures;
    const end = at + weightBytes(raw as { inFeatures: number; outFeatures: number }, storage as WeightStorage) + 4 * outFeatures;
    if (end > bytes.length) fail(`${name}'s weights run past the end of the file`);
    const weight = new Float32Array(count);
    if (storage === 'int8') {
      for (let k = 0; k < count; k++) {
        const w = view.getInt8(at + k);
        if (w < -WEIGHT_MAX || w > WEIGHT_MAX) fail(`${name} weight ${k} is ${w}, outside −${WEIGHT_MAX}…${WEIGHT_MAX}`);
        weight[k] = w;
      }
    } else {
      for (let k = 0; k < count; k++) {
        const w = view.getFloat32(at + 4 * k, true);
        if (!Number.isFinite(w) || Math.abs(w) > BIAS_LIMIT) fail(`${name} weight ${k} is ${w}, not a trained value`);
        weight[k] = w;
      }
    }
    at += weightBytes(raw as { inFeatures: number; outFeatures: number }, storage as WeightStorage);
    const bias = new Float32Array(outFeatures);
    for (let k = 0; k < outFeatures; k++) {
      const b = view.getFloat32(at + 4 * k, true);
      if (!Number.isFinite(b) || Math.abs(b) > BIAS_LIMIT) fail(`${name} bias ${k} is ${b}, not a trained value`);
      bias[k] = b;
    }
    at += 4 * outFeatures;
    return { inFeatures, outFeatures, numSends, weight, bias };
  });
  if (at !== bytes.length) fail(`${bytes.length - at} bytes left over after the last layer`);
  return { ...fields, model: { backend: shape.backend as HagenModel['backend'], shift: shape.shift as number, mock, layers } };
}
