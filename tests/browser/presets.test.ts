/**
 * The preset in the built page (issue 12): the address's preset sets the controls it names, the address's
 * other values win, the page says the settings no longer match, and a convolution model trains in the
 * worker and answers on the trained pad.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../lib/host/serve.js';
import { presetValues } from '../../lib/presets.js';
import { startBuiltSite, type BuiltSite } from './site.js';
import { watchPage } from './chromium.js';
import type { Browser } from 'playwright-core';

describe('presets in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  let site: BuiltSite | undefined;
  beforeAll(async () => {
    site = await startBuiltSite('presets');
    ({ server, browser } = site);
  });
  afterAll(() => site?.close());

  it('?preset=recommended sets its controls, later values win, and the convolution model trains and predicts', async () => {
    const { page, problems, close } = await watchPage(browser, new URL(server.url).host);
    try {
      await page.goto(`${server.url}?preset=recommended&epochs=1&trainSize=1000`);
      const conv = page.locator('[data-cell="viewof conv"] input').first();
      await conv.waitFor({ timeout: 60_000 });
      await expect.poll(() => conv.inputValue(), { timeout: 30_000 }).toBe(String(presetValues('recommended').conv));
      const status = page.locator('[data-cell="presetStatus"] p');
      await expect.poll(() => status.getAttribute('data-matches'), { timeout: 30_000 }).toBe('false');
      expect(await status.textContent()).toMatch(/Changed from the settings of the recommended model: [^.]*\(epochs\), [^.]*\(trainSize\)/);
      const training = page.locator('[data-cell="training"]');
      await expect.poll(() => training.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
      // an empty pad gives no guess (it invites drawing): put a test digit on it, as a reader would
      await page.locator('[data-cell="trainedDrawing"] button.zf-sample[data-digit="3"]').click();
      await page.locator('[data-cell="trainedPredictions"] ol > li').nth(4).waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-cell="padModel"]').textContent()).toMatch(/The pad uses a model with your own settings \(trained here, \d+(\.\d)? % on the test set\)/);
      const model = await page.evaluate(() => (window as unknown as { ziffern: { value(n: string): Promise<unknown> } }).ziffern.value('modelConfig'));
      expect(model).toMatchObject({ conv: presetValues('recommended').conv, hidden: presetValues('recommended').hidden });
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  }, 240_000);
});
