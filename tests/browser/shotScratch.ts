import { startStaticServer } from '../../lib/host/serve.js';
import { launchChromium } from './chromium.js';
const dir = process.argv[2] ?? '/tmp/a11y-dist';
const widths = (process.argv[3] ?? '360,390,1366').split(',').map(Number);
const langs = (process.argv[4] ?? 'en,de').split(',');
const extra = process.argv[5] ?? '';
const server = await startStaticServer({ root: dir, port: 0 });
const browser = await launchChromium();
for (const lang of langs) for (const width of widths) {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 }, hasTouch: width < 500, isMobile: width < 500, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${server.url}index.html?lang=${lang}${extra}`);
  await page.locator('[data-cell="predictions"] .zf-predictions').waitFor({ timeout: 60000 });
  await page.locator('[data-cell="modelDiagram"] svg').waitFor({ timeout: 60000 });
  await page.waitForTimeout(1500);
  await page.addStyleTag({ content: 'section{content-visibility:visible !important}' });
  const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest('.zf-table-wrap') ).slice(0, 12).map((el) => `${el.tagName}.${el.className} ${el.closest('[data-cell]')?.getAttribute('data-cell')} right=${Math.round(el.getBoundingClientRect().right)}`), width);
  console.log(lang, width, 'scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth), wide.join('\n   '));
  await page.screenshot({ path: `/tmp/a11y/full-${lang}-${width}.png`, fullPage: true });
  // the pad in view
  await page.locator('[data-cell="drawing"] button.zf-sample[data-digit="3"]').click();
  await page.locator('[data-cell="drawing"] canvas').scrollIntoViewIfNeeded();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/a11y/pad-${lang}-${width}.png` });
  await context.close();
}
await browser.close(); await server.close();
