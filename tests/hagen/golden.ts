/** Typed access to tests/fixtures/hagen_golden.json (nested lists → flat Float32Arrays). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../fixtures/hagen_golden.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const golden: { cases: Record<string, any> } = JSON.parse(readFileSync(path, 'utf8'));

export function flat(nested: number[] | number[][]): Float32Array {
  return Float32Array.from((nested as (number | number[])[]).flat() as number[]);
}

export const MATMUL_CASES = Object.entries(golden.cases).filter(([, c]) => c.op === 'matmul').map(([name]) => name);
