/**
 * Issue 16 in Chromium on the built site: hostile addresses never blank the page (window.ziffern exists, the bad
 * value is listed once), a gzip bomb in place of a data file is refused at the bound, and the page uses the
 * site's own calibration/nightly-chip1.json (a damaged one is refused and said).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../lib/host/serve.js';
import { startBuiltSite, type BuiltSite } from './site.js';
import { watchPage, type WatchedPage } from './chromium.js';
import { gzipBomb } from '../data/gzipBomb';

type Ziffern = { set(n: string, v: unknown): Promise<void>; value(n: string): Promise<unknown> };


describe('issue 16 faults in the page', () => {
  let server: RunningServer;
  let browser: Browser;

  let site: BuiltSite | undefined;
  beforeAll(async () => {
    site = await startBuiltSite('faults-page', { articles: true });
    ({ server, browser } = site);
  });
  afterAll(() => site?.close());

  async function open(query: string, before?: (page: Page) => Promise<void>): Promise<WatchedPage> {
    const watched = await watchPage(browser, new URL(server.url).host);
    await before?.(watched.page);
    await watched.page.goto(server.url + 'index.html' + query);
    return watched;
  }
  const uncaught = (problems: string[]) => problems.filter((p) => p.startsWith('uncaught'));

  const HOSTILE: [string, RegExp][] = [
    ['?junk=%ZZ', /junk=%ZZ: "%ZZ" is not a valid %-escape/],
    ['?%ZZ&hidden=32', /%ZZ=: "%ZZ" is not a valid %-escape/],
    ['?hidden=%E0%A4', /hidden=%E0%A4: the %-escapes are not valid UTF-8/],
    ['?lang=de&a=%', /a=%: „%“ ist kein gültiges %-Escape/],
  ];
  it('hostile addresses: the page starts, window.ziffern works, the bad value is listed, an over-long address once', async () => {
    const { page, problems, close } = await open('');
    try {
      for (const [query, listed] of HOSTILE) {
        await page.goto(server.url + 'index.html' + query);
        await page.waitForFunction(() => typeof (window as unknown as { ziffern?: unknown }).ziffern === 'object', null, { timeout: 30_000 });
        expect(await page.evaluate(() => (window as unknown as { ziffern: Ziffern }).ziffern.value('epochs')), query).toBe(4);
        const box = page.locator('#url-problems');
        expect(await box.isHidden(), query).toBe(false);
        expect(await box.textContent(), query).toMatch(listed);
        // The address was rewritten so that every dependency can read it.
        expect(await page.evaluate(() => location.search.slice(1).split('&').every((part) => { try { decodeURIComponent(part); return true; } catch { return false; } }))).toBe(true);
      }
      await page.goto(server.url + `index.html?x=${'a'.repeat(9000)}`);
      await page.waitForFunction(() => typeof (window as unknown as { ziffern?: unknown }).ziffern === 'object', null, { timeout: 30_000 });
      const items = await page.locator('#url-problems li').allTextContents();
      expect(items.filter((text) => /the query string is \d+ characters long/.test(text))).toHaveLength(1);
      expect(uncaught(problems())).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the embed on an article page starts with such an address too, and lists the bad value', async () => {
    const { page, problems, close } = await open('');
    try {
      await page.goto(server.url + 'article.html?junk=%ZZ&hidden=%E0%A4');
      const note = page.locator('.zf-url-problems');
      await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/junk=%ZZ: "%ZZ" is not a valid %-escape.*hidden=%E0%A4: the %-escapes are not valid UTF-8/);
      await page.locator('[data-cell="viewof hidden"] input').first().waitFor({ timeout: 30_000 });
      expect(uncaught(problems())).toEqual([]);
    } finally {
      await close();
    }
  });

  it('a gzip bomb in place of the test data is refused at the bound, not inflated', async () => {
    const bomb = await gzipBomb(128); // 128 MB of zeros in ≈ 130 kB
    const { page, problems, close } = await open('', async (p) => {
      await p.route('**/data/mnist-test.bin.gz', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bomb }));
    });
    try {
      const failed = page.locator('#data [data-status="error"]');
      await failed.first().waitFor({ timeout: 30_000 });
      expect(await failed.first().textContent()).toMatch(/data\/mnist-test\.bin\.gz is corrupt: data\/mnist-test\.bin\.gz \(decompressed\) is larger than 5\.9 MB, more than it can be; refused after reading \d+\.\d MB/);
      expect(await page.evaluate(() => typeof (window as unknown as { ziffern?: unknown }).ziffern)).toBe('object');
      expect(uncaught(problems())).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the page reads the site\'s calibration/nightly-chip1.json: a damaged one is refused and said', async () => {
    const requested: string[] = [];
    const { page, close } = await open('', async (p) => {
      p.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await p.route('**/calibration/nightly-chip1.json', async (route) => {
        const good = await (await route.fetch()).text();
        await route.fulfill({ status: 200, contentType: 'application/json', body: good.replace(/"created": "[^"]+"/, '"created": "2020-01-01T00:00:00.000Z"') });
      });
    });
    try {
      await page.waitForFunction(() => typeof (window as unknown as { ziffern?: unknown }).ziffern === 'object', null, { timeout: 30_000 });
      const refused = await page.evaluate(async () => {
        const cal = (await (window as unknown as { ziffern: Ziffern }).ziffern.value('chipCalibration')) as { value: { refused?: string; calibration: unknown } };
        return { refused: cal.value.refused, calibrated: cal.value.calibration !== null };
      });
      expect(requested).toContain('/calibration/nightly-chip1.json');
      expect(refused.calibrated).toBe(false);
      expect(refused.refused).toMatch(/calibration file refused: checksum mismatch .* the chip runs uncalibrated/);
    } finally {
      await close();
    }
  });
});
