import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { absoluteReferences, build, DATA_BUDGET_BYTES, DATA_FILES, type BuildReport } from '../../build.js';
import { decodeSplit } from '../../lib/data/encoding.js';

describe('absoluteReferences', () => {
  it('finds URLs that would leave the site or break below a sub-path', () => {
    const html = `<script src="/main.js"></script><link href="https://cdn.example/x.css"><img src="//cdn.example/a.png">
      <style>body { background: url(/bg.png) } @import "http://x/y.css";</style>`;
    expect(absoluteReferences(html)).toEqual(['/main.js', 'https://cdn.example/x.css', '//cdn.example/a.png', '/bg.png', 'http://x/y.css']);
  });
  it('accepts relative URLs, fragments and data URLs', () => {
    expect(absoluteReferences('<script src="main.js"></script><a href="#model"></a><link rel="icon" href="data:,"><a href="./x/?a=1">')).toEqual([]);
  });
});

describe('build', () => {
  let outDir: string;
  let report: BuildReport;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ziffern-build-'));
    report = await build({ outDir });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes the page, the bundles and tfjs wasm files', () => {
    const paths = report.files.map((f) => f.path);
    for (const file of ['index.html', 'page.css', 'main.js', 'worker.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      expect(paths, file).toContain(file);
    }
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(absoluteReferences(html)).toEqual([]);
    expect(html).toContain('src="main.js"');
  });

  it('writes both MNIST splits, gzipped, within the budget, decodable as the page does', () => {
    expect(report.dataBytes).toBeLessThanOrEqual(DATA_BUDGET_BYTES);
    const test = decodeSplit(gunzipSync(readFileSync(join(outDir, DATA_FILES.test))), DATA_FILES.test);
    const train = decodeSplit(gunzipSync(readFileSync(join(outDir, DATA_FILES.train))), DATA_FILES.train);
    expect(test.count).toBe(10000);
    expect(train.count).toBe(60000);
    expect(test.labels[0]).toBe(7); // the first MNIST test digit is a 7, the first training digit a 5
    expect(train.labels[0]).toBe(5);
    expect(test.images.every((p) => p === 0 || p === 1)).toBe(true);
  });

  it('copies exactly the shipped calibration files', () => {
    const calibrationDir = join(__dirname, '../../notebook/calibration');
    const shipped = existsSync(calibrationDir) ? readdirSync(calibrationDir).filter((name) => name.endsWith('.json')).sort() : [];
    const copied = report.files.filter((f) => f.path.startsWith('calibration/')).map((f) => f.path.slice('calibration/'.length)).sort();
    expect(copied).toEqual(shipped);
  });
});
