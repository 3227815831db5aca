/**
 * Shareable state in the URL's query string: parameter values plus view options for teachers and
 * embedding (`hide`, `prose`). Everything read here is untrusted text: each value goes through
 * lib/params.ts parseParam and comes back typed (number / string from a fixed option list / boolean),
 * never as markup. Anything that does not parse is reported, never thrown, so a bad link still opens
 * the notebook with its defaults.
 *
 * Repeated keys: the LAST occurrence wins (someone editing a link by hand usually appends), and
 * each overridden occurrence is listed in `ignored`.
 */
import { PARAMS, defaultParams, isParamName, parseParam, sameParamValue, validateParam, type ParamName, type ParamValues } from '../params';

/** Longest value we even try to parse; real values are at most ~20 characters. */
export const MAX_VALUE_LENGTH = 100;
/** Longest query string we read at all (a guard against pasted megabytes). */
export const MAX_SEARCH_LENGTH = 8192;

/**
 * Sections of the page a teacher can hide with `hide=`, in the tutorial's order. The page mounts
 * each section under an element carrying the matching id.
 */
export const VIEW_SECTIONS = ['intro', 'environment', 'data', 'model', 'untrained', 'training', 'trained', 'presets', 'capacity', 'history'] as const;
export type ViewSection = (typeof VIEW_SECTIONS)[number];

/** Query keys that are view options rather than parameters. */
const VIEW_KEYS = ['hide', 'prose'] as const;
/** Query keys that change no parameter: the view options and the language (notebook/preload.ts preloads the default run for these). */
export const NON_PARAMETER_KEYS = ['lang', ...VIEW_KEYS] as const;

/** The language `?lang=` asks for, in any case and with spaces around it (`DE` is German), or null when it names none. */
export function langOfSearch(search: string): 'en' | 'de' | null {
  const asked = new URLSearchParams(search).get('lang')?.trim().toLowerCase();
  return asked === 'de' || asked === 'en' ? asked : null;
}

interface Rejected {
  /** The key as written in the URL (shortened if absurdly long). */
  name: string;
  /** The raw value (shortened), for showing back to the reader as text. */
  raw: string;
  reason: string;
}
interface Ignored {
  name: string;
  reason: string;
}
interface ParamsFromSearch {
  values: Partial<ParamValues>;
  rejected: Rejected[];
  ignored: Ignored[];
}
export interface ViewOptions {
  /** Parameter names and section names whose controls/sections the page hides. */
  hide: { params: ParamName[]; sections: ViewSection[] };
  /** false for `prose=0`: only controls and figures, for teachers and embedding. */
  prose: boolean;
}
interface ViewOptionsFromSearch {
  view: ViewOptions;
  rejected: Rejected[];
}

