/**
 * Articles (issue 13) in headless Chromium: Notebook Kit notebooks built by `build()` into a site served below
 * a sub-path. The real articles render ziffern's cells and their author cells; the README's example notebook,
 * built as an author would, re-runs its author cell when `hidden` changes and shows the new test accuracy; an
 * author cell with an unknown input and one that throws each show their error while the rest keeps working.
 * No request leaves the test server, no console error other than the one deliberately refused cell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from '../../build.js';
import { buildArticles, foreignUrls, ARTICLE_ASSETS } from '../../notebook/articles/build.js';
import { startStaticServer, type RunningServer } from '../../lib/host/serve.js';
import { launchChromium, watchPage } from './chromium.js';

/** Small settings whose training the test build precomputes (the articles start from them via the address). */
const SMALL = { hidden: 16, epochs: 1, trainSize: 1000, augment: 'none' } as const;
const SMALL_QUERY = 'hidden=16&epochs=1&trainSize=1000&augment=none';
const SUB_PATH = 'courses/ziffern/';

/** The README's "Write an article" notebook, verbatim. */
export function readmeArticle(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Write an article'));
  const match = /```html\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no ```html block in "## Write an article"');
  return match[1];
}

/** The README's notebook plus two broken author cells and one that depends on the throwing one. */
function brokenArticle(): string {
  return readmeArticle().replace(
    '</notebook>',
    `  <script type="module">
show(define("typo", ["testAcuracy"], (accuracy) => accuracy))
  </script>
  <script type="module">
show(define("thrower", ["hidden"], (hidden) => { throw new Error("deliberately broken at " + hidden + " neurons"); }))
  </script>
  <script type="module">
show(define("afterThrower", ["thrower"], (value) => value))
  </script>
  <script type="module">
show("viewof epochs")
  </script>
  <script type="module">
// Notebook Kit's standard library, bundled instead of fetched from its CDN.
display(Object.assign(document.createElement("output"), {id: "d3-check", textContent: String(d3.sum([1, 2, 3]))}));
display(Inputs.button("Inputs works"));
  </script>
</notebook>`,
  );
}

