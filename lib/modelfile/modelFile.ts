/**
 * Saving and loading a trained hagen-mode model with the hyperparameters that produced it.
 *
 * Format (JSON, version 1):
 *   { "format": "ziffern-model", "version": 1, "savedAt": ISO date,
 *     "params": { <every lib/params.ts parameter> },
 *     "model": { "backend", "shift", "mock": { "noiseStd", "gain" },
 *                "layers": [ { "inFeatures", "outFeatures", "numSends",
 *                              "weight": base64 float32 LE [out, in] row-major, "bias": base64 float32 LE [out],
 *                              "conv"?: { "height", "width", "kernel", "stride" } } ] } }
 * A convolution in front (lib/hagen/conv.ts, issue 12) is layer 0 with "conv" (inFeatures = kernel², outFeatures =
 * channels); files without it load as before, so the version stays 1.
 * base64 float32 is exact and ~3× smaller than decimal arrays (a 784-256-256-10 model: ≈ 1.4 MB).
 *
 * Weight range policy: stored weights are floats; the chip only sees them clamped to ±63, and every
 * forward pass clamps them in place (as hxtorch does). So a loaded weight in ±63 … ±1000 is accepted
 * and will be clamped by the first forward pass; a weight beyond ±1000 (or a bias beyond ±1000, far
 * outside the −128…127 output range) or any non-finite value means the file is corrupt and is refused.
 *
 * Parameters: keys this version does not know are ignored with a warning (an older or newer ziffern
 * wrote them); missing keys are filled in, the architecture ones (backend, hidden, layers, shift)
 * from the model itself, the rest from the defaults, with a warning (none for parameters added after a file's
 * version was first written: PARAMS_ADDED_LATER). Architecture keys that are
 * present must agree with the model.
 */
import { PARAMS, defaultParams, isParamName, validateParam, type ParamName, type ParamValues } from '../params';
import { base64ToFloat32, float32ToBase64 } from './base64';
import { convPositions, IMAGE_SIDE } from '../hagen/conv';
import { HAGEN_BACKENDS, MODEL_INPUTS, MODEL_OUTPUTS, type HagenBackend, type HagenModel, type LayerParams, type MockParameter } from './hagenTypes';

export const MODEL_FILE_FORMAT = 'ziffern-model';
export const MODEL_FILE_VERSION = 1;
const READABLE_VERSIONS = MODEL_FILE_VERSION === 1 ? 'format version 1' : `format versions 1 to ${MODEL_FILE_VERSION}`;
/** Beyond this a weight or bias is not a trained value but corruption (see the policy above). */
export const CORRUPT_VALUE_LIMIT = 1000;
/** The largest model the parameter table allows is ≈ 21 MB as text; refuse anything far larger unread. */
export const MAX_MODEL_FILE_CHARS = 64 * 1024 * 1024;

/**
 * Check a model file's size before reading it (File.size in the page, fstat in Node): a 1 GB file is refused
 * without being read. Throws an Error naming the file.
 */
export function checkModelFileSize(bytes: number, fileName: string): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`model file "${fileName}": unknown size ${String(bytes)}`);
  if (bytes > MAX_MODEL_FILE_CHARS) {
    throw new Error(`model file "${fileName}": ${(bytes / 1e6).toFixed(1)} MB is larger than any model ziffern writes (at most ${(MAX_MODEL_FILE_CHARS / 1e6).toFixed(1)} MB); not read`);
  }
}

export interface LoadedModelFile {
  model: HagenModel;
  params: ParamValues;
  /** Things that were tolerated (unknown or missing parameters); show them, they are not errors. */
  warnings: string[];
  savedAt: string | null;
}

