import { describe, expect, it } from 'vitest';
import { checkGraph, findCycle, parameterNames } from '../../lib/runtime/graph';
import type { CellSpec } from '../../lib/runtime/cell';

const cell = (name: string, inputs: string[]): CellSpec => ({ name, inputs, define: () => null });

describe('checkGraph', () => {
  it('accepts a DAG using builtins', () => {
    expect(() => checkGraph([cell('a', ['host']), cell('b', ['a', 'invalidation'])])).not.toThrow();
  });
  it('names an unknown input and the cell using it', () => {
    expect(() => checkGraph([cell('a', []), cell('b', ['a', 'c'])])).toThrow(/cell "b" has unknown input "c"/);
  });
  it('names a duplicate definition', () => {
    expect(() => checkGraph([cell('a', []), cell('a', [])])).toThrow(/cell "a" is defined more than once/);
  });
  it('refuses a cell that shadows a builtin', () => {
    expect(() => checkGraph([cell('host', [])])).toThrow(/shadows a builtin/);
  });
  it('reports cycles as a path', () => {
    expect(() => checkGraph([cell('a', ['c']), cell('b', ['a']), cell('c', ['b'])])).toThrow(/cycle: a → c → b → a/);
    expect(findCycle([cell('self', ['self'])])).toEqual(['self', 'self']);
    expect(findCycle([cell('a', []), cell('b', ['a']), cell('c', ['a', 'b'])])).toBeNull();
  });
});

describe('parameterNames', () => {
  it('reads arrows, functions, generators and methods', () => {
    expect(parameterNames(() => 1)).toEqual([]);
    expect(parameterNames((x: number) => x)).toEqual(['x']);
    expect(parameterNames((a: number, b: number) => a + b)).toEqual(['a', 'b']);
    expect(parameterNames(async (host: unknown, seed: number) => [host, seed])).toEqual(['host', 'seed']);
    expect(parameterNames(function named(first: number, /* note, */ second: number) { return first + second; })).toEqual(['first', 'second']);
    expect(parameterNames(async function* (signal: unknown) { yield signal; })).toEqual(['signal']);
    expect(parameterNames(function* gen(a: number, b = [1, 2]) { yield [a, b]; })).toEqual(['a', 'b']);
    const obj = { method(p: number, q: number) { return p + q; } };
    expect(parameterNames(obj.method)).toEqual(['p', 'q']);
  });
  it('rejects destructured parameters', () => {
    expect(() => parameterNames(({ a }: { a: number }) => a)).toThrow(/not a plain name/);
  });
});
