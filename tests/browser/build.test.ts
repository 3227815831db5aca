import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { absoluteReferences, build, checkFirstView, DATA_BUDGET_BYTES, DATA_FILES, type BuildReport } from '../../build.js';
import { parseSummary, SUMMARY_FILE } from '../../lib/data/summary.js';
import { prerenderProse } from '../../notebook/prerender.js';
import { de } from '../../notebook/prose/de.js';
import { en } from '../../notebook/prose/en.js';
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

describe('checkFirstView', () => {
  const output = (inputs: string[], imports: { path: string; kind: 'import-statement' | 'dynamic-import' }[]) =>
    ({ bytes: 100, inputs: Object.fromEntries(inputs.map((i) => [i, { bytesInOutput: 10 }])), imports, exports: [] }) as unknown as Metafile['outputs'][string];
  it('counts an entry with its static imports and refuses one that would load tfjs up front', () => {
    const metafile = { inputs: {}, outputs: {
      'out/main.js': output(['notebook/main.ts'], [{ path: 'out/chunk-a.js', kind: 'import-statement' }, { path: 'out/chunk-tf.js', kind: 'dynamic-import' }]),
      'out/chunk-a.js': output(['lib/x.ts'], []),
      'out/chunk-tf.js': output(['node_modules/@tensorflow/tfjs-core/dist/index.js'], []),
      'out/worker.js': output(['lib/host/worker.ts'], [{ path: 'out/chunk-tf.js', kind: 'import-statement' }]),
    } } as unknown as Metafile;
    expect(checkFirstView(metafile, 'out', ['main.js'])).toEqual({ 'main.js': 200 });
    expect(() => checkFirstView(metafile, 'out', ['main.js', 'worker.js'])).toThrow(/worker\.js would load node_modules\/@tensorflow\/tfjs-core/);
  });
});

describe('prerenderProse', () => {
  it('writes both languages into every prose placeholder, and refuses one that names no prose', () => {
    const html = prerenderProse('<html><head></head><body><h1 data-prose="title">old</h1><div data-prose="data"></div><div data-prose-after="data"></div></body></html>', { en, de });
    expect(html).toContain(`<span lang="en">${en.title}</span><span lang="de">${de.title}</span>`);
    expect(html).toContain(`<div lang="de"><h2>${de.sections.data.heading}</h2><p>${de.sections.data.lead[0]}</p>`);
    expect(html).toContain(`<div data-prose-after="data"><div lang="en"><p>${en.sections.data.after![0]}</p>`);
    expect(html).toMatch(/<script>if \(new URLSearchParams\(location\.search\)\.get\("lang"\) === "de"\)/);
    expect(() => prerenderProse('<html><head></head><div data-prose="nonsense"></div></html>', { en, de })).toThrow(/prose placeholder "nonsense"/);
  });
});

describe('build', () => {
  let outDir: string;
  let report: BuildReport;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'ziffern-build-'));
    report = await build({ outDir, articles: true });
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
    // The prose of both languages is in the HTML, before any script runs.
    expect(html).toContain(en.sections.intro.lead[0]);
    expect(html).toContain(de.sections.intro.lead[0]);
  });

  it('keeps tfjs off the first view: main.js and worker.js with their static imports hold none of it', () => {
    for (const entry of ['main.js', 'worker.js']) expect(report.firstView[entry], entry).toBeLessThan(600 * 1024);
    const main = readFileSync(join(outDir, 'main.js'), 'utf8');
    expect(main).not.toMatch(/tfjs-backend-wasm|@tensorflow/);
  });

  it('ships the images per digit of both splits, so the page shows them without the training split', () => {
    const summary = parseSummary(readFileSync(join(outDir, SUMMARY_FILE), 'utf8'));
    expect(summary.train.count).toBe(60000);
    expect(summary.train.perDigit[1]).toBe(6742);
    expect(summary.test.perDigit.reduce((a, b) => a + b, 0)).toBe(10000);
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
