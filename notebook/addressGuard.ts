/**
 * Imported FIRST by the page and embed bundles (before any dependency runs): an address whose %-escapes
 * decodeURIComponent refuses (`?junk=%ZZ`) is rewritten in place (history.replaceState; the same values, escaped
 * properly), because a dependency reads the address at load time with decodeURIComponent (tfjs's flag parser,
 * `Environment.populateURLFlags`) and its uncaught URIError left a blank page without `window.ziffern`.
 * What was repaired is listed with the other refused address values (`addressProblems`).
 */
import { malformedEscapes, repairedSearch } from '../lib/state/url';

function guard(): string[] {
  try {
    const location = globalThis.location;
    if (!location || typeof location.search !== 'string') return [];
    const repaired = repairedSearch(location.search);
    if (repaired === null) return [];
    const lang = new URLSearchParams(location.search).get('lang') === 'de' ? 'de' : 'en';
    const problems = malformedEscapes(location.search, lang).map((r) => `${r.name}=${r.raw}: ${r.reason}`);
    const address = new URL(location.href);
    address.search = repaired;
    globalThis.history?.replaceState(globalThis.history.state, '', address.href);
    return problems;
  } catch {
    return []; // never the reason a page does not start
  }
}

export const addressProblems: readonly string[] = guard();
