/**
 * Issue 6 "instant first view": the built site (with the build's precomputed default run, from
 * .cache/precomputed when present) in headless Chromium. Measures, from navigation start:
 *   - precomputedShownMs: the `training` cell shows the precomputed run (data-state="done", no training);
 *   - firstTrainedPredictionMs: a test digit pasted into the trained model's canvas has its top-5 list
 *     (the paste happens as soon as the pad exists);
 * for index.html and for the article (dist/article.html, embed.js). Also the build time (warm cache).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, PRECOMPUTE_CACHE } from '../build';
import { startStaticServer } from '../lib/host/serve';
import { launchChromium } from '../tests/browser/chromium';

const RUNS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export default async function firstView(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'ziffern-firstview-'));
  const buildStarted = performance.now();
  const report = await build({ outDir: root, articles: true, precompute: { cacheDir: PRECOMPUTE_CACHE } });
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const server = await startStaticServer({ root, port: 0 });
  const browser = await launchChromium();
  const measure = async (path: string, drawing: string, predictions: string, waitForDone: boolean) => {
    const shown: number[] = [];
    const predicted: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url + path, { waitUntil: 'commit' });
      const sinceStart = () => page.evaluate(() => performance.now());
      if (waitForDone) {
        await page.locator('[data-cell="training"][data-state="done"]').waitFor({ timeout: 60_000 });
        shown.push(await sinceStart());
      }
      await page.locator(`[data-cell="${drawing}"] button.zf-sample[data-digit="7"]`).click({ timeout: 60_000 });
      await page.locator(`[data-cell="${predictions}"] li[data-digit]`).first().waitFor({ timeout: 60_000 });
      predicted.push(await sinceStart());
      await context.close();
    }
    return { ...(shown.length ? { precomputedShownMs: Math.round(median(shown)) } : {}), firstTrainedPredictionMs: Math.round(median(predicted)), runs: RUNS };
  };
  try {
    return {
      buildSecondsWarmCache: Number(buildSeconds.toFixed(1)),
      precomputed: { computed: report.precompute.computed.length, cached: report.precompute.cached.length },
      page: await measure('index.html', 'trainedDrawing', 'trainedPredictions', true),
      article: await measure('article.html', 'trainedDrawing', 'trainedPredictions', false),
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
