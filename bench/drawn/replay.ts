/**
 * Replays drawn digits (bench/drawn/strokes.ts) as real pointer strokes on the built site's drawing pad in
 * Chromium: mouse strokes through CDP Input.dispatchMouseEvent, touch strokes through CDP
 * Input.dispatchTouchEvent (as playwright's mouse and touchscreen do), so the page's own pointer handlers see them as a reader's would. The answer
 * is read from the predictions cell, the chip's input from the pad's `value`. Also: the summary (top-1,
 * per digit, confusion matrix) and the picture sheet of the failures.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { DrawnDigit } from './strokes';

export type PadCell = 'trainedDrawing' | 'drawing';
const PREDICTIONS: Record<PadCell, string> = { trainedDrawing: 'trainedPredictions', drawing: 'predictions' };

export interface DrawnResult {
  id: string;
  digit: number;
  style: string;
  pointer: 'mouse' | 'touch';
  penWidth: number;
  size: number;
  /** Top-1 answer of the predictions list (first item), -1 if none appeared. */
  answer: number;
  top5: number[];
  /** The digit that won most of the 20 noisy runs (the spread bar under the list), -1 if none shown. */
  majority: number;
  /** What the chip was given: the pad's prepared image (784 values, 0|1). */
  input: number[];
  /** The page scrolled while the digit was drawn (it must not: touch-action none on the canvas). */
  scrolled: boolean;
}

/** A phone: small screen, touch, mobile viewport rules. */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 } as const;

/** Open the site (with `query`, e.g. "?preset=recommended") in a touch-capable page; wait for a trained model. */
export async function openSite(browser: Browser, url: string, query = '', device: { viewport: { width: number; height: number }; hasTouch: boolean; isMobile?: boolean; deviceScaleFactor?: number } = { viewport: { width: 1100, height: 900 }, hasTouch: true }): Promise<Page> {
  const context = await browser.newContext(device);
  const page = await context.newPage();
  await page.goto(url + (query && !query.startsWith('?') ? `?${query}` : query));
  // a model trained in the page (a query the build did not precompute) must finish first
  await page.waitForFunction(() => document.querySelector('[data-cell="training"] [data-state], [data-cell="training"][data-state]')?.getAttribute('data-state') === 'done', null, { timeout: 600_000 });
  // The trained pad's answer area is there (an empty pad invites drawing and shows no list until it has ink).
  await page.locator('[data-cell="trainedPredictions"] .zf-predictions, [data-cell="trainedPredictions"] ol > li').first().waitFor({ timeout: 120_000 });
  return page;
}

async function padBox(page: Page, cell: PadCell) {
  const canvas = page.locator(`[data-cell="${cell}"] canvas`).first();
  await canvas.scrollIntoViewIfNeeded();
  return (await canvas.boundingBox())!;
}

