/**
 * The article step of `npm run build`: every Notebook Kit notebook in notebook/articles/ (one HTML file, a
 * `<notebook>` with one `<script>` per cell) is built by Notebook Kit's own Vite plugin into a page of the
 * static site, next to the notebook (dist/<name>.html, its code in dist/article-assets/).
 *
 * Two things Notebook Kit does not do for us, done here by a small Vite plugin:
 *  - ziffern stays one module: `import … from "./embed.js"` in a cell is left to the site's embed.js at run time
 *    (external, rendered relative to the built chunk), so an article shares the notebook, its worker and data.
 *  - nothing is loaded from another host: Notebook Kit's standard library imports Inputs, d3, htl, lodash, … from
 *    a CDN. Those we ship (d3, @observablehq/inputs, htl) are bundled from node_modules; the rest become
 *    modules that fail with a clear message when used. The built files are then checked for http(s) URLs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = resolve(HERE, '../..');
/** Where the article sources live. */
const ARTICLES_DIR = HERE;
/** Built articles' scripts, styles and fonts (below the site root, next to the pages). */
export const ARTICLE_ASSETS = 'article-assets';
/** Packages of Notebook Kit's standard library that ziffern ships itself: bundled from node_modules. */
const LOCAL_PACKAGES = ['d3', '@observablehq/inputs', 'htl'];
/** Notebook Kit imports its standard library as `https://<cdn>/npm/<package>/+esm`; the host is not named here. */
const CDN_MODULE = /^https:\/\/[^/]+\/npm\/(.+)\/\+esm$/;

/** The package ziffern bundles in place of a CDN module address, or undefined. */
function localPackage(url: string): string | undefined {
  const name = CDN_MODULE.exec(url)?.[1];
  return name !== undefined && LOCAL_PACKAGES.includes(name) ? name : undefined;
}
/** Site modules an article may import; they stay separate files of the site (one shared notebook per page). */
const SITE_MODULES = ['./embed.js'];
/** Marks a site module in the bundle until renderChunk writes its relative path. */
const SITE = 'ziffern-site:';

/** The notebooks to build: every .html of the articles directory except the page template. */
function articleSources(dir = ARTICLES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.html') && name !== 'template.html')
    .map((name) => join(dir, name))
    .sort();
}

function offlineMessage(url: string): string {
  return `${url.replace(/^https?:\/\//, '')} is not available: ziffern articles load nothing from other hosts (bundled: d3, Inputs, htl)`;
}

