import { startStaticServer } from '../../lib/host/serve.js';
import { launchChromium } from './chromium.js';
const dir = process.argv[2] ?? '/tmp/a11y-dist';
const query = process.argv[3] ?? '';
const server = await startStaticServer({ root: dir, port: 0 });
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(server.url + 'index.html' + query);
await page.locator('[data-cell="predictions"] ol li, [data-cell="predictions"] .zf-empty').first().waitFor({ timeout: 60000 }).catch(() => {});
await page.waitForTimeout(3000);
// render all sections (content-visibility)
await page.addStyleTag({ content: 'section{content-visibility:visible !important}' });
await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
const result = await page.evaluate(async () => (window as any).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
for (const v of result.violations) {
  console.log(v.id, v.impact, v.nodes.length, v.help);
  for (const n of v.nodes.slice(0, 4)) console.log('   ', n.target.join(' '), '|', n.failureSummary.split('\n').slice(1, 2).join(''));
}
console.log('total nodes', result.violations.reduce((s: number, v: any) => s + v.nodes.length, 0));
await browser.close(); await server.close();
