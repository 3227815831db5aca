import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/params';
import {
  MAX_SEARCH_LENGTH,
  MAX_VALUE_LENGTH,
  defaultViewOptions,
  paramsFromSearch,
  searchFromParams,
  viewOptionsFromSearch,
} from '../../lib/state/url';

describe('paramsFromSearch', () => {
  it('parses typed values from "?…", bare and full-URL forms', () => {
    for (const search of ['?hidden=64&lr=0.5&backend=ideal&preprocess=0', 'hidden=64&lr=0.5&backend=ideal&preprocess=0',
      'https://example.org/ziffern/?hidden=64&lr=0.5&backend=ideal&preprocess=0#training']) {
      const result = paramsFromSearch(search);
      expect(result.values).toEqual({ hidden: 64, lr: 0.5, backend: 'ideal', preprocess: false });
      expect(result.rejected).toEqual([]);
      expect(result.ignored).toEqual([]);
    }
  });

  it('accepts exponent notation and surrounding spaces (URL-encoded)', () => {
    expect(paramsFromSearch('?gain=2e-3&epochs=%2010%20').values).toEqual({ gain: 0.002, epochs: 10 });
  });

  it('keeps a literal "?" inside a value of a bare query, and reads paths with a query', () => {
    expect(paramsFromSearch('backend=ideal&note=why?&hidden=8').values).toEqual({ backend: 'ideal', hidden: 8 });
    expect(paramsFromSearch('/ziffern/index.html?hidden=8#data').values).toEqual({ hidden: 8 });
    expect(paramsFromSearch('https://example.org/ziffern/').values).toEqual({});
  });

  it('returns nothing for an empty query', () => {
    expect(paramsFromSearch('')).toEqual({ values: {}, rejected: [], ignored: [] });
    expect(paramsFromSearch('?')).toEqual({ values: {}, rejected: [], ignored: [] });
  });

  it('ignores unknown keys and view keys, reporting unknown keys separately', () => {
    const result = paramsFromSearch('?utm_source=mail&hidden=32&hide=data&prose=0');
    expect(result.values).toEqual({ hidden: 32 });
    expect(result.ignored).toEqual([{ name: 'utm_source', reason: 'unknown parameter' }]);
    expect(result.rejected).toEqual([]);
  });

  it.each([
    ['hidden', '<script>alert(1)</script>'],
    ['backend', '<script>alert(1)</script>'],
    ['backend', '<img src=x onerror=alert(1)>'],
    ['lr', '1e999'],
    ['lr', 'Infinity'],
    ['lr', 'NaN'],
    ['noise', '-1'],
    ['hidden', '0'],
    ['hidden', '1025'],
    ['hidden', '2.5'],
    ['seed', '99999999999999999999999'],
    ['seed', '0x10'],
    ['epochs', '12abc'],
    ['epochs', ''],
    ['gain', '0'],
    ['preprocess', 'yes'],
    ['augment', 'CROP'],
    ['backend', 'constructor'],
    ['backend', '__proto__'],
  ])('rejects %s=%s with a reason naming the parameter', (name, raw) => {
    const result = paramsFromSearch(`?${name}=${encodeURIComponent(raw)}`);
    expect(result.values).toEqual({});
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].name).toBe(name);
    expect(result.rejected[0].reason).toContain(`"${name}"`);
    expect(result.rejected[0].reason).toMatch(/allowed is/);
  });

  it('keeps the good values when others are bad', () => {
    const result = paramsFromSearch('?hidden=abc&epochs=3');
    expect(result.values).toEqual({ epochs: 3 });
    expect(result.rejected.map((r) => r.name)).toEqual(['hidden']);
  });

  it('turns -0 into 0', () => {
    const value = paramsFromSearch('?seed=-0').values.seed;
    expect(Object.is(value, 0)).toBe(true);
  });

  it('rejects very long values without parsing them, and shortens what it shows', () => {
    const long = '1'.repeat(MAX_VALUE_LENGTH + 1);
    const result = paramsFromSearch(`?seed=${long}`);
    expect(result.values).toEqual({});
    expect(result.rejected[0].reason).toMatch(/characters long/);
    expect(result.rejected[0].raw.length).toBeLessThan(50);
  });

  it('refuses a query string longer than MAX_SEARCH_LENGTH as a whole', () => {
    const search = '?hidden=32&junk=' + 'x'.repeat(MAX_SEARCH_LENGTH);
    const result = paramsFromSearch(search);
    expect(result.values).toEqual({});
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].reason).toMatch(/query string/);
  });

  it('shortens very long unknown key names', () => {
    const result = paramsFromSearch(`?${'k'.repeat(500)}=1`);
    expect(result.ignored[0].name.length).toBeLessThan(50);
  });

  it('lets the last of repeated keys win and reports the earlier ones', () => {
    const result = paramsFromSearch('?hidden=8&hidden=16&hidden=32');
    expect(result.values).toEqual({ hidden: 32 });
    expect(result.ignored).toEqual([
      { name: 'hidden', reason: 'repeated key: the last occurrence wins' },
      { name: 'hidden', reason: 'repeated key: the last occurrence wins' },
    ]);
  });

  it('a bad last occurrence is rejected rather than falling back to an earlier good one', () => {
    const result = paramsFromSearch('?hidden=8&hidden=oops');
    expect(result.values).toEqual({});
    expect(result.rejected.map((r) => r.raw)).toEqual(['oops']);
  });

  it('survives malformed percent escapes', () => {
    const result = paramsFromSearch('?hidden=%E0%A4%A&%zz=1');
    expect(result.values).toEqual({});
    expect(result.rejected.map((r) => r.name)).toEqual(['hidden']);
  });

  it('does not touch Object.prototype through __proto__ keys', () => {
    const result = paramsFromSearch('?__proto__=1&constructor=2');
    expect(result.values).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.ignored.map((i) => i.name)).toEqual(['__proto__', 'constructor']);
  });
});

