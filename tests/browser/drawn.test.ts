/**
 * The small drawn-digit set (60 drawings, bench/drawn/strokes.ts) replayed as mouse and touch strokes on
 * the trained pad of the built site: the pad's pipeline must keep recognising them (a floor just below
 * what was measured, so a regression fails), and drawing with a finger must not scroll the page.
 * The full set (300) is `npm run bench -- drawn`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../lib/host/serve.js';
import { startBuiltSite, type BuiltSite } from './site.js';
import { PHONE, confusionText, openSite, replayDrawings, summarise } from '../../bench/drawn/replay.js';
import { smallDrawnSet } from '../../bench/drawn/strokes.js';

/**
 * Floors on the small set with the precomputed tutorial model, just below what was measured (README,
 * "Drawn digits"): the list's top-1 (one noisy inference) 76.7–80 %, the majority of the 20 noisy runs
 * 88.3–90 %. (The grid pad this replaced: 74.7 % top-1, 83.7 % by majority on the full set.)
 */
const FLOOR = 0.7;
const MAJORITY_FLOOR = 0.83;

describe('drawn digits on the trained pad (Chromium)', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  let site: BuiltSite | undefined;
  beforeAll(async () => {
    site = await startBuiltSite('drawn');
    ({ server, browser } = site);
    page = await openSite(browser, server.url);
  });
  afterAll(() => site?.close());

  it('a touch drag elsewhere scrolls the page (so the no-scroll check below can fail)', async () => {
    const cdp = await page.context().newCDPSession(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    const before = await page.evaluate(() => window.scrollY);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: 300, y: 700, id: 1 }] });
    for (let y = 680; y >= 300; y -= 20) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: 300, y, id: 1 }] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(before + 50);
  });

  it(`recognises ≥ ${FLOOR * 100} % (by majority of noisy runs ≥ ${MAJORITY_FLOOR * 100} %) of 60 digits drawn with mouse and finger; drawing never scrolls`, async () => {
    await page.evaluate(() => {
      const counts: Record<string, number> = {};
      document.querySelector('[data-cell="trainedDrawing"] canvas')!.addEventListener('pointerdown', (e) => { counts[(e as PointerEvent).pointerType] = (counts[(e as PointerEvent).pointerType] ?? 0) + 1; });
      (window as unknown as { pointerCounts: Record<string, number> }).pointerCounts = counts;
    });
    const drawings = smallDrawnSet(1);
    expect(drawings.length).toBeGreaterThanOrEqual(60);
    const results = await replayDrawings(page, drawings, 'trainedDrawing');
    const summary = summarise(results);
    const counts = await page.evaluate(() => (window as unknown as { pointerCounts: Record<string, number> }).pointerCounts);
    // real pointer events of both kinds reached the pad: one pointerdown per stroke
    const strokes = (pointer: string) => drawings.filter((d) => d.pointer === pointer).reduce((n, d) => n + d.strokes.length, 0);
    expect(counts).toEqual({ mouse: strokes('mouse'), touch: strokes('touch') });
    expect(summary.scrolled).toBe(0);
    expect(results.every((r) => r.answer >= 0 && r.input.some((v) => v === 1))).toBe(true);
    const report = `top-1 ${summary.top1} %, by majority of 20 noisy runs ${summary.top1Majority} % (${JSON.stringify(summary.perDigit)})\n${confusionText(summary.confusion)}\nfailures: ${summary.failures.join(' ')}`;
    console.log(report);
    expect(summary.top1 / 100, report).toBeGreaterThanOrEqual(FLOOR);
    expect(summary.top1Majority / 100, report).toBeGreaterThanOrEqual(MAJORITY_FLOOR);
  }, 600_000);

  it('on a phone (390 px, touch, 3× pixels) a finger draws digits the chip reads, and the page does not scroll', async () => {
    const phone = await openSite(browser, server.url, '', PHONE);
    try {
      const drawings = smallDrawnSet(1).filter((d) => d.id.endsWith('-000')).map((d) => ({ ...d, pointer: 'touch' as const }));
      const results = await replayDrawings(phone, drawings, 'trainedDrawing');
      expect(summarise(results).scrolled).toBe(0);
      expect(results.every((r) => r.input.some((v) => v === 1))).toBe(true);
      // the pad fits the phone's width
      const box = (await phone.locator('[data-cell="trainedDrawing"] canvas').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(results.filter((r) => r.majority === r.digit).length).toBeGreaterThanOrEqual(7); // of 10, one per digit
    } finally {
      await phone.context().close();
    }
  }, 300_000);
});
