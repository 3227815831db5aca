import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const NAMES = ['INPUT_MIN', 'INPUT_MAX', 'WEIGHT_MAX', 'OUTPUT_MIN', 'OUTPUT_MAX', 'ROWS_PER_CHUNK', 'RELU_MAX'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.generated.ts') ? [path] : [];
  });
}

describe('the chip constants are declared once, in lib/hagen/constants.ts', () => {
  it('no other file of lib/ declares or rebinds them', () => {
    const declaring: string[] = [];
    for (const path of sources(join(root, 'lib'))) {
      const text = readFileSync(path, 'utf8');
      for (const name of NAMES) {
        // `const NAME =`, `NAME = …` in a declaration list, or a destructuring `{ …NAME… } = `
        const declared = new RegExp(`\\b(const|let|var)\\s+${name}\\s*=|,\\s*${name}\\s*=\\s*[^=]|\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=\\s*[^=>]`).test(text);
        if (declared) declaring.push(`${relative(root, path)}: ${name}`);
      }
    }
    expect(declaring.sort()).toEqual(NAMES.map((n) => `lib/hagen/constants.ts: ${n}`).sort());
  });

  it('the wasm source takes them from there: no chip-range literal in an emitted constant', () => {
    const text = readFileSync(join(root, 'lib/hagen/fast/wasm/source.ts'), 'utf8');
    expect(text).toMatch(/from '\.\.\/\.\.\/constants'/);
    const literals = text.match(/(i32|f32|i32x4|f32x4)Const\(\s*-?(31|63|127|128)\s*\)/g) ?? [];
    expect(literals).toEqual([]);
  });
});