/** Throws if the model is not a valid hagen model; `where` prefixes every message. */
function checkModel(model: HagenModel, where: string): void {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (!HAGEN_BACKENDS.includes(model.backend)) fail(`backend must be one of ${HAGEN_BACKENDS.join(', ')}, got ${JSON.stringify(model.backend)}`);
  if (!Number.isInteger(model.shift) || model.shift < 0 || model.shift > 4) fail(`shift must be an integer from 0 to 4, got ${model.shift}`);
  checkMock(model.mock, where);
  const layers = model.layers;
  const conv = layers[0]?.conv;
  if (conv !== undefined) checkConv(layers[0], fail);
  // a convolution in front counts apart: the dense layers follow the same rules as without it
  const first = conv ? 1 : 0;
  const hiddenLayers = layers.length - 1 - first;
  if (hiddenLayers < 1 || hiddenLayers > 4) fail(`the model must have 2 to 5 layers (1 to 4 hidden)${conv ? ' after the convolution' : ''}, got ${layers.length - first}`);
  layers.forEach((layer, i) => {
    const name = `layer ${i}`;
    if (i > 0 && layer.conv !== undefined) fail(`${name} has "conv"; only layer 0 may be a convolution`);
    for (const key of ['inFeatures', 'outFeatures'] as const) {
      // the first dense layer after a convolution takes channels · positions inputs
      const max = conv && i === 1 && key === 'inFeatures' ? 64 * IMAGE_SIDE * IMAGE_SIDE : 1024;
      if (!Number.isInteger(layer[key]) || layer[key] < 1 || layer[key] > max) {
        fail(`${name} ${key} must be an integer from 1 to ${max}, got ${layer[key]}`);
      }
    }
    if (i === 0 && !conv && layer.inFeatures !== MODEL_INPUTS) fail(`${name} must take ${MODEL_INPUTS} inputs (28×28 pixels), got ${layer.inFeatures}`);
    if (i === 1 && conv) {
      const gives = layers[0].outFeatures * convPositions(conv);
      if (layer.inFeatures !== gives) fail(`${name} takes ${layer.inFeatures} inputs but the convolution gives channels·positions = ${gives}`);
    } else if (i > 0 && layer.inFeatures !== layers[i - 1].outFeatures) {
      fail(`${name} takes ${layer.inFeatures} inputs but layer ${i - 1} gives ${layers[i - 1].outFeatures} outputs`);
    }
    if (i === layers.length - 1 && layer.outFeatures !== MODEL_OUTPUTS) fail(`the last layer must give ${MODEL_OUTPUTS} outputs (digits), got ${layer.outFeatures}`);
    if (i >= first && i < layers.length - 1 && layer.outFeatures !== layers[first].outFeatures) {
      fail(`all hidden layers must have the same width (the "hidden" parameter): layer ${first} has ${layers[first].outFeatures}, ${name} has ${layer.outFeatures}`);
    }
    if (!Number.isSafeInteger(layer.numSends) || layer.numSends < 1) fail(`${name} numSends must be an integer ≥ 1, got ${layer.numSends}`);
    if (!(layer.weight instanceof Float32Array)) fail(`${name} weight must be a Float32Array`);
    if (!(layer.bias instanceof Float32Array)) fail(`${name} bias must be a Float32Array`);
    const expected = layer.inFeatures * layer.outFeatures;
    if (layer.weight.length !== expected) {
      fail(`${name} weight has ${layer.weight.length} values, expected ${layer.outFeatures}×${layer.inFeatures} = ${expected}`);
    }
    if (layer.bias.length !== layer.outFeatures) fail(`${name} bias has ${layer.bias.length} values, expected ${layer.outFeatures}`);
    checkValues(layer.weight, `${name} weight`, fail);
    checkValues(layer.bias, `${name} bias`, fail);
  });
}

/** A convolution layer 0: a 28×28 image, kernel² inputs, at most 64 channels (the `conv` parameter's range). */
function checkConv(layer: LayerParams, fail: (what: string) => never): void {
  const g = layer.conv as unknown;
  if (!isPlainObject(g)) return fail(`layer 0 conv must be an object { height, width, kernel, stride }, got ${describe(g)}`);
  if (g.height !== IMAGE_SIDE || g.width !== IMAGE_SIDE) fail(`layer 0 conv must read the ${IMAGE_SIDE}×${IMAGE_SIDE} image, got ${describe(g.height)}×${describe(g.width)}`);
  for (const key of ['kernel', 'stride']) {
    const v = g[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > IMAGE_SIDE) fail(`layer 0 conv ${key} must be an integer from 1 to ${IMAGE_SIDE}, got ${describe(v)}`);
  }
  const kernel = g.kernel as number;
  if (layer.inFeatures !== kernel * kernel) fail(`layer 0 is a ${kernel}×${kernel} convolution, so inFeatures must be ${kernel * kernel}, got ${layer.inFeatures}`);
  if (layer.outFeatures > 64) fail(`layer 0 is a convolution with ${layer.outFeatures} channels; at most 64 are allowed`);
}

function checkValues(values: Float32Array, what: string, fail: (what: string) => never): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) fail(`${what}[${i}] is ${v}; only finite numbers are allowed`);
    if (Math.abs(v) > CORRUPT_VALUE_LIMIT) fail(`${what}[${i}] is ${v}; |value| > ${CORRUPT_VALUE_LIMIT} means the file is corrupt`);
  }
}

/** The DESIGN.md rule for mock parameters: finite, 0 < gain ≤ 1, noiseStd ≥ 0. */
function checkMock(mock: unknown, where: string): asserts mock is MockParameter {
  if (typeof mock !== 'object' || mock === null) throw new Error(`${where}: mock must be an object { noiseStd, gain }`);
  const { noiseStd, gain } = mock as Record<string, unknown>;
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain <= 0 || gain > 1) {
    throw new Error(`${where}: mock gain must be a number greater than 0 and at most 1, got ${JSON.stringify(gain) ?? String(gain)}`);
  }
  if (typeof noiseStd !== 'number' || !Number.isFinite(noiseStd) || noiseStd < 0) {
    throw new Error(`${where}: mock noiseStd must be a finite number ≥ 0, got ${JSON.stringify(noiseStd) ?? String(noiseStd)}`);
  }
}