/** Replay `drawings` one by one on the pad in `cell`; the pad is cleared before each. */
export async function replayDrawings(page: Page, drawings: DrawnDigit[], cell: PadCell = 'trainedDrawing', onResult?: (r: DrawnResult, i: number) => void): Promise<DrawnResult[]> {
  let cdp: CDPSession | null = null;
  const results: DrawnResult[] = [];
  // Sections around the pad render as they scroll into view (content-visibility), moving it: start once its
  // place has stayed put for a while, so the first strokes land on it.
  let previous = '';
  for (let tries = 0; tries < 40; tries++) {
    const box = JSON.stringify(await padBox(page, cell));
    if (box === previous) break;
    previous = box;
    await page.waitForTimeout(250);
  }
  for (const [i, d] of drawings.entries()) {
    // clear, and set the pen width where the pad has one (its `penWidth` property)
    await page.evaluate(([c, w]) => {
      const pad = document.querySelector(`[data-cell="${c}"] .zf-drawing`) as HTMLElement & { clear(): void; penWidth?: number; tool?: string };
      if ('penWidth' in pad) pad.penWidth = w;
      if (pad.tool) pad.tool = 'pen';
      pad.clear();
    }, [cell, d.penWidth] as const);
    const box = await padBox(page, cell);
    const scrollBefore = await page.evaluate(() => window.scrollY);
    const at = (p: { x: number; y: number }) => ({ x: box.x + p.x * box.width, y: box.y + p.y * box.height });
    // Every sample of a stroke is sent without waiting for the one before (CDP handles them in order):
    // one round trip per stroke instead of one per sample keeps 300 drawings quick.
    cdp ??= await page.context().newCDPSession(page);
    const session = cdp;
    for (const stroke of d.strokes) {
      const sends: Promise<unknown>[] = [];
      if (d.pointer === 'mouse') {
        const mouse = (type: 'mouseMoved' | 'mousePressed' | 'mouseReleased', p: { x: number; y: number }) =>
          sends.push(session.send('Input.dispatchMouseEvent', { type, ...at(p), button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: type === 'mouseMoved' ? 0 : 1 }));
        mouse('mouseMoved', stroke[0]);
        mouse('mousePressed', stroke[0]);
        for (const p of stroke.slice(1)) mouse('mouseMoved', p);
        mouse('mouseReleased', stroke[stroke.length - 1]);
      } else {
        const touch = (p: { x: number; y: number }) => [{ ...at(p), radiusX: 4, radiusY: 4, force: 1, id: 1 }];
        sends.push(session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: touch(stroke[0]) }));
        for (const p of stroke.slice(1)) sends.push(session.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: touch(p) }));
        sends.push(session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }));
      }
      await Promise.all(sends);
    }
    // The pen-up shows the final image at once; the list is then redrawn with the noisy spread (mock
    // backend) after a pause: wait for that redraw, which is the final answer for this drawing.
    const read = await page.evaluate(async ([c, predictions]) => {
      const root = document.querySelector(`[data-cell="${predictions}"]`)!;
      root.querySelectorAll('ol').forEach((ol) => ol.setAttribute('data-bench-seen', ''));
      const deadline = performance.now() + 4000;
      let ol: Element | null = null;
      while (performance.now() < deadline) {
        ol = root.querySelector('ol');
        if (ol && !ol.hasAttribute('data-bench-seen') && ol.parentElement?.querySelector('.zf-spread')) break;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      ol = root.querySelector('ol');
      const pad = document.querySelector(`[data-cell="${c}"] .zf-drawing`) as HTMLElement & { value: ArrayLike<number> };
      return {
        top5: ol ? [...ol.querySelectorAll('li')].map((li) => Number(li.getAttribute('data-digit'))) : [],
        spread: [...(ol?.parentElement?.querySelectorAll('.zf-spread [data-count]') ?? [])].map((el) => [Number(el.getAttribute('data-digit')), Number(el.getAttribute('data-count'))]),
        input: Array.from(pad.value, (v) => (v > 0.5 ? 1 : 0)),
        scrollY: window.scrollY,
      };
    }, [cell, PREDICTIONS[cell]] as const);
    const result: DrawnResult = {
      id: d.id, digit: d.digit, style: d.style, pointer: d.pointer, penWidth: d.penWidth, size: d.size,
      answer: read.top5[0] ?? -1, top5: read.top5,
      majority: read.spread.length ? read.spread.reduce((best, e) => (e[1] > best[1] ? e : best))[0] : -1, input: read.input, scrolled: read.scrollY !== scrollBefore,
    };
    results.push(result);
    onResult?.(result, i);
  }
  return results;
}

export interface DrawnSummary {
  count: number;
  top1: number;
  /** Top-1 by the majority of 20 noisy runs: steadier than one noisy answer. */
  top1Majority: number;
  perDigit: Record<string, { count: number; top1: number }>;
  perStyle: Record<string, { count: number; top1: number }>;
  perPointer: Record<string, { count: number; top1: number }>;
  perSize: Record<string, { count: number; top1: number }>;
  perPenWidth: Record<string, { count: number; top1: number }>;
  /** confusion[drawn][answered]; answer -1 (none) is not counted. */
  confusion: number[][];
  scrolled: number;
  failures: string[];
}

const pct = (correct: number, count: number) => +(100 * correct / Math.max(1, count)).toFixed(1);

function groupBy(results: DrawnResult[], key: (r: DrawnResult) => string | number) {
  const groups: Record<string, { count: number; correct: number }> = {};
  for (const r of results) {
    const g = (groups[String(key(r))] ??= { count: 0, correct: 0 });
    g.count++;
    if (r.answer === r.digit) g.correct++;
  }
  return Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, { count: g.count, top1: pct(g.correct, g.count) }]));
}

