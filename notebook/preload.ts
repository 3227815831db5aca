/**
 * What the first view needs, announced in index.html's head by the build, so the browser fetches it while
 * main.js is still arriving instead of after it ran: the entry's static chunks (modulepreload), and the
 * files the trained pad waits for (the precomputed index, the test split, the default precomputed run, the
 * default chip's calibration) as `preload … as="fetch"`, which the host's own fetch() then takes from the
 * cache (same URL, same CORS mode, same credentials).
 *
 * A file only the default settings use is preloaded by a one-line script, and only when the address sets no
 * parameter (only lang, prose, hide): a reader who opens `?preset=recommended` does not pay for the tutorial's run.
 */
import { NON_PARAMETER_KEYS } from '../lib/state/url';
import { escapeHtml } from './prerender';

export interface FirstViewFiles {
  /** Scripts the entry imports statically (paths relative to the page). */
  modules: readonly string[];
  /** Files every first view fetches. */
  always: readonly string[];
  /** Files only the default settings fetch. */
  defaultsOnly: readonly string[];
}

const RELATIVE_PATH = /^[a-z0-9][a-z0-9._/-]*$/i;

function checkPath(path: string): string {
  if (!RELATIVE_PATH.test(path) || path.includes('..')) throw new Error(`build: cannot preload ${JSON.stringify(path)}: only relative paths of letters, digits, ".", "_", "-" and "/"`);
  return path;
}

/** index.html with the preload links (and the default-only script) at the top of its head. */
export function writePreloads(page: string, files: FirstViewFiles): string {
  const lines = [
    ...files.modules.map((path) => `<link rel="modulepreload" href="${escapeHtml(checkPath(path))}">`),
    ...files.always.map((path) => `<link rel="preload" href="${escapeHtml(checkPath(path))}" as="fetch" crossorigin="anonymous">`),
  ];
  if (files.defaultsOnly.length > 0) {
    const list = JSON.stringify(files.defaultsOnly.map(checkPath));
    lines.push(`<script>if ([...new URLSearchParams(location.search).keys()].every((k) => ${JSON.stringify(NON_PARAMETER_KEYS)}.includes(k))) for (const href of ${list}) document.head.append(Object.assign(document.createElement("link"), { rel: "preload", as: "fetch", crossOrigin: "anonymous", href }));</script>`);
  }
  const at = page.indexOf('<link rel="stylesheet"');
  if (at < 0) throw new Error('build: index.html has no stylesheet link to put the preloads before');
  return `${page.slice(0, at)}${lines.join('\n  ')}\n  ${page.slice(at)}`;
}
