/**
 * The built site in headless Chromium: served from a sub-path of a local server (the site must not
 * assume it lives at "/"), no console errors, no request to any other host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../build.js';
import { startStaticServer, type RunningServer } from '../../lib/host/serve.js';
import { launchChromium, watchPage, type WatchedPage } from './chromium.js';
import type { Browser } from 'playwright-core';

const SUB_PATH = 'some/sub/path/';

describe('the page in Chromium', () => {
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  let siteUrl: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ziffern-page-'));
    mkdirSync(join(root, SUB_PATH), { recursive: true });
    await build({ outDir: join(root, SUB_PATH) });
    server = await startStaticServer({ root, port: 0 });
    siteUrl = server.url + SUB_PATH;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function open(query = ''): Promise<WatchedPage> {
    const watched = await watchPage(browser, new URL(server.url).host);
    await watched.page.goto(siteUrl + query);
    return watched;
  }

  it('shows the dataset counts and random digits, with no errors and no foreign requests', async () => {
    const { page, problems, close } = await open();
    try {
      const view = page.locator('[data-cell="datasetView"]');
      await view.locator('li[data-label]').first().waitFor({ timeout: 30_000 });
      const counts = page.locator('[data-cell="datasetCounts"]');
      await counts.locator('[data-count-train]').waitFor({ timeout: 30_000 });
      expect(await counts.locator('[data-count-train]').getAttribute('data-count-train')).toBe('60000');
      expect(await counts.locator('[data-count-test]').getAttribute('data-count-test')).toBe('10000');
      const digits = view.locator('li[data-test-index]');
      expect(await digits.count()).toBeGreaterThan(4); // more than the tutorial's 2 × 2
      const indices = () => digits.evaluateAll((els) => els.map((el) => el.getAttribute('data-test-index')).join());
      const before = await indices();
      await view.locator('button.zf-new-sample').click();
      expect(await indices()).not.toBe(before);
      // the digits are drawn: their SVG paths hold ink
      expect((await view.locator('li svg path').first().getAttribute('d'))!.length).toBeGreaterThan(20);
      // augmentation: each test digit followed by its crops
      await page.locator('[data-cell="augmentPreview"] li').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-cell="augmentPreview"] li').count()).toBeGreaterThanOrEqual(8);
      expect(await page.locator('h1').textContent()).toMatch(/handwritten digits/);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('pastes a test digit with a button and lists five predictions; a stroke drawn with the mouse changes them', async () => {
    const { page, problems, close } = await open('?epochs=1&trainSize=100');
    try {
      const predictions = page.locator('[data-cell="predictions"] ol > li');
      const drawing = page.locator('[data-cell="drawing"]');
      await drawing.locator('button.zf-sample[data-digit="3"]').click({ timeout: 30_000 });
      await predictions.first().waitFor({ timeout: 30_000 });
      expect(await predictions.count()).toBe(5);
      const read = () => predictions.evaluateAll((items) => items.map((li) => `${li.getAttribute('data-digit')}:${li.getAttribute('data-score')}`).join(' '));
      const pasted = await read();
      expect(pasted).toMatch(/^(\d:-?\d+ ){4}\d:-?\d+$/);
      // top-1 first: scores never increase down the list
      const scores = pasted.split(' ').map((entry) => Number(entry.split(':')[1]));
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      // what the chip sees shows the pasted digit
      expect(await drawing.locator('.zf-chipview svg').getAttribute('aria-label')).toMatch(/[1-9]\d* of 784/);

      await drawing.locator('button.zf-clear').click();
      const canvas = drawing.locator('canvas');
      await canvas.scrollIntoViewIfNeeded(); // then measure: the pad's place can change as sections around it render
      const box = (await canvas.boundingBox())!;
      const cleared = await read();
      await page.mouse.move(box.x + 60, box.y + 60);
      await page.mouse.down();
      await page.mouse.move(box.x + 220, box.y + 70, { steps: 6 });
      await page.mouse.move(box.x + 120, box.y + 240, { steps: 6 });
      await page.mouse.up();
      await page.waitForFunction((old) => {
        const items = [...document.querySelectorAll('[data-cell="predictions"] ol > li')];
        return items.length === 5 && items.map((li) => `${li.getAttribute('data-digit')}:${li.getAttribute('data-score')}`).join(' ') !== old;
      }, cleared, { timeout: 10_000 });
      const ink = await canvas.evaluate((el: HTMLCanvasElement) => {
        const data = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 100) dark++;
        return dark;
      });
      expect(ink).toBeGreaterThan(500);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('exposes window.ziffern: set validates through the parameter table, value reads cells', async () => {
    const { page, problems, close } = await open();
    try {
      await page.waitForFunction(() => 'ziffern' in window);
      const result = await page.evaluate(async () => {
        const z = (window as unknown as { ziffern: { set(n: string, v: unknown): Promise<void>; value(n: string): Promise<unknown> } }).ziffern;
        await z.set('hidden', 64);
        const hidden = await z.value('hidden');
        const rejected = await z.set('hidden', 0).then(() => 'accepted', (error: Error) => error.message);
        return { hidden, rejected, after: await z.value('hidden'), search: location.search };
      });
      expect(result.hidden).toBe(64);
      expect(result.rejected).toMatch(/"hidden".*integer from 1 to 1024/);
      expect(result.after).toBe(64);
      expect(result.search).toContain('hidden=64'); // the address follows the parameters
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('takes parameters and the language from the address, and reports values it cannot use', async () => {
    const { page, problems, close } = await open('?lang=de&hidden=32&epochs=abc');
    try {
      await page.waitForFunction(() => 'ziffern' in window);
      expect(await page.evaluate(() => (window as unknown as { ziffern: { value(n: string): Promise<unknown> } }).ziffern.value('hidden'))).toBe(32);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      expect(await page.locator('#intro h2').textContent()).toMatch(/Maschinelles Lernen/);
      const notice = page.locator('#url-problems');
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toMatch(/epochs=abc/);
      expect(await page.locator('#lang-switch').textContent()).toBe('English');
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });
  it('shows per-digit accuracy and a confusion matrix after an epoch; a mistake opens its test digits; the trained canvas predicts', async () => {
    const { page, problems, close } = await open('?trainSize=600&batchSize=50&epochs=1&hidden=32');
    try {
      await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'done', null, { timeout: 90_000 });
      expect(await page.locator('[data-cell="training"]').getAttribute('data-epoch')).toBe('1');
      await page.locator('[data-cell="accuracyPlot"] .zf-test-points circle').first().waitFor();
      expect(await page.locator('[data-cell="perClassAccuracy"] .zf-bar').count()).toBe(10);
      const mistake = page.locator('[data-cell="confusionMatrix"] td.zf-cell[data-action="open"]').first();
      await mistake.waitFor();
      const [t, p] = [await mistake.getAttribute('data-true'), await mistake.getAttribute('data-pred')];
      await mistake.click();
      const shown = page.locator(`[data-cell="misclassified"] .zf-mistakes[data-true="${t}"][data-pred="${p}"][data-found]`);
      await shown.waitFor({ timeout: 30_000 });
      const found = Number(await shown.getAttribute('data-found'));
      expect(await shown.locator('li').count()).toBe(Math.min(found, 40));

      await page.locator('[data-cell="trainedDrawing"] button.zf-sample[data-digit="1"]').click();
      await page.locator('[data-cell="trainedPredictions"] ol > li').nth(4).waitFor();
      await page.locator('[data-cell="trainedDrawing"] button.zf-cover[data-half="bottom"]').click();
      expect(await page.locator('[data-cell="trainedPredictions"] ol > li').count()).toBe(5);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('keeps up with the training worker: the page sees the run end about when the worker ends it, updated several times a second', async () => {
    // Many quick batches (600 of 10 images, 32 hidden units): a page that took every batch's progress in turn,
    // one per animation frame or two, saw this run end many times later than the worker finished it.
    const { page, problems, close } = await open('?trainSize=6000&batchSize=10&epochs=1&hidden=32');
    try {
      await page.waitForFunction(() => 'ziffern' in window);
      const run = await page.evaluate(() => new Promise<{ state: string; workerSeconds: number; pageSeconds: number; updates: number; losses: number; batches: number }>((resolve) => {
        const w = window as unknown as { ziffern: { observe(n: string, f: (v: unknown) => void): void } };
        let firstSeenAt = NaN;
        let updates = 0;
        w.ziffern.observe('training', (v) => {
          const p = v as { state: string; batch: number; batchesPerEpoch: number; losses: number[]; epochs: { seconds: number }[] } | null;
          if (!p) return;
          if (p.state === 'running') {
            updates++;
            if (Number.isNaN(firstSeenAt)) firstSeenAt = performance.now();
            return;
          }
          resolve({ state: p.state, workerSeconds: p.epochs[0]?.seconds ?? NaN, pageSeconds: (performance.now() - firstSeenAt) / 1000, updates, losses: p.losses.length, batches: p.batchesPerEpoch });
        });
      }));
      expect(run.state).toBe('done');
      expect(run.batches).toBe(600);
      expect(run.losses).toBe(600); // nothing lost: the final progress holds every batch's loss
      // The page's view of the run (from its first update to the end) against the worker's own epoch time, which is longer
      // than that when the page keeps up; 2× plus half a second of slack for a loaded machine.
      expect(run.pageSeconds).toBeLessThan(2 * run.workerSeconds + 0.5);
      expect(run.updates / Math.max(run.pageSeconds, 1)).toBeGreaterThanOrEqual(2);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('trains in the worker; changing the hidden width cancels the run and starts a new one; Stop stops it', async () => {
    const { page, problems, close } = await open('?trainSize=400&batchSize=20&epochs=50');
    try {
      // Record every progress value the page sees, through the public window.ziffern.observe.
      await page.waitForFunction(() => 'ziffern' in window);
      await page.evaluate(() => {
        const w = window as unknown as { seen: { losses: number; state: string }[]; ziffern: { observe(n: string, f: (v: unknown) => void): void } };
        w.seen = [];
        w.ziffern.observe('training', (v) => {
          const p = v as { losses: number[]; state: string } | null;
          if (p) w.seen.push({ losses: p.losses.length, state: p.state });
        });
      });
      const seenLosses = () => page.evaluate(() => (window as unknown as { seen: { losses: number }[] }).seen.map((p) => p.losses));
      const training = page.locator('[data-cell="training"]');
      await page.waitForFunction(() => ((window as unknown as { seen: { losses: number }[] }).seen.at(-1)?.losses ?? 0) >= 3, null, { timeout: 60_000 });
      expect(await training.getAttribute('data-state')).toBe('running');
      // the loss plot is below the first screen: it is shown shortly after the pad (notebook/page.ts mountLater)
      await page.locator('[data-cell="lossPlot"] svg').waitFor({ state: 'attached', timeout: 10_000 });
      expect(await page.locator('[data-cell="lossPlot"] svg').count()).toBe(1);
      const before = (await seenLosses()).length;
      // the reader types a new width into the control
      await page.locator('[data-cell="viewof hidden"] input[type="number"]').fill('16');
      await page.waitForFunction(() => document.querySelector('[data-cell="modelDiagram"] .zf-plot-note')?.getAttribute('data-parameters') === String(784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10));
      // a new run: its loss history starts again from the first batch
      await page.waitForFunction((n) => {
        const seen = (window as unknown as { seen: { losses: number }[] }).seen;
        return seen.slice(n).some((p, i, all) => i > 0 && p.losses < all[i - 1].losses) || (seen.length > n && seen[n].losses <= 2);
      }, before, { timeout: 60_000 });
      expect(await training.getAttribute('data-state')).toBe('running');
      const state = (value: string) => page.waitForFunction((v) => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === v, value, { timeout: 30_000 });
      await training.locator('button.zf-stop').click();
      await state('cancelled');
      await training.locator('button.zf-restart').click();
      await state('running');
      // after Stop, changing a control trains anew too
      await training.locator('button.zf-stop').click();
      await state('cancelled');
      await page.locator('[data-cell="viewof lr"] input[type="number"]').fill('0.5');
      await state('running');
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });
});
