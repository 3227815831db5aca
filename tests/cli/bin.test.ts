import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(__dirname, '..', '..', 'bin', 'ziffern.mjs');
// Run from an unrelated directory: the entry must find tsx and main.ts relative to the package.
const elsewhere = mkdtempSync(join(tmpdir(), 'ziffern-bin-'));
const ziffern = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: elsewhere, encoding: 'utf8', timeout: 120_000 });

describe('bin/ziffern.mjs', () => {
  it('a bad --set exits 2 naming the parameter and the allowed values', () => {
    const bad = ziffern('run', '--set', 'epochs=many');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('ziffern: invalid value "many" for "epochs": allowed is an integer from 1 to 100');
  });

  it('a tiny real run emits valid JSON lines', () => {
    const result = ziffern('run', '--set', 'trainSize=600', '--set', 'epochs=1', '--set', 'hidden=16', '--json');
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0])).toEqual(['epoch', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'seconds', 'backend']);
    expect(lines[0].epoch).toBe(1);
    // One epoch of 3 batches is not meant to learn much; the values must be real measurements, not learning.
    for (const key of ['testAccuracy', 'trainAccuracy'] as const) {
      expect(lines[0][key]).toBeGreaterThanOrEqual(0);
      expect(lines[0][key]).toBeLessThanOrEqual(1);
    }
    expect(lines[0].seconds).toBeGreaterThan(0);
    expect(typeof lines[0].backend).toBe('string');
    expect(Number.isFinite(lines[0].trainLoss)).toBe(true);
    expect(lines[1].summary).toMatchObject({ state: 'done', epochs: 1 });
    expect(lines[1].summary.params).toMatchObject({ trainSize: 600, epochs: 1, hidden: 16 });
    expect(result.stderr).toMatch(/epoch 1\/1 \[[#-]{20}\] batch \d+\/3 loss [\d.]+ \d+ samples\/s/);
  });
});