describe('searchFromParams', () => {
  const defaults = defaultParams();

  it('writes only non-default values, in the parameter table order', () => {
    expect(searchFromParams({ seed: 7, hidden: 64, backend: 'mock' }, defaults)).toBe('?hidden=64&seed=7');
  });

  it('returns "" when everything is default', () => {
    expect(searchFromParams(defaults, defaults)).toBe('');
    expect(searchFromParams({}, defaults)).toBe('');
  });

  it('round-trips through paramsFromSearch', () => {
    const values = { ...defaults, hidden: 17, lr: 0.0123456789, gain: 1e-7, backend: 'chip' as const, preprocess: false, labelNoise: 0.3 };
    const back = paramsFromSearch(searchFromParams(values, defaults));
    expect(back.rejected).toEqual([]);
    expect({ ...defaults, ...back.values }).toEqual(values);
  });

  it('throws on an invalid value, naming the parameter', () => {
    expect(() => searchFromParams({ hidden: 0 }, defaults)).toThrow(/"hidden"/);
    expect(() => searchFromParams({ lr: Number.NaN }, defaults)).toThrow(/"lr"/);
  });

  it('appends view options that differ from the defaults', () => {
    const view = { hide: { params: ['seed' as const], sections: ['data' as const] }, prose: false };
    const search = searchFromParams({ hidden: 8 }, defaults, view);
    expect(search).toBe('?hidden=8&hide=seed%2Cdata&prose=0');
    expect(viewOptionsFromSearch(search).view).toEqual(view);
    expect(searchFromParams({}, defaults, defaultViewOptions())).toBe('');
  });

  it('refuses to hide an unknown name', () => {
    expect(() => searchFromParams({}, defaults, { hide: { params: ['nope' as never], sections: [] }, prose: true })).toThrow(/cannot hide "nope"/);
  });
});

describe('viewOptionsFromSearch', () => {
  it('defaults to showing everything with prose', () => {
    expect(viewOptionsFromSearch('?hidden=8')).toEqual({ view: defaultViewOptions(), rejected: [] });
  });

  it('splits hide into parameters and sections, dropping duplicates and blanks', () => {
    const { view, rejected } = viewOptionsFromSearch('?hide=seed, data,,seed,training&prose=0');
    expect(view).toEqual({ hide: { params: ['seed'], sections: ['data', 'training'] }, prose: false });
    expect(rejected).toEqual([]);
  });

  it('reports unknown hide names and bad prose values, keeping the rest', () => {
    const { view, rejected } = viewOptionsFromSearch('?hide=seed,<script>x</script>&prose=maybe');
    expect(view).toEqual({ hide: { params: ['seed'], sections: [] }, prose: true });
    expect(rejected.map((r) => r.name)).toEqual(['hide', 'prose']);
    expect(rejected[0].raw).toBe('<script>x</script>');
  });

  it('lets the last prose win', () => {
    expect(viewOptionsFromSearch('?prose=0&prose=1').view.prose).toBe(true);
  });
});
