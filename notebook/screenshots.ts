import { chromium } from 'playwright-core';
import { startStaticServer } from '../lib/host/serve.js';
const root = process.argv[2] ?? '/tmp/p2dist';
const query = process.argv[3] ?? '';
const server = await startStaticServer({ root, port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
try {
  for (const [name, width, dpr] of [['wide', 1280, 1], ['phone', 390, 2]] as const) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: dpr });
    page.on('pageerror', (e) => console.log(`${name}: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.log(`${name}: console ${m.text()}`); });
    await page.goto(server.url + query);
    await page.waitForSelector('[data-cell="predictions"] li', { timeout: 60000 }).catch(() => console.log('no predictions'));
    await page.waitForTimeout(Number(process.env.WAIT ?? 8000));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) console.log(`${name}: page scrolls sideways by ${overflow}px`);
    for (const id of await page.evaluate(() => [...document.querySelectorAll('section[id]')].map((s) => s.id))) {
      const el = page.locator(`section#${id}`);
      await el.screenshot({ path: `/tmp/p2/${name}-${id}.png` });
    }
    await page.close();
  }
} finally { await browser.close(); await server.close(); }
