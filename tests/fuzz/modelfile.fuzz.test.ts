import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/params';
import { Rng } from '../../lib/random';
import { float32ToBase64 } from '../../lib/modelfile/base64';
import type { HagenModel } from '../../lib/modelfile/hagenTypes';
import { parseModelFile, serializeModelFile, type LoadedModelFile } from '../../lib/modelfile/modelFile';
import { applyJsonMutation, applyTextMutations, fuzzOptions, jsonMutation, resultOrNamedError, textMutation } from './mutate';

/** The smallest model the format allows (784-2-10) keeps each parse cheap. */
function smallModel(): HagenModel {
  const rng = new Rng(5);
  const layer = (inFeatures: number, outFeatures: number, numSends: number) => ({
    inFeatures, outFeatures, numSends,
    weight: rng.fillNormal(new Float32Array(inFeatures * outFeatures), 17),
    bias: rng.fillNormal(new Float32Array(outFeatures), 0.1),
  });
  return { backend: 'mock', shift: 1, mock: { noiseStd: 2, gain: 0.002 }, layers: [layer(784, 2, 3), layer(2, 10, 1)] };
}
const model = smallModel();
const params = { ...defaultParams(), hidden: 2, layers: 1 };
const text = serializeModelFile(model, params, new Date('2024-01-01T00:00:00Z'));
const json = JSON.parse(text);
const PREFIX = 'model file "fuzz.json": ';

/** Anything accepted must be a model the writer accepts too (shapes, ranges, params all consistent). */
function checkLoaded(loaded: LoadedModelFile | null): void {
  if (!loaded) return;
  expect(() => serializeModelFile(loaded.model, loaded.params)).not.toThrow();
  for (const warning of loaded.warnings) expect(warning.startsWith(PREFIX)).toBe(true);
}

describe('fuzz: lib/modelfile parseModelFile', () => {
  it('text mutations (truncation, junk, deletions): a valid model or an Error naming the file', () => {
    fc.assert(
      fc.property(fc.array(textMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        checkLoaded(resultOrNamedError(() => parseModelFile(applyTextMutations(text, mutations), 'fuzz.json'), PREFIX));
      }),
      fuzzOptions(400),
    );
  });

  it('structural JSON mutations: a valid model or an Error naming the file', () => {
    fc.assert(
      fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const mutated = mutations.reduce((doc, m) => applyJsonMutation(doc, m), json);
        checkLoaded(resultOrNamedError(() => parseModelFile(JSON.stringify(mutated), 'fuzz.json'), PREFIX));
      }),
      fuzzOptions(700),
    );
  });

  it('weights with random bit patterns (NaN, ±Infinity, huge, tiny): a valid model or an Error naming the file', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(19), fc.integer()), { minLength: 1, maxLength: 4 }), fc.boolean(), (edits, inBias) => {
        const doc = structuredClone(json);
        const values = new Float32Array(20);
        const bits = new Int32Array(values.buffer);
        for (const [i, pattern] of edits) bits[i] = pattern;
        doc.model.layers[1][inBias ? 'bias' : 'weight'] = float32ToBase64(inBias ? values.subarray(0, 10) : values);
        checkLoaded(resultOrNamedError(() => parseModelFile(JSON.stringify(doc), 'fuzz.json'), PREFIX));
      }),
      fuzzOptions(500),
    );
  });

  it('arbitrary JSON values: an Error naming the file', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        checkLoaded(resultOrNamedError(() => parseModelFile(JSON.stringify(value) ?? 'undefined', 'fuzz.json'), PREFIX));
      }),
      fuzzOptions(1000),
    );
  });
});
