import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generatedModuleText } from '../../lib/hagen/fast/build-wasm';
import { sleb, uleb } from '../../lib/hagen/fast/wasm/assemble';

describe('generated WebAssembly module', () => {
  it('the committed module.generated.ts equals a fresh build from wasm/source.ts', () => {
    const committed = readFileSync(new URL('../../lib/hagen/fast/wasm/module.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generatedModuleText());
  });
  it('LEB128 encodings match the wasm spec examples', () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-128)).toEqual([0x80, 0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });
});