function shorten(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

/** The key/value pairs of a query string, in order. Accepts "?a=1", "a=1", "/path?a=1#x" or a full URL. */
function entriesOf(search: string): [string, string][] | null {
  if (typeof search !== 'string') throw new TypeError(`search must be a string, got ${typeof search}`);
  if (search.length > MAX_SEARCH_LENGTH) return null;
  let query = search;
  if (query.startsWith('?')) query = query.slice(1);
  else if (/^[a-z][a-z0-9+.-]*:\/\/|^\//i.test(query)) {
    // A whole address: the query is what follows the first "?" and precedes the fragment.
    const questionMark = query.indexOf('?');
    query = questionMark >= 0 ? query.slice(questionMark + 1) : '';
    const hash = query.indexOf('#');
    if (hash >= 0) query = query.slice(0, hash);
  }
  // URLSearchParams never throws: malformed %-escapes are kept literally.
  return [...new URLSearchParams(query).entries()];
}

function tooLong(search: string): Rejected {
  return { name: '(query string)', raw: shorten(search), reason: `the query string is ${search.length} characters long; at most ${MAX_SEARCH_LENGTH} are read` };
}

/** The last occurrence of each key, with the earlier ones reported as ignored. */
function lastOccurrences(entries: [string, string][], ignored: Ignored[]): Map<string, string> {
  const last = new Map<string, string>();
  for (const [name, raw] of entries) {
    if (last.has(name)) ignored.push({ name: shorten(name), reason: 'repeated key: the last occurrence wins' });
    last.set(name, raw);
  }
  return last;
}

/** Parameter values from a query string, parsed strictly; unknown keys and bad values are reported. */
export function paramsFromSearch(search: string): ParamsFromSearch {
  const values: Partial<Record<ParamName, ParamValues[ParamName]>> = {};
  const rejected: Rejected[] = [];
  const ignored: Ignored[] = [];
  const entries = entriesOf(search);
  if (!entries) return { values: {}, rejected: [tooLong(search)], ignored };
  for (const [name, raw] of lastOccurrences(entries, ignored)) {
    if ((VIEW_KEYS as readonly string[]).includes(name)) continue;
    if (!isParamName(name)) {
      ignored.push({ name: shorten(name), reason: 'unknown parameter' });
      continue;
    }
    if (raw.length > MAX_VALUE_LENGTH) {
      rejected.push({ name, raw: shorten(raw), reason: `value is ${raw.length} characters long; at most ${MAX_VALUE_LENGTH} are allowed` });
      continue;
    }
    try {
      const value = parseParam(name, raw);
      // "-0" parses to -0, which would print as "0" but compare differently; keep one zero.
      values[name] = typeof value === 'number' && Object.is(value, -0) ? 0 : value;
    } catch (error) {
      rejected.push({ name, raw: shorten(raw), reason: error instanceof Error ? error.message : String(error) });
    }
  }
  // A preset sets several parameters; the address's own values for them win, whatever their order (lib/presets.ts).
  const ordered = 'preset' in values ? { preset: values.preset, ...values } : values;
  return { values: ordered as Partial<ParamValues>, rejected, ignored };
}

function formatValue(value: ParamValues[ParamName]): string {
  // String(number) is the shortest text that parses back to the same double, and parseParam accepts it.
  return String(value);
}

/**
 * The query string for the values that differ from `defaults`, in the parameter table's order
 * (stable links), plus the view options that differ from the defaults. Returns "" or "?…".
 * Values are validated first: an invalid value is a programming error and throws naming it.
 */
export function searchFromParams(values: Partial<ParamValues>, defaults: ParamValues = defaultParams(), view?: ViewOptions): string {
  const query = new URLSearchParams();
  for (const spec of PARAMS) {
    const value = (values as Record<string, ParamValues[ParamName] | undefined>)[spec.name];
    if (value === undefined) continue;
    validateParam(spec.name, value);
    if (sameParamValue(value, (defaults as Record<string, unknown>)[spec.name])) continue;
    query.append(spec.name, formatValue(value));
  }
  if (view) {
    const hidden = [...view.hide.params, ...view.hide.sections];
    for (const name of hidden) {
      if (!isParamName(name) && !(VIEW_SECTIONS as readonly string[]).includes(name)) {
        throw new RangeError(`cannot hide "${name}": allowed are parameter names (${PARAMS.map((p) => p.name).join(', ')}) and sections (${VIEW_SECTIONS.join(', ')})`);
      }
    }
    if (hidden.length > 0) query.append('hide', hidden.join(','));
    if (!view.prose) query.append('prose', '0');
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

export function defaultViewOptions(): ViewOptions {
  return { hide: { params: [], sections: [] }, prose: true };
}

/** `hide=hidden,data&prose=0` → typed view options; unknown names and bad values are reported. */
export function viewOptionsFromSearch(search: string): ViewOptionsFromSearch {
  const view = defaultViewOptions();
  const rejected: Rejected[] = [];
  const entries = entriesOf(search);
  if (!entries) return { view, rejected: [tooLong(search)] };
  const last = lastOccurrences(entries, []);
  const hide = last.get('hide');
  if (hide !== undefined) {
    if (hide.length > MAX_SEARCH_LENGTH / 4) {
      rejected.push({ name: 'hide', raw: shorten(hide), reason: `value is ${hide.length} characters long` });
    } else {
      const params = new Set<ParamName>();
      const sections = new Set<ViewSection>();
      for (const item of hide.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
        if (isParamName(item)) params.add(item);
        else if ((VIEW_SECTIONS as readonly string[]).includes(item)) sections.add(item as ViewSection);
        else {
          rejected.push({ name: 'hide', raw: shorten(item), reason: `"${shorten(item)}" is neither a parameter (${PARAMS.map((p) => p.name).join(', ')}) nor a section (${VIEW_SECTIONS.join(', ')})` });
        }
      }
      view.hide = { params: [...params], sections: [...sections] };
    }
  }
  const prose = last.get('prose');
  if (prose !== undefined) {
    const text = prose.trim();
    if (text === '0' || text === 'false') view.prose = false;
    else if (text === '1' || text === 'true') view.prose = true;
    else rejected.push({ name: 'prose', raw: shorten(prose), reason: 'prose must be 0 or 1 (or false/true)' });
  }
  return { view, rejected };
}

// ---- addresses that other code cannot read --------------------------------------------------------------

/** Whether decodeURIComponent can read `text` (a "%" must start a two-hex-digit escape, and the bytes must be UTF-8). */
function decodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** The query part of "?a=1", "a=1" or a whole address. */
function queryPart(search: string): string {
  const questionMark = search.indexOf('?');
  let query = questionMark >= 0 ? search.slice(questionMark + 1) : /^[a-z][a-z0-9+.-]*:\/\/|^\//i.test(search) ? '' : search;
  const hash = query.indexOf('#');
  if (hash >= 0) query = query.slice(0, hash);
  return query;
}

/**
 * Query components with %-escapes that decodeURIComponent refuses ("%ZZ", "%E0%A4" cut short). This page reads
 * them (URLSearchParams keeps such text as written), but a dependency that reads the address with
 * decodeURIComponent throws at start-up (tfjs's flag parser did: a blank page). Reported like refused values.
 */
export function malformedEscapes(search: string, lang: 'en' | 'de' = 'en'): Rejected[] {
  const rejected: Rejected[] = [];
  for (const part of queryPart(search).split('&')) {
    if (part === '' || decodable(part)) continue;
    const eq = part.indexOf('=');
    const [name, raw] = eq >= 0 ? [part.slice(0, eq), part.slice(eq + 1)] : [part, ''];
    // The first "%" without two hex digits after it, with what follows it; none: the escapes are not UTF-8.
    const bad = /%(?![0-9a-f]{2}).{0,2}/is.exec(part)?.[0] ?? null;
    rejected.push({
      name: shorten(name),
      raw: shorten(raw),
      reason: lang === 'de'
        ? `${bad ? `„${bad}“ ist kein gültiges %-Escape (auf % folgen zwei Hexadezimalziffern)` : 'die %-Escapes ergeben kein gültiges UTF-8'}; als Text gelesen`
        : `${bad ? `"${bad}" is not a valid %-escape (a % is followed by two hex digits)` : 'the %-escapes are not valid UTF-8'}; read as text`,
    });
  }
  return rejected;
}

/**
 * `search` re-encoded so that every component decodes (each key and value as URLSearchParams reads it, so this
 * page sees the same values), or null when it already does.
 */
export function repairedSearch(search: string): string | null {
  const query = queryPart(search);
  if (decodable(query)) return null;
  const text = new URLSearchParams(query).toString();
  return text ? `?${text}` : '';
}
