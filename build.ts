/**
 * `npm run build`: the self-contained static site in dist/.
 *   main.js (the page), worker.js (training Web Worker), embed.js (mount API, when present),
 *   tfjs's .wasm files, data/mnist-test.bin.gz + data/mnist-train.bin.gz (bit-packed binarised MNIST) and
 *   data/summary.json (the images per digit of both),
 *   calibration/*.json, index.html (with the prose of both languages written in: notebook/prerender.ts) and
 *   the page's other static files.
 * Every URL is relative (the site works from any sub-path of any static host) and nothing is loaded
 * from another host: the build refuses HTML that points elsewhere.
 *
 * Articles (notebook/articles/*.html, Notebook Kit notebooks): built by Notebook Kit's Vite plugin into <name>.html
 * and article-assets/, offline (notebook/articles/build.ts); cells.html, the reference of every cell an author may use,
 * is generated from the cells (notebook/articles/reference.ts).
 *
 * Precompute (lib/precompute): the CLI build trains the default configuration and a small sweep once
 * in Node and ships the results in precomputed/ (cached in .cache/precomputed/), so the page shows a
 * trained model at once. build() without `precompute` writes an empty precomputed/index.json.
 *
 * CLI: tsx build.ts [outDir=dist] [--no-minify] [--no-precompute]
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeSplit } from './lib/data/encoding.js';
import { summariseDataset, summaryJson, SUMMARY_FILE } from './lib/data/summary.js';
import { loadMnistNode } from './lib/host/node-data.js';
import { precompute, type PrecomputeOptions, type PrecomputeReport } from './lib/precompute/run.js';
import { ARTICLE_ASSETS, buildArticles, type ArticleBuild } from './notebook/articles/build.js';
import { cellReference, referencePage } from './notebook/articles/reference.js';
import { inlineStyles, prerenderProse } from './notebook/prerender.js';
import { CSS as COMPONENT_CSS, STYLES_ID } from './lib/ui/styles.js';
import { writePreloads, type FirstViewFiles } from './notebook/preload.js';
import { nightlyCalibrationPath } from './lib/chip/calibration.js';
import { defaultParams } from './lib/params.js';
import { fileOf, precomputeKey, PRECOMPUTED_INDEX } from './lib/precompute/files.js';
import { de } from './notebook/prose/de.js';
import { en } from './notebook/prose/en.js';

const PROJECT_ROOT = dirname(fileURLToPath(import.meta.url));

/** Gzipped data assets may not exceed this (the page downloads them on first visit). */
export const DATA_BUDGET_BYTES = 3 * 1024 * 1024;
export const DATA_FILES = { test: 'data/mnist-test.bin.gz', train: 'data/mnist-train.bin.gz' } as const;
/** Files of notebook/ copied verbatim next to the bundles. */
const STATIC_EXTENSIONS = ['.html', '.css', '.png', '.svg', '.ico', '.txt'];

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
  /** Print the size table (CLI: yes). */
  log?: boolean;
  /** Train results in advance for the page's first view (CLI: the default plan, cached in .cache/precomputed). */
  precompute?: PrecomputeOptions | false;
  /** Build the articles (Notebook Kit) and dist/cells.html (CLI: yes). Off by default: they take 20–60 s, and only the
   *  tests of articles need them, so the other browser tests' builds skip them. */
  articles?: boolean;
}

/** Where the CLI build keeps precomputed results between builds (gitignored). */
export const PRECOMPUTE_CACHE = join(PROJECT_ROOT, '.cache/precomputed');

export interface BuiltFile {
  path: string /* relative to outDir */;
  bytes: number;
}

export interface BuildReport {
  outDir: string;
  files: BuiltFile[];
  dataBytes: number;
  seconds: number;
  precompute: PrecomputeReport;
  articles: ArticleBuild;
  /** Bytes each entry (main.js, worker.js, embed.js) loads before it runs: itself and its static imports. */
  firstView: Record<string, number>;
}