/** The architecture parameters a model implies (with a convolution: also its channels, kernel and stride). */
function architectureOf(model: HagenModel): Partial<Pick<ParamValues, 'backend' | 'hidden' | 'layers' | 'shift' | 'conv' | 'convKernel' | 'convStride'>> {
  const conv = model.layers[0].conv;
  if (conv) {
    return { backend: model.backend, hidden: model.layers[1].outFeatures, layers: model.layers.length - 2, shift: model.shift,
      conv: model.layers[0].outFeatures, convKernel: conv.kernel, convStride: conv.stride };
  }
  return { backend: model.backend, hidden: model.layers[0].outFeatures, layers: model.layers.length - 1, shift: model.shift, conv: 0 };
}

function checkParamsAgree(model: HagenModel, params: Partial<ParamValues>, where: string): void {
  const implied = architectureOf(model);
  for (const key of Object.keys(implied) as (keyof typeof implied)[]) {
    if (params[key] !== undefined && params[key] !== implied[key]) {
      throw new Error(`${where}: parameter ${key} is ${JSON.stringify(params[key])} but the model has ${key} = ${JSON.stringify(implied[key])}`);
    }
  }
}

/**
 * The JSON text of a model file. Refuses (with an Error) a model or parameters that could not be
 * loaded back, so every saved file is loadable.
 */
export function serializeModelFile(model: HagenModel, params: ParamValues, savedAt: Date = new Date()): string {
  checkModel(model, 'cannot save model');
  for (const spec of PARAMS) validateParam(spec.name, params[spec.name]);
  checkParamsAgree(model, params, 'cannot save model');
  const orderedParams = Object.fromEntries(PARAMS.map((spec) => [spec.name, params[spec.name]]));
  return JSON.stringify({
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    savedAt: savedAt.toISOString(),
    params: orderedParams,
    model: {
      backend: model.backend,
      shift: model.shift,
      mock: { noiseStd: model.mock.noiseStd, gain: model.mock.gain },
      layers: model.layers.map((layer) => ({
        inFeatures: layer.inFeatures,
        outFeatures: layer.outFeatures,
        numSends: layer.numSends,
        weight: float32ToBase64(layer.weight),
        bias: float32ToBase64(layer.bias),
        ...(layer.conv ? { conv: { height: layer.conv.height, width: layer.conv.width, kernel: layer.conv.kernel, stride: layer.conv.stride } } : {}),
      })),
    },
  });
}

/** A file name that says what is inside: ziffern-mock-784-256-256-10.json */
export function suggestedModelFileName(model: HagenModel): string {
  const first = model.layers[0];
  if (first?.conv) {
    // ziffern-mock-conv20k10s5-128-10.json
    return `ziffern-${model.backend}-conv${first.outFeatures}k${first.conv.kernel}s${first.conv.stride}-${model.layers.slice(1).map((l) => l.outFeatures).join('-')}.json`;
  }
  const widths = [first?.inFeatures ?? MODEL_INPUTS, ...model.layers.map((l) => l.outFeatures)];
  return `ziffern-${model.backend}-${widths.join('-')}.json`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 30 ? value.slice(0, 30) + '…' : value);
  return typeof value === 'object' ? 'an object' : String(value);
}

function readLayer(raw: unknown, index: number, where: string): LayerParams {
  const name = `layer ${index}`;
  if (!isPlainObject(raw)) throw new Error(`${where}: ${name} must be an object, got ${describe(raw)}`);
  const numbers: Record<string, number> = {};
  for (const key of ['inFeatures', 'outFeatures', 'numSends']) {
    const value = raw[key];
    if (typeof value !== 'number') throw new Error(`${where}: ${name} ${key} must be a number, got ${describe(value)}`);
    numbers[key] = value;
  }
  const layer: LayerParams = {
    inFeatures: numbers.inFeatures,
    outFeatures: numbers.outFeatures,
    numSends: numbers.numSends,
    weight: base64ToFloat32(raw.weight as string, `${where}: ${name} weight`),
    bias: base64ToFloat32(raw.bias as string, `${where}: ${name} bias`),
  };
  if (raw.conv !== undefined) {
    const g = raw.conv;
    // checked by checkModel (shape, range); copied field by field so nothing else rides along
    layer.conv = isPlainObject(g) ? { height: g.height as number, width: g.width as number, kernel: g.kernel as number, stride: g.stride as number } : g as never;
  }
  return layer;
}

