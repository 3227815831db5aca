/**
 * The drawn-digit benchmark: 300 digits (bench/drawn/strokes.ts) drawn as mouse and touch strokes on the
 * trained pad of the built site in Chromium. Reports top-1 overall, per digit, per style, pointer, size
 * and pen width, the confusion matrix, and writes a picture sheet of the failures to bench/out/.
 * Run: npm run bench -- drawn [query]   e.g.  npm run bench -- drawn "preset=recommended"
 * The query (or DRAWN_QUERY) picks the model the page trains or loads; results are kept per query (or
 * per DRAWN_LABEL, when given).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, PRECOMPUTE_CACHE } from '../build';
import { startStaticServer } from '../lib/host/serve';
import { launchChromium } from '../tests/browser/chromium';
import { confusionText, failureSheet, openSite, replayDrawings, summarise } from './drawn/replay';
import { drawnDigits } from './drawn/strokes';

const here = dirname(fileURLToPath(import.meta.url));

export default async function drawnBench(): Promise<Record<string, unknown>> {
  const query = (process.argv[3] ?? process.env.DRAWN_QUERY ?? '').replace(/^\?/, '');
  const label = process.env.DRAWN_LABEL ?? (query || 'default (tutorial model, precomputed)');
  const root = mkdtempSync(join(tmpdir(), 'ziffern-drawn-bench-'));
  // Both presets precomputed (cached in .cache/precomputed), as the site ships them: the pad answers at once.
  await build({ outDir: root, precompute: { cacheDir: PRECOMPUTE_CACHE } });
  const server = await startStaticServer({ root, port: 0 });
  const browser = await launchChromium();
  try {
    const started = performance.now();
    const page = await openSite(browser, server.url, query);
    const drawings = drawnDigits(1);
    const results = await replayDrawings(page, drawings, 'trainedDrawing', (r, i) => {
      if (i % 50 === 49) process.stderr.write(`  drawn: ${i + 1}/${drawings.length}\n`);
    });
    const summary = summarise(results);
    const outDir = join(here, 'out');
    mkdirSync(outDir, { recursive: true });
    const sheet = join(outDir, `drawn-failures${query ? '-' + query.replace(/[^a-z0-9]+/gi, '_') : ''}.png`);
    await failureSheet(browser, results, drawings, sheet, `Drawn digits, ${label}`);
    process.stderr.write(`drawn [${label}]: top-1 ${summary.top1} % of ${summary.count}\n${confusionText(summary.confusion)}\n`);
    // keep the other queries' results from earlier runs
    const reportPath = join(here, 'report.json');
    const previous = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')).drawn?.runs ?? {}) : {};
    return {
      runs: { ...previous, [label]: { ...summary, confusionText: confusionText(summary.confusion).split('\n'), sheet: sheet.slice(here.length + 1), seconds: +((performance.now() - started) / 1000).toFixed(1) } },
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