/**
 * HTML/CSS must only reference relative URLs: no scheme, no protocol-relative "//", no root "/"
 * (a root path breaks when the site lives below a sub-path). Returns the offending references.
 */
export function absoluteReferences(text: string): string[] {
  const found: string[] = [];
  const attribute = /\b(?:src|href|action|poster|data)\s*=\s*["']([^"']*)["']/gi;
  const cssUrl = /url\(\s*["']?([^"')]*)["']?\s*\)/gi;
  const importRule = /@import\s+["']([^"']*)["']/gi;
  for (const pattern of [attribute, cssUrl, importRule]) {
    for (const match of text.matchAll(pattern)) {
      const url = match[1].trim();
      if (url === '' || url.startsWith('#') || url.startsWith('data:')) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('/')) found.push(url);
    }
  }
  return found;
}

function copyStaticFiles(fromDir: string, outDir: string): void {
  if (!existsSync(fromDir)) return;
  for (const name of readdirSync(fromDir)) {
    const source = join(fromDir, name);
    if (!statSync(source).isFile() || !STATIC_EXTENSIONS.some((ext) => name.endsWith(ext))) continue;
    if (name.endsWith('.html') || name.endsWith('.css')) {
      const bad = absoluteReferences(readFileSync(source, 'utf8'));
      if (bad.length > 0) throw new Error(`build: ${relative(PROJECT_ROOT, source)} references non-relative URLs (${bad.join(', ')}); the site must only use relative URLs`);
    }
    copyFileSync(source, join(outDir, name));
  }
}

/** The prose of both languages and the components' styles into the page, so it reads, laid out as it stays, before main.js has arrived (notebook/prerender.ts). */
function writePageProse(page: string): void {
  const html = inlineStyles(prerenderProse(readFileSync(page, 'utf8'), { en, de }), COMPONENT_CSS, STYLES_ID);
  const bad = absoluteReferences(html);
  if (bad.length > 0) throw new Error(`build: the prose references non-relative URLs (${bad.join(', ')}); the site must only use relative URLs`);
  writeFileSync(page, html);
}

function copyWasm(outDir: string): void {
  const wasmDir = join(PROJECT_ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const wasmFiles = readdirSync(wasmDir).filter((name) => name.endsWith('.wasm'));
  if (wasmFiles.length === 0) throw new Error(`build: no .wasm files in ${wasmDir}; run npm ci`);
  for (const name of wasmFiles) copyFileSync(join(wasmDir, name), join(outDir, name));
}

function copyCalibrations(outDir: string): void {
  const calibrationDir = join(PROJECT_ROOT, 'notebook/calibration');
  if (!existsSync(calibrationDir)) return;
  const files = readdirSync(calibrationDir).filter((name) => name.endsWith('.json'));
  if (files.length === 0) return;
  mkdirSync(join(outDir, 'calibration'), { recursive: true });
  for (const name of files) copyFileSync(join(calibrationDir, name), join(outDir, 'calibration', name));
}

async function writeDataAssets(outDir: string): Promise<number> {
  const dataset = await loadMnistNode();
  mkdirSync(join(outDir, 'data'), { recursive: true });
  let total = 0;
  // Test first: the page fetches it first so predictions and the digit grid can start early.
  for (const splitName of ['test', 'train'] as const) {
    const gzipped = gzipSync(encodeSplit(dataset[splitName]), { level: 9 });
    writeFileSync(join(outDir, DATA_FILES[splitName]), gzipped);
    total += gzipped.length;
  }
  // The counts per digit, so the page can show the training split's without downloading it.
  writeFileSync(join(outDir, SUMMARY_FILE), summaryJson(summariseDataset(dataset)));
  if (total > DATA_BUDGET_BYTES) {
    throw new Error(`build: data assets are ${(total / 1e6).toFixed(2)} MB, over the budget of ${(DATA_BUDGET_BYTES / 1e6).toFixed(2)} MB`);
  }
  return total;
}

function entryPoints(): Record<string, string> {
  const entries: Record<string, string> = {
    main: join(PROJECT_ROOT, 'notebook/main.ts'),
    worker: join(PROJECT_ROOT, 'lib/host/worker.ts'),
  };
  const embed = join(PROJECT_ROOT, 'notebook/embed.ts');
  if (existsSync(embed)) entries.embed = embed;
  return entries;
}

function listFiles(dir: string, base = dir): BuiltFile[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [{ path: relative(base, path), bytes: statSync(path).size }];
  }).sort((a, b) => a.path.localeCompare(b.path));
}

