import { describe, expect, it } from 'vitest';
import { defaultParams, type ParamValues } from '../../lib/params';
import { Rng } from '../../lib/random';
import { base64ToBytes, base64ToFloat32, bytesToBase64, float32ToBase64 } from '../../lib/modelfile/base64';
import type { HagenModel } from '../../lib/modelfile/hagenTypes';
import { buildModel } from '../../lib/hagen/model';
import { predict } from '../../lib/hagen/predict';
import {
  MODEL_FILE_FORMAT,
  parseModelFile,
  serializeModelFile,
  suggestedModelFileName,
} from '../../lib/modelfile/modelFile';

function randomModel(hidden: number, hiddenLayers: number, seed = 1): HagenModel {
  const rng = new Rng(seed);
  const widths = [784, ...Array(hiddenLayers).fill(hidden), 10];
  return {
    backend: 'mock',
    shift: 1,
    mock: { noiseStd: 2, gain: 0.002 },
    layers: widths.slice(1).map((out, i) => ({
      inFeatures: widths[i],
      outFeatures: out,
      numSends: i === 0 ? 3 : 5,
      weight: rng.fillNormal(new Float32Array(out * widths[i]), 17),
      bias: rng.fillNormal(new Float32Array(out), 0.05),
    })),
  };
}

function paramsFor(model: HagenModel, extra: Partial<ParamValues> = {}): ParamValues {
  return { ...defaultParams(), hidden: model.layers[0].outFeatures, layers: model.layers.length - 1, shift: model.shift, backend: model.backend, ...extra };
}

/** Serialise, let `mutate` damage the parsed JSON, and return the text again. */
function damaged(mutate: (json: any) => void, model = randomModel(8, 1)): string {
  const json = JSON.parse(serializeModelFile(model, paramsFor(model)));
  mutate(json);
  return JSON.stringify(json);
}

describe('base64', () => {
  it('round-trips bytes of every length mod 3 and matches Node’s encoder', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text, 'x')).toEqual(bytes);
    }
  });

  it('encodes float32 little-endian, exactly', () => {
    const values = new Float32Array([1, -0, 63.5, 1e-30, -7.25]);
    const text = float32ToBase64(values);
    expect(Buffer.from(text, 'base64').readFloatLE(0)).toBe(1);
    expect(Array.from(base64ToFloat32(text, 'x'))).toEqual(Array.from(values));
  });

  it.each([
    ['AAA', /multiple of 4/],
    ['AA=A', /unexpected character/],
    ['A$AA', /unexpected character/],
    ['AAAAA===', /unexpected character/],
    ['AAé=', /unexpected character/],
  ])('rejects %j', (text, message) => {
    expect(() => base64ToBytes(text, 'field')).toThrow(message);
  });

  it('rejects a byte count that is not whole floats', () => {
    expect(() => base64ToFloat32('AAA=', 'layer 0 weight')).toThrow(/layer 0 weight holds 2 bytes/);
  });
});

