/**
 * The page in headless Chromium (the built site from a local server): time from navigation to the first
 * prediction on the canvas, bytes transferred until then, p95 latency of one canvas prediction (stroke →
 * predictions list replaced) while the tutorial model trains in the worker, and the time per training
 * epoch in the page (mock, 784-256-256-10, batch 200, crop) next to one epoch in Node on this machine.
 * Run: npm run bench -- page
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../build';
import { DEFAULT_MOCK } from '../lib/hagen/constants';
import { buildModel } from '../lib/hagen/model';
import { loadMnistNode } from '../lib/host/node-data';
import { startStaticServer } from '../lib/host/serve';
import { trainModel } from '../lib/train/train';
import { launchChromium } from '../tests/browser/chromium';

const STROKES = 40;
const round = (v: number, digits = 1) => +v.toFixed(digits);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

/** One epoch of the tutorial model in this Node process, as `npx ziffern run` trains it. */
async function nodeEpochSeconds(): Promise<number> {
  const data = await loadMnistNode();
  const model = buildModel({ hidden: 256, layers: 2, shift: 1 }, { backend: 'mock', mock: { ...DEFAULT_MOCK }, seed: 1 });
  let seconds = NaN;
  for await (const p of trainModel(model, data, { lr: 0.25, epochs: 1, batchSize: 200, augment: 'crop', seed: 1, trainSize: 60000, labelNoise: 0 })) {
    if (p.epochs.length) seconds = p.epochs[0].seconds;
  }
  return seconds;
}

export default async function pageBench(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'ziffern-page-bench-'));
  await build({ outDir: root });
  const server = await startStaticServer({ root, port: 0 });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Every response of the page and its workers, with its size on the wire (headers + body).
    const transfers: { at: number; bytes: number }[] = [];
    context.on('requestfinished', (request) => {
      void request.sizes().then((sizes) => transfers.push({ at: performance.now(), bytes: sizes.responseBodySize + sizes.responseHeadersSize }), () => {});
    });
    const started = performance.now();
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.locator('[data-cell="predictions"] ol > li').first().waitFor({ timeout: 120_000 });
    const firstPredictionAt = performance.now();
    await page.waitForTimeout(200); // let size promises of requests finished before the prediction settle
    const bytesBeforeFirstPrediction = transfers.filter((t) => t.at <= firstPredictionAt).reduce((sum, t) => sum + t.bytes, 0);

    // Stroke → predictions, measured inside the page while training runs in the worker. The default settings
    // show a precomputed run, so another seed makes the page train.
    await page.goto(`${server.url}?seed=2`);
    await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'running', null, { timeout: 120_000 });
    // As source text: tsx would wrap named functions with a helper the page does not have.
    const latencies = await page.evaluate<number[]>(`(async (strokes) => {
      const canvas = document.querySelector('[data-cell="drawing"] canvas');
      const target = document.querySelector('[data-cell="predictions"]');
      const box = canvas.getBoundingClientRect();
      const out = [];
      for (let s = 0; s < strokes; s++) {
        const point = (k) => ({ clientX: box.left + 40 + ((s * 37 + k * 53) % 200), clientY: box.top + 40 + ((s * 71 + k * 29) % 200), pointerId: 1, pointerType: 'mouse', button: 0, buttons: 1, bubbles: true });
        const changed = new Promise((resolve) => {
          const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
          observer.observe(target, { childList: true, subtree: true });
        });
        const t0 = performance.now();
        canvas.dispatchEvent(new PointerEvent('pointerdown', point(0)));
        canvas.dispatchEvent(new PointerEvent('pointermove', point(1)));
        canvas.dispatchEvent(new PointerEvent('pointerup', { ...point(1), buttons: 0 }));
        out.push((await changed) - t0);
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
      return out;
    })(${STROKES})`);

    // Epochs of the tutorial model in the page (mock, batch 200, crop: the page's defaults).
    const epochSeconds = await page.evaluate<number[]>(`new Promise((resolve) => {
      const stop = window.ziffern.observe('training', (p) => {
        if (p && p.epochs.length >= 1) { stop(); resolve(p.epochs.map((e) => e.seconds)); }
      });
    })`);
    const hidden = await page.evaluate<number>('window.ziffern.value("hidden")');
    await context.close();
    await browser.close();
    await server.close();
    const nodeEpoch = await nodeEpochSeconds();
    return {
      navigationToFirstPredictionMs: round(firstPredictionAt - started),
      bytesBeforeFirstPrediction,
      canvasPredictionWhileTrainingMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), max: round(Math.max(...latencies)), strokes: latencies.length },
      epochSecondsPage: round(epochSeconds[0], 2),
      epochSecondsNode: round(nodeEpoch, 2),
      pageOverNode: round(epochSeconds[0] / nodeEpoch, 2),
      model: `784-${hidden}-${hidden}-10 mock, batch 200, crop (page defaults)`,
    };
  } finally {
    await browser.close().catch(() => {});
    await server.close().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}