export function summarise(results: DrawnResult[]): DrawnSummary {
  const confusion = [...Array(10)].map(() => new Array<number>(10).fill(0));
  for (const r of results) if (r.answer >= 0) confusion[r.digit][r.answer]++;
  return {
    count: results.length,
    top1: pct(results.filter((r) => r.answer === r.digit).length, results.length),
    top1Majority: pct(results.filter((r) => r.majority === r.digit).length, results.length),
    perDigit: groupBy(results, (r) => r.digit),
    perStyle: groupBy(results, (r) => `${r.digit}-${r.style}`),
    perPointer: groupBy(results, (r) => r.pointer),
    perSize: groupBy(results, (r) => r.size),
    perPenWidth: groupBy(results, (r) => r.penWidth),
    confusion,
    scrolled: results.filter((r) => r.scrolled).length,
    failures: results.filter((r) => r.answer !== r.digit).map((r) => `${r.id}→${r.answer}`),
  };
}

/** The confusion matrix as text rows ("drawn: counts per answer"). */
export function confusionText(confusion: number[][]): string {
  const head = 'drawn\\answer ' + [...Array(10).keys()].map((d) => String(d).padStart(3)).join('');
  return [head, ...confusion.map((row, d) => `${String(d).padStart(12)} ${row.map((v) => String(v || '.').padStart(3)).join('')}`)].join('\n');
}

/**
 * A PNG of the failures (screenshot of a page made for it): per failure what was drawn (the strokes,
 * with the pen width used), what the chip saw (the 28×28 binarised input) and what it answered.
 */
export async function failureSheet(browser: Browser, results: DrawnResult[], drawings: DrawnDigit[], path: string, title: string): Promise<number> {
  const failures = results.filter((r) => r.answer !== r.digit);
  const byId = new Map(drawings.map((d) => [d.id, d]));
  const items = failures.map((r) => ({ r, strokes: byId.get(r.id)!.strokes }));
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  try {
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html><body style="margin:8px;font:12px sans-serif;background:#fff">
      <h3 style="margin:4px 0">${title.replace(/</g, '&lt;')}: ${failures.length} of ${results.length} drawings not recognised</h3>
      <p style="margin:4px 0">each: as drawn (grey box = pad) · what the chip saw (28×28) · drawn → answered</p>
      <div id="sheet" style="display:flex;flex-wrap:wrap;gap:6px"></div></body></html>`);
    await page.evaluate((list) => {
      const sheet = document.getElementById('sheet')!;
      for (const { r, strokes } of list) {
        const fig = document.createElement('figure');
        fig.style.cssText = 'margin:0;border:1px solid #ccc;padding:3px;width:176px';
        const drawn = document.createElement('canvas');
        drawn.width = drawn.height = 84;
        const g = drawn.getContext('2d')!;
        g.fillStyle = '#f4f4f4'; g.fillRect(0, 0, 84, 84);
        g.strokeStyle = '#111'; g.lineCap = g.lineJoin = 'round'; g.lineWidth = (r.penWidth * 84) / 28;
        for (const s of strokes) {
          g.beginPath();
          s.forEach((p, i) => (i ? g.lineTo(p.x * 84, p.y * 84) : g.moveTo(p.x * 84, p.y * 84)));
          if (s.length === 1) g.lineTo(s[0].x * 84 + 0.1, s[0].y * 84);
          g.stroke();
        }
        const seen = document.createElement('canvas');
        seen.width = seen.height = 84;
        const h = seen.getContext('2d')!;
        h.fillStyle = '#fff'; h.fillRect(0, 0, 84, 84);
        h.fillStyle = '#111';
        r.input.forEach((v, i) => { if (v) h.fillRect((i % 28) * 3, Math.floor(i / 28) * 3, 3, 3); });
        seen.style.cssText = 'margin-left:4px;outline:1px solid #999';
        const cap = document.createElement('figcaption');
        cap.innerHTML = `<b style="font-size:15px">${r.digit} → ${r.answer < 0 ? '?' : r.answer}</b> <span style="color:#555">${r.style}, ${r.pointer}, pen ${r.penWidth}</span>`;
        fig.append(drawn, seen, cap);
        sheet.append(fig);
      }
    }, items);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await context.close();
  }
  return failures.length;
}
