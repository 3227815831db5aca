import { describe, expect, it } from 'vitest';
import { applyJsonMutation, applyTextMutations, resultOrNamedError } from './mutate';

// The fuzz properties are only as good as this check: make sure it can fail.
describe('fuzz harness', () => {
  it('passes through results and well-named Errors', () => {
    expect(resultOrNamedError(() => 42, 'x: ')).toBe(42);
    expect(resultOrNamedError(() => { throw new Error('x: bad'); }, 'x: ')).toBeNull();
    expect(resultOrNamedError(() => { throw new Error('calibration file refused: y'); }, /^calibration file refused/)).toBeNull();
  });

  it('fails on a non-Error throw or an Error that does not name the input', () => {
    expect(() => resultOrNamedError(() => { throw 'just a string'; }, 'x: ')).toThrow(/only Error objects/);
    expect(() => resultOrNamedError(() => (null as unknown as { a: number }).a, 'x: ')).toThrow(/should start with "x: "/);
  });

  it('mutates text and JSON as described', () => {
    expect(applyTextMutations('abcdef', [{ kind: 'truncate', at: 0.5, text: '', length: 1 }])).toBe('abc');
    expect(applyTextMutations('abcdef', [{ kind: 'insert', at: 0, text: 'X', length: 1 }])).toBe('Xabcdef');
    expect(applyTextMutations('abcdef', [{ kind: 'delete', at: 0.99, text: '', length: 3 }])).toBe('abcdef');
    expect(applyTextMutations('abcdef', [{ kind: 'replace', at: 0.2, text: 'XY', length: 1 }])).toBe('aXYdef');
    const doc = { a: [1, 2], b: { c: 'x' } };
    // paths in order: [], [a], [a,0], [a,1], [b], [b,c]
    expect(applyJsonMutation(doc, { pick: 2, action: 'delete', value: null })).toEqual({ a: [2], b: { c: 'x' } });
    expect(applyJsonMutation(doc, { pick: 5, action: 'replace', value: 7 })).toEqual({ a: [1, 2], b: { c: 7 } });
    expect(applyJsonMutation(doc, { pick: 3, action: 'duplicate-array-item', value: null })).toEqual({ a: [1, 2, 2], b: { c: 'x' } });
    expect(applyJsonMutation(doc, { pick: 6, action: 'replace', value: 'root' })).toBe('root');
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
  });
});