describe('articles (Notebook Kit) in Chromium', () => {
  let root: string;
  let site: string;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ziffern-article-'));
    site = join(root, SUB_PATH);
    await build({ outDir: site, articles: true, precompute: { cacheDir: join(root, '.cache'), plan: [{ kind: 'training', params: SMALL }] } });
    // The README's example, copied as an author would, built by the same step.
    const sources = join(root, 'authored');
    mkdirSync(sources);
    writeFileSync(join(sources, 'width.html'), readmeArticle());
    writeFileSync(join(sources, 'broken.html'), brokenArticle());
    await buildArticles(site, { sources: [join(sources, 'width.html'), join(sources, 'broken.html')] });
    server = await startStaticServer({ root, port: 0 });
    browser = await launchChromium();
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const cellText = (page: Page, name: string) => page.locator(`[data-cell="${name}"]`).first().textContent();

  /** Through the page's own embed.js (the same module and notebook as the article's cells): optionally set a
   *  parameter, then the first test accuracy that is a number. (A string: vitest would rewrite an import().) */
  const testAccuracy = async (page: Page, set?: [string, unknown]): Promise<number> =>
    (await page.evaluate(`(async () => {
      const embed = await import(new URL('./embed.js', document.baseURI).href);
      const element = embed.show('hidden');
      ${set ? `await element.embed.set(${JSON.stringify(set[0])}, ${JSON.stringify(set[1])});` : ''}
      const seen = await new Promise((resolve) => {
        const stop = element.embed.observe('testAccuracy', (value) => {
          if (typeof value === 'number') { stop(); resolve(value); }
        });
      });
      element.embed.dispose();
      return seen;
    })()`)) as number;
  const waitForText = (page: Page, cell: string, text: string) =>
    page.waitForFunction(([name, expected]) => document.querySelector(`[data-cell="${name}"]`)?.textContent === expected, [cell, text] as const, { timeout: 60_000 });

  it('the built files name no other host and use relative URLs only', () => {
    for (const name of ['article.html', 'article-noise.html', 'article.de.html', 'article-noise.de.html', ...readdirSync(join(site, ARTICLE_ASSETS)).map((n) => `${ARTICLE_ASSETS}/${n}`)]) {
      if (!/\.(html|js|css)$/.test(name)) continue;
      const text = readFileSync(join(site, name), 'utf8');
      expect(foreignUrls(text), name).toEqual([]);
      expect(text, name).not.toMatch(/(?:src|href)="\//);
    }
  });

  it('article.html renders ziffern cells and its author cell, below a sub-path, with no foreign request or console error', async () => {
    const { page, problems, close } = await watchPage(browser, new URL(server.url).host);
    try {
      await page.goto(`${server.url}${SUB_PATH}article.html?${SMALL_QUERY}`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      // the pad starts empty and answers once it has a digit: take a sample
      await page.locator('[data-cell="trainedDrawing"] button.zf-sample[data-digit="3"]').first().click({ timeout: 60_000 });
      await page.waitForSelector('[data-cell="trainedPredictions"][data-status="fulfilled"] li', { timeout: 60_000 });
      const accuracy = await testAccuracy(page);
      await waitForText(page, 'accuracyLine', `Test accuracy ${(100 * accuracy).toFixed(1)} % with 16 neurons per layer`);
      await page.waitForSelector('[data-cell="capacity"] .observablehq--inspect', { timeout: 60_000 });
      expect(await page.locator('[data-cell="viewof hidden"] input').count()).toBeGreaterThan(0);
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('article.de.html is German: its page, ziffern\'s controls and its author cell', async () => {
    const { page, problems, close } = await watchPage(browser, new URL(server.url).host);
    try {
      await page.goto(`${server.url}${SUB_PATH}article.de.html?${SMALL_QUERY}`);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      const accuracy = await testAccuracy(page);
      await waitForText(page, 'accuracyLine', `Testgenauigkeit ${(100 * accuracy).toFixed(1).replace('.', ',')} % mit 16 Neuronen pro Lage`);
      expect(await page.locator('[data-cell="viewof hidden"]').first().textContent()).toContain('Versteckte Neuronen pro Lage');
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it('article-noise.html renders the measured mock parameters, its author cells and the history with the Inspector', async () => {
    const { page, problems, close } = await watchPage(browser, new URL(server.url).host);
    try {
      await page.goto(`${server.url}${SUB_PATH}article-noise.html?${SMALL_QUERY}`);
      await page.waitForFunction(() => /together σ = 5\.3 steps/.test(document.querySelector('[data-cell="noiseBudget"]')?.textContent ?? ''), null, { timeout: 60_000 });
      const accuracy = await testAccuracy(page);
      await waitForText(page, 'noiseAccuracy', `Test accuracy ${(100 * accuracy).toFixed(1)} % with noise σ = 2 and gain 0.002`);
      await page.waitForSelector('[data-cell="history"] .observablehq--inspect', { timeout: 60_000 });
      await page.waitForSelector('[data-cell="mockParameters"][data-status="fulfilled"]', { timeout: 60_000 });
      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  });

  it("the README's notebook: the author cell re-runs when hidden changes and shows the new test accuracy; broken author cells show their errors, the rest keeps working", async () => {
    const { page, problems, close } = await watchPage(browser, new URL(server.url).host);
    try {
      await page.goto(`${server.url}${SUB_PATH}broken.html?${SMALL_QUERY}`);
      const first = await testAccuracy(page);
      await waitForText(page, 'accuracyLine', `Test accuracy ${(100 * first).toFixed(1)} % with 16 neurons per layer`);

      // The unknown input is refused, naming the cell and the name; the throwing cell and the one that uses it show
      // the error; nothing else does.
      await page.waitForSelector('[data-cell="afterThrower"][data-status="error"]');
      await page.waitForSelector('[data-cell="typo"][data-status="error"]');
      expect(await cellText(page, 'typo')).toMatch(/^cell "typo" has unknown input "testAcuracy"/);
      expect(await cellText(page, 'thrower')).toBe('deliberately broken at 16 neurons');
      expect(await cellText(page, 'afterThrower')).toBe('deliberately broken at 16 neurons');
      expect(await page.locator('[data-status="error"]').count()).toBe(3);
      await page.waitForSelector('#d3-check');
      expect(await page.locator('#d3-check').textContent()).toBe('6');
      await page.getByRole('button', { name: 'Inputs works' }).waitFor();
      // ziffern's own cells are not replaced by accident; redefine is explicit (and checked the same way).
      const refusals = (await page.evaluate(`(async () => {
        const embed = await import(new URL('./embed.js', document.baseURI).href);
        const attempt = (f) => { try { f(); return 'accepted'; } catch (error) { return error.message; } };
        return [
          attempt(() => embed.define('testAccuracy', [], () => 1)),
          attempt(() => embed.define('accuracyLine', [], () => 1)),
          attempt(() => embed.redefine('noSuchCell', [], () => 1)),
          attempt(() => embed.define('', [], () => 1)),
        ];
      })()`)) as string[];
      expect(refusals[0]).toMatch(/^cell "testAccuracy" is one of ziffern's cells; define\(\) only adds new cells\. To replace it on purpose, use redefine\("testAccuracy"/);
      expect(refusals[1]).toMatch(/^cell "accuracyLine" is already defined; use redefine/);
      expect(refusals[2]).toMatch(/^redefine: unknown cell "noSuchCell"/);
      expect(refusals[3]).toMatch(/^define: the cell name must be a non-empty string/);

      // Change hidden (as the slider does, through the page's one notebook) and read what the author cell shows.
      const accuracy = await testAccuracy(page, ['hidden', 8]);
      await waitForText(page, 'accuracyLine', `Test accuracy ${(100 * accuracy).toFixed(1)} % with 8 neurons per layer`);
      expect(await cellText(page, 'thrower')).toBe('deliberately broken at 8 neurons');
      expect(await page.locator('[data-cell="viewof epochs"] input').count()).toBeGreaterThan(0);

      expect(problems()).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
