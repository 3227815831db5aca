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
      await view.locator('[data-count-test]').waitFor({ timeout: 30_000 });
      expect(await view.locator('[data-count-train]').getAttribute('data-count-train')).toBe('60000');
      expect(await view.locator('[data-count-test]').getAttribute('data-count-test')).toBe('10000');
      const figures = view.locator('figure');
      expect(await figures.count()).toBe(16);
      const before = await figures.evaluateAll((els) => els.map((el) => el.getAttribute('data-index')).join());
      await view.locator('button.zf-new-sample').click();
      const after = await figures.evaluateAll((els) => els.map((el) => el.getAttribute('data-index')).join());
      expect(after).not.toBe(before);
      // the digits are drawn: some dark ink in the first canvas
      const ink = await view.locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 128) dark++;
        return dark;
      });
      expect(ink).toBeGreaterThan(20);
      expect(await page.locator('h1').textContent()).toMatch(/handwritten digits/);
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
  it('trains in the worker; changing the hidden width cancels the run and starts a new one; Stop stops it', async () => {
    const { page, problems, close } = await open('?trainSize=400&batchSize=20&epochs=3');
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
      expect(await page.locator('[data-cell="lossPlot"] svg').count()).toBe(1);
      const before = (await seenLosses()).length;
      await page.evaluate(() => (window as unknown as { ziffern: { set(n: string, v: unknown): Promise<void> } }).ziffern.set('hidden', 16));
      // a new run: its loss history starts again from the first batch
      await page.waitForFunction((n) => {
        const seen = (window as unknown as { seen: { losses: number }[] }).seen;
        return seen.slice(n).some((p, i, all) => i > 0 && p.losses < all[i - 1].losses) || (seen.length > n && seen[n].losses <= 2);
      }, before, { timeout: 60_000 });
      expect(await training.getAttribute('data-state')).toMatch(/running|done/);
      await training.locator('button.zf-stop').click();
      await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'cancelled', null, { timeout: 30_000 });
      await training.locator('button.zf-restart').click();
      await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'running', null, { timeout: 30_000 });
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });
});
