/** No import cycles in lib/: modules that import each other (type-only imports count) cannot be read, tested or moved alone. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, staticImports } from './importCycles';

describe('lib/ imports', () => {
  it('form no cycle', () => {
    expect(importCycles(resolve(__dirname, '../../lib'))).toEqual([]);
  });
  it('the check finds a cycle, type-only imports included', () => {
    const fixtures = resolve(__dirname, 'fixtures/cycle');
    expect(staticImports(resolve(fixtures, 'a.ts'))).toEqual([resolve(fixtures, 'b.ts')]);
    expect(importCycles(fixtures)).toEqual([['a.ts', 'b.ts']]);
    expect(importCycles(fixtures, true)).toEqual([]);
  });
});