/** The Vite plugin that keeps articles on the site's own host (see the file comment). */
function offlineArticles(outDir: string): Plugin {
  return {
    name: 'ziffern-offline-articles',
    enforce: 'pre',
    async resolveDynamicImport(specifier) {
      if (typeof specifier !== 'string' || !specifier.startsWith('https://')) return null;
      const local = localPackage(specifier);
      if (local) return (await this.resolve(local))?.id ?? null;
      return `\0offline-dynamic:${specifier}`;
    },
    async resolveId(source, importer) {
      if (SITE_MODULES.includes(source) && importer !== undefined) return { id: `${SITE}${basename(source)}`, external: true };
      if (!source.startsWith('https://') && !source.startsWith('http://')) return null;
      const local = localPackage(source);
      if (local) return this.resolve(local, importer);
      return { id: `\0offline-static:${source}`, syntheticNamedExports: true };
    },
    load(id) {
      if (id.startsWith('\0offline-dynamic:')) {
        return `throw new Error(${JSON.stringify(offlineMessage(id.slice('\0offline-dynamic:'.length)))});`;
      }
      if (id.startsWith('\0offline-static:')) {
        // Imported statically by a part of the standard library nobody may use: fail only when it is used.
        const message = JSON.stringify(offlineMessage(id.slice('\0offline-static:'.length)));
        return `const fail = () => { throw new Error(${message}); };
const unavailable = new Proxy(fail, { get: (target, key) => (key === 'then' ? undefined : unavailable), apply: fail, construct: fail });
export default unavailable;`;
      }
      return null;
    },
    transform(code, id) {
      // stdlib/inputs.css @imports Inputs' stylesheet from the CDN; ours is in node_modules.
      if (id.endsWith('/stdlib/inputs.css')) return code.replace(/https:\/\/[^/"')]+\/npm\/@observablehq\/inputs\/dist\/index\.css/, '@observablehq/inputs/dist/index.css');
      // Other CDN addresses in the standard library that are not imports (sample datasets, KaTeX's and DuckDB's
      // files): a scheme no browser fetches, so using them fails on the page instead of going to another host.
      if (id.includes('/notebook-kit/dist/src/runtime/')) {
        return code.replace(/(?<!(?:from\s*|import\s*\(\s*)["'])https:\/\/([^/\s"'`]+)\//g, 'ziffern-offline://$1/');
      }
      return null;
    },
    renderChunk(code, chunk) {
      // The site's modules are siblings of the page; the chunk lives in ARTICLE_ASSETS/.
      if (!code.includes(SITE)) return null;
      const up = posix.relative(posix.dirname(chunk.fileName), '.') || '.';
      return code.replaceAll(SITE, `${up}/`);
    },
  };
}

/** URLs in the bundled libraries that are never requested: XML namespace names, markdown-it's linkify prefix
 *  (`http://${link}` for a bare domain an author wrote) and the address in markdown-it-anchor's deprecation text. */
const NOT_FETCHED = [/^http:\/\/www\.w3\.org\//, /^http:\/\/\$\{/, /^https:\/\/github\.com\/valeriangalliat\/markdown-it-anchor#permalinks$/];

/** http(s) URLs in built text that are not namespace names (which browsers never fetch). */
export function foreignUrls(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'`)<>\\]+/g) ?? [];
  return found.filter((url) => !NOT_FETCHED.some((allowed) => allowed.test(url)));
}

/** A notebook named `*.de.html` is German: its page says so (screen readers, hyphenation, ziffern's controls). */
export function withLang(template: string, filename: string): string {
  const lang = /\.de\.html$/.test(filename) ? 'de' : 'en';
  return template.replace(/<html lang="[^"]*">/, `<html lang="${lang}">`);
}

export interface ArticleBuild {
  pages: string[];
  seconds: number;
}

/**
 * Build the notebooks of `sources` (default: all of notebook/articles/) into `outDir` with Notebook Kit's Vite plugin.
 * Throws if a built file (HTML, JS, CSS) names another host.
 */
export async function buildArticles(outDir: string, options: { sources?: string[]; minify?: boolean } = {}): Promise<ArticleBuild> {
  const started = performance.now();
  const sources = options.sources ?? articleSources();
  if (sources.length === 0) return { pages: [], seconds: 0 };
  const root = dirname(sources[0]);
  for (const source of sources) {
    if (dirname(source) !== root) throw new Error(`buildArticles: all notebooks must be in one directory (${root}), got ${source}`);
  }
  const { build } = await import('vite');
  const { config, observable } = await import('@observablehq/notebook-kit/vite');
  const base = config();
  // The template's fonts are packages of ours: resolve them from the project, wherever the notebooks are.
  const aliases = [...(base.resolve?.alias as { find: RegExp; replacement: string }[]), { find: /^@fontsource-variable\/(.*)$/, replacement: join(PROJECT_ROOT, 'node_modules/@fontsource-variable/$1') }];
  const template = existsSync(join(root, 'template.html')) ? join(root, 'template.html') : join(ARTICLES_DIR, 'template.html');
  await build({
    ...base,
    resolve: { ...base.resolve, alias: aliases },
    configFile: false,
    logLevel: 'warn',
    root,
    base: './',
    plugins: [offlineArticles(resolve(outDir)), observable({ template, transformTemplate: (html, context) => withLang(html, context.filename) })],
    build: {
      outDir: resolve(outDir),
      emptyOutDir: false,
      assetsDir: ARTICLE_ASSETS,
      minify: options.minify ?? true,
      cssMinify: options.minify ?? true,
      modulePreload: { polyfill: false },
      rollupOptions: { input: sources },
    },
  });
  const pages = sources.map((source) => relative(root, source));
  const foreign = builtFiles(outDir).flatMap((path) => foreignUrls(readFileSync(path, 'utf8')).map((url) => `${relative(outDir, path)}: ${url}`));
  if (foreign.length > 0) throw new Error(`build: articles reference other hosts (${[...new Set(foreign)].slice(0, 10).join(', ')})`);
  return { pages, seconds: (performance.now() - started) / 1000 };

  function builtFiles(dir: string): string[] {
    const assets = join(dir, ARTICLE_ASSETS);
    const files = pages.map((page) => join(dir, page));
    if (existsSync(assets)) {
      for (const name of readdirSync(assets)) {
        const path = join(assets, name);
        if (statSync(path).isFile() && /\.(js|css|html)$/.test(name)) files.push(path);
      }
    }
    return files;
  }
}