function readParams(raw: unknown, model: HagenModel, where: string, warnings: string[]): ParamValues {
  if (!isPlainObject(raw)) throw new Error(`${where}: params must be an object of parameter values, got ${describe(raw)}`);
  const given: Partial<Record<ParamName, unknown>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!isParamName(key)) {
      warnings.push(`${where}: ignored unknown parameter ${JSON.stringify(key.slice(0, 40))}`);
      continue;
    }
    try {
      given[key] = validateParam(key, value);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }
  checkParamsAgree(model, given as Partial<ParamValues>, where);
  const implied = architectureOf(model);
  const defaults = defaultParams();
  // Parameters added after format version 1 was first written: a file from before them was trained with what their
  // defaults (or the model's own architecture) say, so filling them in is exact and needs no warning.
  const missing = PARAMS.map((p) => p.name).filter((name) => given[name] === undefined && !PARAMS_ADDED_LATER.includes(name));
  if (missing.length > 0) warnings.push(`${where}: parameters missing from the file, filled in: ${missing.join(', ')}`);
  return { ...defaults, ...implied, ...(given as Partial<ParamValues>) };
}

/** Parameters newer than the first files of format version 1 (issue 12): absent in those files, implied exactly. */
const PARAMS_ADDED_LATER: readonly ParamName[] = ['preset', 'conv', 'convKernel', 'convStride', 'lrSchedule'];

/**
 * Parse and validate a model file. Every problem throws an Error whose message starts with the
 * file name and says what is wrong (expected vs got).
 */
export function parseModelFile(text: string, fileName: string): LoadedModelFile {
  const where = `model file "${fileName}"`;
  if (typeof text !== 'string') throw new Error(`${where}: expected text, got ${typeof text}`);
  if (text.length > MAX_MODEL_FILE_CHARS) throw new Error(`${where}: ${text.length} characters is larger than any model ziffern writes (at most ${MAX_MODEL_FILE_CHARS})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (truncated or not a model file?): ${(error as Error).message}`);
  }
  if (!isPlainObject(json)) throw new Error(`${where}: expected a JSON object, got ${describe(json)}`);
  if (json.format !== MODEL_FILE_FORMAT) throw new Error(`${where}: format must be "${MODEL_FILE_FORMAT}", got ${describe(json.format)}`);
  if (typeof json.version === 'number' && Number.isInteger(json.version) && json.version > MODEL_FILE_VERSION) {
    // A public format: every later ziffern reads this version (tests/fixtures/model-v*.json); an older one says what is needed.
    throw new Error(`${where}: format version ${json.version} is not supported: it was written by a newer ziffern; this ziffern reads ${READABLE_VERSIONS} (update ziffern to load it)`);
  }
  if (json.version !== MODEL_FILE_VERSION) {
    throw new Error(`${where}: format version ${describe(json.version)} is not supported; this ziffern reads ${READABLE_VERSIONS}`);
  }
  const savedAt = typeof json.savedAt === 'string' && !Number.isNaN(Date.parse(json.savedAt)) ? json.savedAt : null;
  const rawModel = json.model;
  if (!isPlainObject(rawModel)) throw new Error(`${where}: model must be an object, got ${describe(rawModel)}`);
  if (!Array.isArray(rawModel.layers)) throw new Error(`${where}: model layers must be an array, got ${describe(rawModel.layers)}`);
  if (rawModel.layers.length < 2 || rawModel.layers.length > 6) {
    throw new Error(`${where}: the model must have 2 to 5 layers (1 to 4 hidden), plus a convolution in front if it has one; got ${rawModel.layers.length}`);
  }
  if (typeof rawModel.backend !== 'string' || !(HAGEN_BACKENDS as readonly string[]).includes(rawModel.backend)) {
    throw new Error(`${where}: backend must be one of ${HAGEN_BACKENDS.join(', ')}, got ${describe(rawModel.backend)}`);
  }
  if (typeof rawModel.shift !== 'number') throw new Error(`${where}: shift must be a number, got ${describe(rawModel.shift)}`);
  checkMock(rawModel.mock, where);
  const model: HagenModel = {
    backend: rawModel.backend as HagenBackend,
    shift: rawModel.shift,
    mock: { noiseStd: rawModel.mock.noiseStd, gain: rawModel.mock.gain },
    layers: rawModel.layers.map((layer, i) => readLayer(layer, i, where)),
  };
  checkModel(model, where);
  const warnings: string[] = [];
  const params = readParams(json.params, model, where, warnings);
  return { model, params, warnings, savedAt };
}

/** A file the reader chose (the page's upload: a File), read only after its size is checked, then parsed. */
export async function readModelUpload(file: { name: string; size: number; text(): Promise<string> }): Promise<LoadedModelFile> {
  checkModelFileSize(file.size, file.name);
  return parseModelFile(await file.text(), file.name);
}
