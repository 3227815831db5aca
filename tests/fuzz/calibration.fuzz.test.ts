import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCalibration, serializeCalibration, type Calibration } from '../../lib/chip/calibration';
import { applyJsonMutation, applyTextMutations, fuzzOptions, jsonMutation, resultOrNamedError, textMutation } from './mutate';

// The shipped nightly calibration is the seed document every mutation starts from.
const text = readFileSync(fileURLToPath(new URL('../../notebook/calibration/nightly-chip1.json', import.meta.url)), 'utf8');
const json = JSON.parse(text);
const PREFIX = /^calibration file (refused: |is not valid JSON)/;

/** Anything accepted must be a calibration the writer accepts and that reads back the same. */
function checkLoaded(calibration: Calibration | null): void {
  if (!calibration) return;
  expect(parseCalibration(serializeCalibration(calibration))).toEqual(calibration);
}

describe('fuzz: lib/chip/calibration parseCalibration', () => {
  it('the seed document is accepted', () => {
    checkLoaded(parseCalibration(text, 1));
  });

  it('text mutations: a valid calibration or an Error saying the file was refused', () => {
    fc.assert(
      fc.property(fc.array(textMutation, { minLength: 1, maxLength: 3 }), fc.option(fc.nat(3)), (mutations, chipId) => {
        checkLoaded(resultOrNamedError(() => parseCalibration(applyTextMutations(text, mutations), chipId ?? undefined), PREFIX));
      }),
      fuzzOptions(300),
    );
  });

  it('structural JSON mutations: a valid calibration or an Error saying the file was refused', () => {
    fc.assert(
      fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 2 }), (mutations) => {
        const mutated = mutations.reduce((doc, m) => applyJsonMutation(doc, m), json);
        checkLoaded(resultOrNamedError(() => parseCalibration(JSON.stringify(mutated) ?? 'undefined'), PREFIX));
      }),
      fuzzOptions(200),
    );
  });

  it('arbitrary JSON values: an Error saying the file was refused', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        checkLoaded(resultOrNamedError(() => parseCalibration(JSON.stringify(value) ?? 'undefined'), PREFIX));
      }),
      fuzzOptions(500),
    );
  });
});