/** Source files that must never be on the first view: tfjs is loaded on demand (its engine, the crop oracle). */
export const ON_DEMAND_ONLY = /node_modules\/@tensorflow\//;

/**
 * The output files an entry loads before it runs: itself and its static imports, transitively (dynamic
 * imports are left out: they load when the code asks for them).
 */
export function staticClosure(metafile: esbuild.Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entryOutput);
  return [...seen];
}

/**
 * What each entry (main, worker, embed) downloads before it runs, in bytes; refuses a build where one of
 * them would load tfjs up front.
 */
export function checkFirstView(metafile: esbuild.Metafile, outDir: string, entries: readonly string[]): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const output of Object.keys(metafile.outputs)) {
    const name = relative(outDir, resolve(output));
    if (!entries.includes(name)) continue;
    const closure = staticClosure(metafile, output);
    const onDemand = closure.flatMap((file) => Object.keys(metafile.outputs[file].inputs).filter((input) => ON_DEMAND_ONLY.test(input)));
    if (onDemand.length > 0) throw new Error(`build: ${name} would load ${onDemand[0]} (and ${onDemand.length - 1} more) before it runs; tfjs must stay behind a dynamic import`);
    sizes[name] = closure.reduce((sum, file) => sum + metafile.outputs[file].bytes, 0);
  }
  return sizes;
}

export async function build(options: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, 'dist'));
  if (outDir === PROJECT_ROOT || outDir === resolve('/')) throw new Error(`build: refusing to use ${outDir} as output directory`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const bundled = await esbuild.build({
    entryPoints: entryPoints(),
    metafile: true,
    outdir: outDir,
    bundle: true,
    format: 'esm',
    // Dynamic imports (tfjs: lib/tf/backend.ts, lib/hagen/tfjsEngine.ts) become chunks of their own, so the
    // first view never downloads them. Chunks sit next to the entries: code that finds assets through
    // import.meta.url sees the same directory from either.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    legalComments: 'linked',
  });
  const firstView = checkFirstView(bundled.metafile, outDir, Object.keys(entryPoints()).map((name) => `${name}.js`));
  copyStaticFiles(join(PROJECT_ROOT, 'notebook'), outDir);
  if (!existsSync(join(outDir, 'index.html'))) throw new Error('build: notebook/index.html is missing');
  writePageProse(join(outDir, 'index.html'));
  copyWasm(outDir);
  copyCalibrations(outDir);
  const articles = options.articles ? await articleStep(outDir, options) : { pages: [], seconds: 0 };
  const dataBytes = await writeDataAssets(outDir);

  // ---- precompute (issue 6: instant first view); an empty plan still writes precomputed/index.json ----
  const precomputed = await precompute(outDir, options.precompute === false || options.precompute === undefined ? { plan: [] } : options.precompute);

  writeFileSync(join(outDir, 'index.html'), writePreloads(readFileSync(join(outDir, 'index.html'), 'utf8'), firstViewFiles(bundled.metafile, outDir, precomputed)));

  return { outDir, files: listFiles(outDir), dataBytes, seconds: (performance.now() - started) / 1000, precompute: precomputed, articles, firstView };
}

