import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAMS, defaultParams, validateParam, type ParamSpec, type ParamValues } from '../../lib/params';
import { VIEW_SECTIONS, paramsFromSearch, searchFromParams, viewOptionsFromSearch } from '../../lib/state/url';
import { fuzzOptions } from './mutate';

const nastyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 10, unit: 'binary' }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'NaN', '1e999', '-1e999', '-0', 'Infinity', '0x1F',
    'true', '1', '0', '', ' ', 'mock', 'ideal', 'constructor', '__proto__', 'toString', '%', '%zz', '1'.repeat(500)),
);
const key = fc.oneof(fc.constantFrom(...PARAMS.map((p) => p.name), 'hide', 'prose'), fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor'));
const hideValue = fc.array(fc.oneof(fc.constantFrom(...PARAMS.map((p) => p.name), ...VIEW_SECTIONS), fc.string({ maxLength: 8 })), { maxLength: 6 }).map((items) => items.join(','));

/** Query strings built of plausible keys with hostile values, written encoded or raw. */
const query = fc.tuple(fc.array(fc.tuple(key, fc.oneof(nastyValue, hideValue)), { maxLength: 8 }), fc.boolean()).map(([pairs, encode]) =>
  '?' + pairs.map(([k, v]) => (encode ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&'));

function checkParams(search: string): void {
  const result = paramsFromSearch(search);
  for (const [name, value] of Object.entries(result.values)) {
    expect(() => validateParam(name, value)).not.toThrow();
    expect(Object.is(value, -0)).toBe(false);
  }
  for (const entry of result.rejected) {
    expect(typeof entry.name).toBe('string');
    expect(typeof entry.raw).toBe('string');
    expect(entry.raw.length).toBeLessThanOrEqual(41);
    expect(entry.reason.length).toBeGreaterThan(0);
  }
  for (const entry of result.ignored) expect(entry.name.length).toBeLessThanOrEqual(41);
  const view = viewOptionsFromSearch(search);
  expect(typeof view.view.prose).toBe('boolean');
  for (const name of view.view.hide.params) expect(PARAMS.some((p) => p.name === name)).toBe(true);
  for (const name of view.view.hide.sections) expect(VIEW_SECTIONS).toContain(name);
}

/** Any value the table allows, per parameter kind. */
function validValue(spec: ParamSpec): fc.Arbitrary<number | string | boolean | readonly number[]> {
  switch (spec.kind) {
    case 'int':
      return fc.integer({ min: spec.min, max: spec.max });
    case 'number':
      return fc.double({ min: spec.min, max: spec.max, noNaN: true, minExcluded: spec.minExclusive ?? false }).map((x) => (Object.is(x, -0) ? 0 : x));
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'boolean':
      return fc.boolean();
    case 'intList':
      return fc.uniqueArray(fc.integer({ min: spec.min, max: spec.max }), { minLength: 1, maxLength: spec.maxLength }).map((items) => items.sort((a, b) => a - b));
  }
}
const validParams = fc.record(Object.fromEntries(PARAMS.map((p) => [p.name, validValue(p as ParamSpec)]))) as unknown as fc.Arbitrary<ParamValues>;

describe('fuzz: lib/state/url', () => {
  it('arbitrary text never throws and only yields valid typed values', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 60, unit: 'binary' })), checkParams), fuzzOptions(1500));
  });

  it('hostile query strings never throw and only yield valid typed values', () => {
    fc.assert(fc.property(query, checkParams), fuzzOptions(1500));
  });

  it('every valid parameter set survives a trip through the URL', () => {
    const defaults = defaultParams();
    fc.assert(
      fc.property(validParams, (values) => {
        const back = paramsFromSearch(searchFromParams(values, defaults));
        expect(back.rejected).toEqual([]);
        expect(back.ignored).toEqual([]);
        expect({ ...defaults, ...back.values }).toEqual(values);
      }),
      fuzzOptions(1000),
    );
  });
});
