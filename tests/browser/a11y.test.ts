/**
 * Issue 15 in Chromium: axe-core (WCAG 2.0/2.1/2.2 A and AA) finds 0 violations on the page in both
 * languages, without prose, after a training with a mistake opened, and on every other page of the site
 * (articles, teachers' pages); the tutorial works with the keyboard alone; the German page holds no English
 * (and the English page no German) outside proper names; on a phone the pad and its answer fit one screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '../../lib/host/serve.js';
import { startBuiltSite, type BuiltSite } from './site.js';
import { watchPage } from './chromium.js';
import type { Browser, Page } from 'playwright-core';

const AXE = join(process.cwd(), 'node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** Short runs for the tests: few images, one epoch. */
const SHORT = 'trainSize=600&batchSize=50&epochs=1&hidden=32';

interface AxeResult { violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[] }

/** Every section painted (they skip painting off-screen), then axe; prints and returns the violations. */
async function axe(page: Page, what: string): Promise<string[]> {
  await page.addStyleTag({ content: 'section { content-visibility: visible !important; }' });
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (tags) => (window as unknown as { axe: { run(o: unknown): Promise<AxeResult> } }).axe.run({ runOnly: { type: 'tag', values: tags } }), TAGS) as AxeResult;
  const lines = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.split('\n')[1]?.trim() ?? v.help}`));
  console.log(`axe ${what}: ${lines.length} violation(s)${lines.length ? '\n  ' + lines.join('\n  ') : ''}`);
  return lines;
}

/** The page has data and a first answer area: the cells are mounted. */
async function settle(page: Page): Promise<void> {
  await page.locator('[data-cell="datasetCounts"] [data-count-train]').waitFor({ timeout: 60_000 });
  await page.locator('[data-cell="predictions"] .zf-predictions').waitFor({ timeout: 60_000 });
  await page.locator('[data-cell="modelDiagram"] svg').waitFor({ timeout: 60_000 });
}

/**
 * Visible words that belong to the other language. Function words and this page's own vocabulary; a word that
 * is the same in both (Test, Training, Chip, ideal) is not listed. Proper names and code (MNIST, hxtorch, <code>)
 * are not words of either language and are skipped.
 */
const ENGLISH = ['the', 'and', 'of', 'with', 'is', 'are', 'for', 'this', 'that', 'from', 'not', 'images', 'image', 'digit', 'digits', 'neurons', 'layer', 'layers',
  'loss', 'done', 'none', 'nightly', 'fresh', 'defaults', 'measured', 'crop', 'mild', 'epochs', 'epoch', 'accuracy', 'show', 'click', 'draw', 'result', 'runs',
  'settings', 'model', 'untrained', 'trained', 'stop', 'clear', 'pen', 'eraser', 'save', 'load', 'width', 'widths', 'running', 'waiting', 'seconds', 'noise', 'gain', 'calibrated',
  'uncalibrated', 'precomputed', 'batches', 'backend', 'sweep', 'hidden', 'true', 'false', 'samples', 'random'];
const GERMAN = ['der', 'die', 'das', 'und', 'mit', 'nicht', 'ist', 'Ziffer', 'Ziffern', 'Bilder', 'Bild', 'Genauigkeit', 'Epoche', 'Epochen', 'Neuronen', 'Lage', 'Lagen',
  'Verlust', 'Ergebnis', 'Einstellungen', 'trainieren', 'für', 'auf', 'eine', 'einer', 'Rauschen', 'Verstärkung', 'Kalibrierung', 'Durchläufe', 'Stapel', 'Zeile', 'Spalte'];
/** Names that stay as they are in both languages. */
const PROPER_NAMES = ['Deutsch', 'English', 'Maschinelles Lernen', 'ziffern'];

/** Every visible text and accessible name on the page (trimmed), outside code and elements marked with another language. */
async function texts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const skip = (el: Element | null) => !!el?.closest('script, style, code, noscript, [lang]:not(html), [hidden]');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) if (!skip(node.parentElement)) out.push((node.textContent ?? '').trim());
    for (const el of document.querySelectorAll('[aria-label], [title], [aria-valuetext]')) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'aria-valuetext']) { const v = el.getAttribute(attr); if (v) out.push(v.trim()); }
    }
    return [...new Set(out.filter((t) => /\p{L}{3,}/u.test(t)))];
  });
}

/** Words that are the same in both languages, names and code: a text of only these is not untranslated. */
const SAME_IN_BOTH = new Set(['MNIST', 'BrainScaleS', 'hxtorch', 'ziffern', 'Deutsch', 'English', 'Maschinelles', 'Lernen', 'Mock', 'Bit', 'LSB', 'Test', 'Training', 'Chip', 'ideal',
  'ConvertingReLU', 'RandomResizedCrop', 'measure_mock_parameter', 'hidden', 'trainSize', 'labelNoise', 'augment', 'backend', 'Seed', 'Batch', 'Spotify', 'YouTube', 'Okabe', 'Ito', 'max', 'min']);

async function foreignWords(page: Page, lang: 'en' | 'de'): Promise<string[]> {
  const words = lang === 'de' ? ENGLISH : GERMAN;
  return page.evaluate(({ words, names, lang }) => {
    const found: string[] = [];
    const skip = (el: Element | null) => !!el?.closest('script, style, code, noscript, [lang]:not(html)') || !!el?.closest('[hidden]');
    const check = (text: string, where: string) => {
      let rest = text;
      for (const name of names) rest = rest.split(name).join(' ');
      for (const word of rest.split(/[^\p{L}\-_]+/u)) {
        if (words.includes(word) || (lang === 'de' && words.includes(word.toLowerCase()) && word === word.toLowerCase())) found.push(`${word} in “${text.trim().slice(0, 90)}” (${where})`);
      }
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (skip(node.parentElement)) continue;
      check(node.textContent ?? '', node.parentElement?.closest('[data-cell]')?.getAttribute('data-cell') ?? node.parentElement?.tagName ?? '');
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [aria-valuetext]')) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'aria-valuetext']) {
        const value = el.getAttribute(attr);
        if (value) check(value, `${attr} of ${el.closest('[data-cell]')?.getAttribute('data-cell') ?? el.tagName}`);
      }
    }
    check(document.title, 'title');
    return [...new Set(found)];
  }, { words, names: PROPER_NAMES, lang });
}

describe('accessibility and language (issue 15)', () => {
  let root: string;
  let server: RunningServer;
  let browser: Browser;
  let siteUrl: string;

  let site: BuiltSite | undefined;
  beforeAll(async () => {
    site = await startBuiltSite('a11y', { articles: true });
    ({ root, server, browser } = site);
    siteUrl = site.url;
  });
  afterAll(() => site?.close());

  const open = async (query: string) => {
    const watched = await watchPage(browser, new URL(server.url).host);
    await watched.page.setViewportSize({ width: 1366, height: 900 });
    await watched.page.goto(`${siteUrl}index.html${query}`);
    return watched;
  };

  it('axe: 0 violations on the first view in English, in German and without prose', async () => {
    const found: Record<string, number> = {};
    for (const query of ['', '?lang=de', '?prose=0']) {
      const { page, close } = await open(query);
      try {
        await settle(page);
        const lines = await axe(page, `index.html${query}`);
        found[query || '(en)'] = lines.length;
        if (query === '?prose=0') {
          // headings stay, so the untrained and the trained pad can be told apart
          expect(await page.locator('#untrained h2').isVisible()).toBe(true);
          expect(await page.locator('#trained h2').isVisible()).toBe(true);
          expect(await page.locator('#untrained [data-prose] p').first().isVisible()).toBe(false);
        }
      } finally {
        await close();
      }
    }
    expect(found).toEqual({ '(en)': 0, '?lang=de': 0, '?prose=0': 0 });
  }, 180_000);

  it('axe: 0 violations after a training, with a mistake of the confusion matrix opened', async () => {
    const { page, problems, close } = await open(`?${SHORT}&lang=de`);
    try {
      await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'done', null, { timeout: 120_000 });
      expect(await page.locator('[data-cell="training"] .zf-state').textContent()).toMatch(/^(Fertig: Testgenauigkeit \d|Lernt nicht)/);
      const mistake = page.locator('[data-cell="confusionMatrix"] td.zf-cell[data-action="open"]').first();
      await mistake.focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-cell="misclassified"] .zf-mistakes[data-found]').waitFor({ timeout: 30_000 });
      await page.locator('[data-cell="trainedDrawing"] button.zf-sample[data-digit="3"]').press('Enter');
      await page.locator('[data-cell="trainedPredictions"] ol > li').first().waitFor();
      expect(await axe(page, 'after training, mistake opened (de)')).toEqual([]);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);

  it('axe: 0 violations on every other page of the site (articles, teachers’ pages)', async () => {
    const pages = readdirSync(root).filter((name) => name.endsWith('.html') && name !== 'index.html');
    expect(pages.length).toBeGreaterThan(0);
    const counts: Record<string, number> = {};
    for (const name of pages) {
      const watched = await watchPage(browser, new URL(server.url).host);
      try {
        await watched.page.goto(siteUrl + name);
        await watched.page.waitForLoadState('networkidle');
        await watched.page.waitForTimeout(1500);
        counts[name] = (await axe(watched.page, name)).length;
      } finally {
        await watched.close();
      }
    }
    expect(counts).toEqual(Object.fromEntries(pages.map((name) => [name, 0])));
  }, 180_000);

  it('keyboard only: set the width, train, draw a digit, hear the answer', async () => {
    const { page, problems, close } = await open(`?trainSize=600&batchSize=50&epochs=1`);
    try {
      await settle(page);
      // Tab to the width slider (no pointer anywhere in this test)
      let reached = false;
      for (let i = 0; i < 150 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.matches('[data-cell="viewof hidden"] input[type=range]') ?? false);
      }
      expect(reached).toBe(true);
      const slider = page.locator('[data-cell="viewof hidden"] input[type=range]');
      expect(await slider.getAttribute('aria-valuetext')).toBe('256 neurons');
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
      expect(await slider.getAttribute('aria-valuetext')).toBe('32 neurons');
      await page.waitForFunction(async () => (await (window as unknown as { ziffern: { value(n: string): Promise<unknown> } }).ziffern.value('hidden')) === 32, null, { timeout: 10_000 });
      // the training it started shows in the status bar where the reader is
      await page.locator('.zf-statusbar:not([hidden])').waitFor({ timeout: 30_000 });
      expect(await page.locator('.zf-statusbar').textContent()).toMatch(/Training: \d+ %|Done/);
      await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'done', null, { timeout: 120_000 });
      // Tab on to the trained pad's canvas
      reached = false;
      for (let i = 0; i < 200 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.matches('[data-cell="trainedDrawing"] canvas') ?? false);
      }
      expect(reached).toBe(true);
      expect(await page.locator('[data-cell="trainedDrawing"] .zf-pen-cursor').isVisible()).toBe(true);
      // a "1": from the top of the middle column straight down
      for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Space');
      for (let i = 0; i < 18; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      const region = page.locator('[data-announce="answer-trained"]');
      await page.waitForFunction(() => /the answer is \d/.test(document.querySelector('[data-announce="answer-trained"]')?.textContent ?? ''), null, { timeout: 10_000 });
      const said = (await region.textContent())!;
      expect(await region.getAttribute('aria-live')).toBe('polite');
      expect(said).toMatch(/^Trained model: the answer is \d, then \d\.$/);
      // the announced answer is one the list shows (a later noisy inference may reorder it)
      const listed = await page.locator('[data-cell="trainedPredictions"] ol > li').evaluateAll((items) => items.map((li) => li.getAttribute('data-digit')));
      expect(listed).toContain(said.match(/answer is (\d)/)![1]);
      console.log(`keyboard-only run: the live region said “${said}”`);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  }, 240_000);

  it('the German page has no English words and the English page no German ones (outside proper names)', async () => {
    const found: Record<string, string[]> = {};
    const seen: Record<string, string[]> = {};
    for (const lang of ['de', 'en'] as const) {
      const { page, close } = await open(`?lang=${lang}&${SHORT}`);
      try {
        await settle(page);
        await page.waitForFunction(() => document.querySelector('[data-cell="training"]')?.getAttribute('data-state') === 'done', null, { timeout: 120_000 });
        await page.locator('[data-cell="confusionMatrix"] td.zf-cell[data-action="open"]').first().press('Enter');
        await page.locator('[data-cell="misclassified"] .zf-mistakes[data-found]').waitFor({ timeout: 30_000 });
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        found[lang] = await foreignWords(page, lang);
        seen[lang] = await texts(page);
        console.log(`foreign words on the ${lang} page: ${found[lang].length}${found[lang].length ? '\n  ' + found[lang].join('\n  ') : ''}`);
      } finally {
        await close();
      }
    }
    // A text shown the same in both languages is untranslated, unless it is made only of names, code and numbers.
    const english = new Set(seen.en);
    const same = seen.de.filter((text) => english.has(text) && text.split(/[^\p{L}_]+/u).some((word) => word.length >= 3 && !SAME_IN_BOTH.has(word)));
    console.log(`texts identical in both languages: ${same.length}${same.length ? '\n  ' + same.join('\n  ') : ''}`);
    expect({ ...found, same }).toEqual({ de: [], en: [], same: [] });
  }, 240_000);

  it('“Back to the tutorial’s settings” resets every value and the address', async () => {
    const { page, problems, close } = await open('?lang=de&hidden=32&lr=10&epochs=abc&hide=history');
    try {
      await page.locator('#url-problems:not([hidden])').waitFor({ timeout: 30_000 });
      await page.locator('button.zf-reset').focus();
      await page.keyboard.press('Enter');
      const value = (name: string) => page.evaluate((n) => (window as unknown as { ziffern: { value(n: string): Promise<unknown> } }).ziffern.value(n), name);
      await page.waitForFunction(async () => (await (window as unknown as { ziffern: { value(n: string): Promise<unknown> } }).ziffern.value('lr')) === 0.25, null, { timeout: 10_000 });
      expect(await value('hidden')).toBe(256);
      await page.waitForFunction(() => !/hidden=|lr=/.test(location.search), null, { timeout: 10_000 });
      // the view options and the language stay: they are the teacher's, not a setting of the model
      expect(new URL(page.url()).searchParams.get('lang')).toBe('de');
      expect(new URL(page.url()).searchParams.get('hide')).toBe('history');
      await page.locator('#url-problems').waitFor({ state: 'hidden', timeout: 10_000 }); // the reset ends by hiding the old problems
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('unknown ?lang= values are reported like other refused values', async () => {
    for (const [query, shown] of [['?lang=fr', /lang=fr: not available; allowed are en \(English\) and de \(German\)/], ['?lang=DE', /lang=DE: als „de“ gelesen/]] as const) {
      const { page, close } = await open(query);
      try {
        await page.locator('#url-problems:not([hidden])').waitFor({ timeout: 30_000 });
        expect(await page.locator('#url-problems').textContent()).toMatch(shown);
      } finally {
        await close();
      }
    }
  });

  it('on a phone (390 × 844, touch): the pad and its answer fit one screen, nothing clips, targets are at least 24 × 24 px', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    try {
      await page.goto(`${siteUrl}index.html?lang=de`);
      await settle(page);
      const canvas = page.locator('[data-cell="drawing"] canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
      await page.locator('[data-cell="predictions"] ol > li').first().waitFor({ timeout: 10_000 });
      // canvas and its top answer on one screen, as the reader draws
      const fits = await page.evaluate(() => {
        const canvas = document.querySelector('[data-cell="drawing"] canvas')!.getBoundingClientRect();
        const answer = document.querySelector('[data-cell="predictions"] ol > li')!.getBoundingClientRect();
        return { top: Math.min(canvas.top, answer.top), bottom: Math.max(canvas.bottom, answer.bottom), height: innerHeight };
      });
      expect(fits.bottom - fits.top).toBeLessThanOrEqual(fits.height);
      // nothing wider than the screen: the page does not scroll sideways (wide tables scroll in their own box)
      await page.addStyleTag({ content: 'section { content-visibility: visible !important; }' });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const small = await page.evaluate(() => [...document.querySelectorAll('button, input, select, summary')]
        .filter((el) => !(el as HTMLElement).closest('[hidden]') && (el as HTMLElement).offsetParent !== null)
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width < 24 || box.height < 24)
        .map(({ el, box }) => `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[${el.getAttribute('type')}]` : ''} in ${el.closest('[data-cell]')?.getAttribute('data-cell')}: ${Math.round(box.width)}×${Math.round(box.height)}`));
      console.log(`targets below 24 × 24 px at 390 px: ${small.length}${small.length ? '\n  ' + small.join('\n  ') : ''}`);
      expect(small).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