/** What the page's first view fetches, for the preloads in its head (notebook/preload.ts). */
function firstViewFiles(metafile: esbuild.Metafile, outDir: string, precomputed: PrecomputeReport): FirstViewFiles {
  const main = Object.keys(metafile.outputs).find((output) => relative(outDir, resolve(output)) === 'main.js');
  if (!main) throw new Error('build: no main.js in the bundle');
  const modules = staticClosure(metafile, main).map((output) => relative(outDir, resolve(output))).filter((path) => path !== 'main.js');
  const defaultRun = fileOf('training', precomputeKey('training', defaultParams()));
  const defaultCalibration = nightlyCalibrationPath(defaultParams().chipId);
  return {
    modules,
    always: [`precomputed/${PRECOMPUTED_INDEX}`, DATA_FILES.test],
    defaultsOnly: [
      ...(precomputed.entries.some((entry) => entry.file === defaultRun) ? [`precomputed/${defaultRun}`] : []),
      ...(existsSync(join(outDir, defaultCalibration)) ? [defaultCalibration] : []),
    ],
  };
}

/** The articles (notebook/articles/*.html, Notebook Kit notebooks) become pages next to index.html, and cells.html
 *  lists every cell an author may use, generated from the cells (issue 13). */
async function articleStep(outDir: string, options: BuildOptions): Promise<ArticleBuild> {
  // The cell reference reads the cells with TypeScript's checker (slow, mostly waiting on one core): alongside Vite.
  const [articles, reference] = await Promise.all([buildArticles(outDir, { minify: options.minify ?? true }), cellReference()]);
  writeFileSync(join(outDir, 'cells.html'), referencePage(reference));
  for (const page of articles.pages) {
    const bad = absoluteReferences(readFileSync(join(outDir, page), 'utf8'));
    if (bad.length > 0) throw new Error(`build: article ${page} references non-relative URLs (${bad.join(', ')})`);
  }
  return articles;
}

function formatReport(report: BuildReport): string {
  const lines = report.files
    .filter((file) => !file.path.endsWith('.map') && !file.path.endsWith('.LEGAL.txt') && !file.path.startsWith(`${ARTICLE_ASSETS}/`))
    .map((file) => `  ${file.path.padEnd(40)} ${(file.bytes / 1024).toFixed(0).padStart(7)} KiB`);
  const isSourceMap = (file: BuiltFile) => file.path.endsWith('.map');
  const total = report.files.filter((file) => !isSourceMap(file)).reduce((sum, file) => sum + file.bytes, 0);
  const maps = report.files.filter(isSourceMap).reduce((sum, file) => sum + file.bytes, 0);
  return [
    `ziffern build → ${report.outDir}`,
    ...lines,
    `  data (gzip) ${(report.dataBytes / 1e6).toFixed(2)} MB of ${(DATA_BUDGET_BYTES / 1e6).toFixed(2)} MB budget; site ${(total / 1e6).toFixed(2)} MB (+ ${(maps / 1e6).toFixed(2)} MB source maps)`,
    `  articles ${report.articles.pages.join(', ') || 'none (not asked for)'} (Notebook Kit) in ${report.articles.seconds.toFixed(1)} s; ${ARTICLE_ASSETS}/ ${(report.files.filter((file) => file.path.startsWith(`${ARTICLE_ASSETS}/`)).reduce((sum, file) => sum + file.bytes, 0) / 1e6).toFixed(2)} MB (a page loads what it uses)`,
    `  first view (entry + static imports, no tfjs): ${Object.entries(report.firstView).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`).join(', ')}`,
    `  precomputed ${report.precompute.entries.length} result(s) (${report.precompute.computed.length} trained, ${report.precompute.cached.length} from cache) in ${report.precompute.seconds.toFixed(1)} s`,
    `  done in ${report.seconds.toFixed(1)} s`,
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const outDir = args.find((arg) => !arg.startsWith('--'));
  try {
    const report = await build({
      outDir, minify: !args.includes('--no-minify'), articles: true,
      precompute: args.includes('--no-precompute') ? false : { cacheDir: PRECOMPUTE_CACHE, log: (line) => process.stdout.write(line + '\n') },
    });
    process.stdout.write(formatReport(report) + '\n');
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