describe('model file', () => {
  it('round-trips a 784-256-256-10 model exactly, with its parameters', () => {
    const model = randomModel(256, 2);
    const params = paramsFor(model, { lr: 0.1, seed: 42, augment: 'mild' });
    const savedAt = new Date('2024-05-01T12:00:00Z');
    const text = serializeModelFile(model, params, savedAt);
    const loaded = parseModelFile(text, 'm.json');
    expect(loaded.params).toEqual(params);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.savedAt).toBe(savedAt.toISOString());
    expect(loaded.model.backend).toBe('mock');
    expect(loaded.model.mock).toEqual(model.mock);
    loaded.model.layers.forEach((layer, i) => {
      expect(layer.weight).toEqual(model.layers[i].weight);
      expect(layer.bias).toEqual(model.layers[i].bias);
      expect(layer.numSends).toBe(model.layers[i].numSends);
    });
    // base64 float32 keeps it compact: ≈ 5.4 characters per value.
    const values = 784 * 256 + 256 * 256 + 256 * 10;
    expect(text.length).toBeLessThan(values * 5.5);
  });

  it('round-trips a model from lib/hagen buildModel so that it predicts exactly the same', () => {
    const model = buildModel({ hidden: 32, layers: 2, shift: 2 }, { backend: 'ideal', mock: { noiseStd: 1.5, gain: 0.0018 }, seed: 9 });
    const loaded = parseModelFile(serializeModelFile(model, paramsFor(model)), 'built.json');
    expect(loaded.model.layers.map((l) => l.numSends)).toEqual(model.layers.map((l) => l.numSends));
    const image = new Float32Array(784).map((_, i) => (i % 7 === 0 ? 1 : 0));
    expect(predict(loaded.model, image, null)).toEqual(predict(model, image, null));
  });

  it('round-trips a model with a convolution in front (layer 0 "conv") so that it predicts exactly the same', () => {
    const model = buildModel({ hidden: 32, layers: 1, shift: 1, conv: 6, convKernel: 10, convStride: 5 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 4 });
    const params = { ...paramsFor(model), hidden: 32, layers: 1, conv: 6, convKernel: 10, convStride: 5 };
    const text = serializeModelFile(model, params);
    const loaded = parseModelFile(text, 'conv.json');
    expect(loaded.model.layers[0].conv).toEqual({ height: 28, width: 28, kernel: 10, stride: 5 });
    expect(loaded.params).toMatchObject({ conv: 6, convKernel: 10, convStride: 5, hidden: 32, layers: 1 });
    const image = new Float32Array(784).map((_, i) => (i % 5 === 0 ? 1 : 0));
    expect(predict(loaded.model, image, null)).toEqual(predict(model, image, null));
    expect(suggestedModelFileName(model)).toBe('ziffern-mock-conv6k10s5-32-10.json');
    // parameters that disagree with the model, and a damaged geometry, are refused with what is wrong
    expect(() => parseModelFile(serializeModelFile(model, params).replace('"conv":6', '"conv":7'), 'c.json')).toThrow(/parameter conv is 7 but the model has conv = 6/);
    const json = JSON.parse(text);
    json.model.layers[0].conv.kernel = 9;
    expect(() => parseModelFile(JSON.stringify(json), 'c.json')).toThrow(/9×9 convolution, so inFeatures must be 81, got 100/);
    // an old file (no conv anywhere) still loads, with conv = 0 implied
    const old = JSON.parse(serializeModelFile(randomModel(8, 1), paramsFor(randomModel(8, 1))));
    delete old.params.conv; delete old.params.convKernel; delete old.params.convStride; delete old.params.preset;
    expect(parseModelFile(JSON.stringify(old), 'old.json').params.conv).toBe(0);
  });

  it('keeps weights between ±63 and ±1000 (forward clamps them) and names a 4-layer model by its widths', () => {
    const model = randomModel(4, 3);
    model.layers[1].weight[0] = 900;
    model.layers[1].weight[1] = -64;
    const loaded = parseModelFile(serializeModelFile(model, paramsFor(model)), 'big.json');
    expect(loaded.model.layers[1].weight[0]).toBe(900);
    expect(suggestedModelFileName(model)).toBe('ziffern-mock-784-4-4-4-10.json');
  });

  it('fills missing parameters (architecture from the model) and warns about unknown ones', () => {
    const text = damaged((json) => {
      json.params = { lr: 0.5, futureKnob: 3 };
    }, randomModel(16, 2));
    const loaded = parseModelFile(text, 'old.json');
    expect(loaded.params).toEqual({ ...defaultParams(), lr: 0.5, hidden: 16, layers: 2, shift: 1, backend: 'mock' });
    expect(loaded.warnings.join('\n')).toMatch(/old\.json.*unknown parameter "futureKnob"/);
    expect(loaded.warnings.join('\n')).toMatch(/missing.*hidden/);
  });

  const cases: [string, (json: any) => void, RegExp][] = [
    ['wrong format', (j) => { j.format = 'keras'; }, /format must be "ziffern-model", got "keras"/],
    ['wrong version', (j) => { j.version = 2; }, /version 2 is not supported/],
    ['missing version', (j) => { delete j.version; }, /version undefined is not supported/],
    ['model not an object', (j) => { j.model = [1]; }, /model must be an object, got an array/],
    ['layers not an array', (j) => { j.model.layers = {}; }, /layers must be an array/],
    ['one layer', (j) => { j.model.layers.length = 1; }, /2 to 5 layers/],
    ['six layers', (j) => { j.model.layers = Array(6).fill(j.model.layers[0]); }, /2 to 5 layers/],
    ['bad backend', (j) => { j.model.backend = 'gpu'; }, /backend must be one of mock, ideal, chip, got "gpu"/],
    ['bad shift', (j) => { j.model.shift = 9; }, /shift must be an integer from 0 to 4, got 9/],
    ['shift as text', (j) => { j.model.shift = '1'; }, /shift must be a number, got "1"/],
    ['mock missing', (j) => { delete j.model.mock; }, /mock must be an object/],
    ['gain zero', (j) => { j.model.mock.gain = 0; }, /gain must be a number greater than 0 and at most 1, got 0/],
    ['gain above one', (j) => { j.model.mock.gain = 1.5; }, /gain .* got 1.5/],
    ['negative noise', (j) => { j.model.mock.noiseStd = -1; }, /noiseStd must be a finite number ≥ 0, got -1/],
    ['noise null', (j) => { j.model.mock.noiseStd = null; }, /noiseStd .* got null/],
    ['numSends zero', (j) => { j.model.layers[0].numSends = 0; }, /layer 0 numSends must be an integer ≥ 1, got 0/],
    ['numSends fractional', (j) => { j.model.layers[1].numSends = 2.5; }, /layer 1 numSends .* got 2.5/],
    ['numSends text', (j) => { j.model.layers[1].numSends = '2'; }, /layer 1 numSends must be a number/],
    ['first layer not 784 inputs', (j) => { j.model.layers[0].inFeatures = 783; }, /layer 0 must take 784 inputs/],
    ['chain mismatch', (j) => { j.model.layers[1].inFeatures = 9; }, /layer 1 takes 9 inputs but layer 0 gives 8 outputs/],
    ['last layer not 10 outputs', (j) => { j.model.layers[1].outFeatures = 11; }, /last layer must give 10 outputs/],
    ['weight length', (j) => { j.model.layers[0].weight = float32ToBase64(new Float32Array(784 * 8 - 1)); }, /layer 0 weight has 6271 values, expected 8×784 = 6272/],
    ['bias length', (j) => { j.model.layers[1].bias = float32ToBase64(new Float32Array(3)); }, /layer 1 bias has 3 values, expected 10/],
    ['truncated weight base64', (j) => { j.model.layers[0].weight = j.model.layers[0].weight.slice(0, -3); }, /layer 0 weight is not valid base64/],
    ['weight as array', (j) => { j.model.layers[0].weight = [1, 2]; }, /layer 0 weight must be a base64 string, got object/],
    ['NaN weight', (j) => { j.model.layers[0].weight = float32ToBase64(new Float32Array(784 * 8).fill(Number.NaN)); }, /layer 0 weight\[0\] is NaN/],
    ['infinite bias', (j) => { j.model.layers[1].bias = float32ToBase64(new Float32Array(10).fill(Infinity)); }, /layer 1 bias\[0\] is Infinity/],
    ['corrupt weight', (j) => { const w = new Float32Array(80); w[5] = 1e6; j.model.layers[1].weight = float32ToBase64(w); }, /layer 1 weight\[5\] is 1000000; \|value\| > 1000/],
    ['params not an object', (j) => { j.params = 'x'; }, /params must be an object/],
    ['bad param value', (j) => { j.params.lr = -1; }, /invalid value -1 for "lr"/],
    ['params disagree with model', (j) => { j.params.hidden = 256; }, /parameter hidden is 256 but the model has hidden = 8/],
    ['params disagree on backend', (j) => { j.params.backend = 'ideal'; }, /parameter backend is "ideal" but the model has backend = "mock"/],
  ];
  it.each(cases)('refuses %s, naming the file', (_name, mutate, message) => {
    const text = damaged(mutate);
    expect(() => parseModelFile(text, 'bad-model.json')).toThrow(/^model file "bad-model\.json": /);
    expect(() => parseModelFile(text, 'bad-model.json')).toThrow(message);
  });

  it('refuses unequal hidden widths', () => {
    const model = randomModel(8, 2);
    const text = damaged((j) => {
      j.model.layers[1].outFeatures = 4;
      j.model.layers[1].weight = float32ToBase64(new Float32Array(32));
      j.model.layers[1].bias = float32ToBase64(new Float32Array(4));
      j.model.layers[2].inFeatures = 4;
      j.model.layers[2].weight = float32ToBase64(new Float32Array(40));
    }, model);
    expect(() => parseModelFile(text, 'w.json')).toThrow(/same width.*layer 0 has 8, layer 1 has 4/);
  });

  it('refuses truncated JSON, other JSON and non-JSON text', () => {
    const text = serializeModelFile(randomModel(8, 1), paramsFor(randomModel(8, 1)));
    expect(() => parseModelFile(text.slice(0, text.length / 2), 'cut.json')).toThrow(/^model file "cut\.json": not valid JSON/);
    expect(() => parseModelFile('', 'empty.json')).toThrow(/not valid JSON/);
    expect(() => parseModelFile('[1,2]', 'a.json')).toThrow(/expected a JSON object, got an array/);
    expect(() => parseModelFile('null', 'n.json')).toThrow(/expected a JSON object, got null/);
    expect(() => parseModelFile(JSON.stringify({ format: MODEL_FILE_FORMAT }), 'v.json')).toThrow(/version/);
  });

  it('refuses to save a model that could not be loaded back', () => {
    const model = randomModel(8, 1);
    expect(() => serializeModelFile(model, paramsFor(model, { hidden: 9 }))).toThrow(/cannot save model: parameter hidden is 9/);
    model.layers[0].weight[3] = Number.NaN;
    expect(() => serializeModelFile(model, paramsFor(model))).toThrow(/cannot save model: layer 0 weight\[3\] is NaN/);
  });
});
