/**
 * Training time of the presets in the page (issue 12: recommended ≤ 30 s in the page): builds the site
 * without precomputed results (so the page trains live), opens it in headless Chromium with
 * `?preset=…` and times the training through window.ziffern, next to the tutorial's epoch for scale.
 *   npx tsx bench/presetsPage.ts ['?epochs=1' '?preset=recommended' …]
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startStaticServer } from '../lib/host/serve';

export async function pageTrainingSeconds(searches: string[]): Promise<Record<string, unknown>[]> {
  const { chromium } = await import('playwright-core');
  const dist = '/tmp/zf-presets-dist';
  rmSync(dist, { recursive: true, force: true });
  execFileSync('npx', ['tsx', 'build.ts', dist, '--no-precompute'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startStaticServer({ root: dist, port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const results: Record<string, unknown>[] = [];
  try {
    for (const search of searches) {
      const page = await browser.newPage();
      await page.goto(`${server.url}${search}`);
      await page.waitForFunction(() => 'ziffern' in window, null, { timeout: 180_000 });
      const result = await page.evaluate(() => new Promise<Record<string, unknown>>((resolve) => {
        type Progress = { state: string; batch: number; epochs: { seconds: number; testAccuracy: number }[]; error?: string };
        const w = window as unknown as { ziffern: { observe(name: string, f: (v: unknown) => void): () => void } };
        let startedAt = NaN;
        w.ziffern.observe('training', (value) => {
          const p = value as Progress | null;
          if (!p) return;
          if (Number.isNaN(startedAt) && p.state === 'running') startedAt = performance.now();
          if (p.state === 'done' || p.state === 'error' || p.state === 'cancelled') {
            resolve({
              state: p.state, error: p.error ?? '', epochs: p.epochs.length,
              epochSeconds: p.epochs.map((e) => Math.round(e.seconds * 100) / 100),
              trainingSeconds: p.epochs.reduce((s, e) => s + e.seconds, 0),
              pageSeconds: (performance.now() - startedAt) / 1000,
              testAccuracy: p.epochs.at(-1)?.testAccuracy ?? NaN,
            });
          }
        });
      }));
      results.push({ search, ...result });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}

if (process.argv[1]?.endsWith('presetsPage.ts')) {
  // npx tsx bench/presetsPage.ts '?epochs=1' '?preset=recommended' …
  const searches = process.argv.length > 2 ? process.argv.slice(2) : ['?epochs=1', '?preset=recommended'];
  pageTrainingSeconds(searches).then((r) => { console.log(JSON.stringify(r, null, 1)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
