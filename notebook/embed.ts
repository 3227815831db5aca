/**
 * The embedding API (dist/embed.js): put chosen cells of the ziffern notebook into any page.
 *
 *   import { mount } from './ziffern/embed.js';
 *   const embed = mount(document.querySelector('#demo'), { cells: ['drawing', 'predictions', 'viewof hidden'], set: { hidden: 64 } });
 *   await embed.set('epochs', 2);  embed.observe('testAccuracy', (v) => …);  embed.dispose();
 *
 * All embeds on one page share ONE notebook (one dataset download, one training): a cell mounted twice
 * shows the same value, and a control in one embed drives the cells of every other. Cells that are not
 * mounted are computed only when a mounted one needs them. Parameters come from `set`, from the host
 * page's address (`?hidden=64`, parsed strictly, as on the ziffern page) and from the returned `set()`;
 * values the notebook cannot use are refused with a note (as text, never as HTML).
 * Assets (data, worker, wasm, precomputed results) are loaded next to embed.js.
 *
 * Author cells (Observable's shape): `define(name, inputs, fn)` adds a cell to the page's notebook that reads any
 * ziffern cell or parameter; `fn` gets the inputs' values and may return a value, a promise, a generator, an async
 * generator or a DOM node. It re-runs when an input changes (a generator is stopped first: return() and its
 * `invalidation` input). `show(names)` returns an element showing cells (author cells like any other), for
 * Notebook Kit cells that display what they return. ziffern's own cells are replaced only by `redefine`.
 */
// First: repairs an address that a dependency could not read (before any dependency runs).
import { addressProblems } from './addressGuard';
import { notebookCells } from '../cells/index';
import { mountTraining } from '../cells/training';
import { createBrowserHost, type BrowserHost } from '../lib/host/browser';
import { validateParam, isParamName } from '../lib/params';
import { createNotebook, type Notebook } from '../lib/runtime/notebook';
import { langOfSearch, paramsFromSearch } from '../lib/state/url';
import { checkLang, type Lang } from '../lib/ui/i18n';
import { injectStyles } from '../lib/ui/styles';

export interface MountOptions {
  /** Cell names to show, in this order (e.g. 'drawing', 'predictions', 'viewof hidden', 'capacityPlot'). */
  cells: readonly string[];
  /** Parameter values to apply (validated like everywhere: a bad value throws naming the parameter). */
  set?: Record<string, unknown>;
  /** Language of controls and figures; fixed by the first mount on a page. Default: `?lang=` of the page, else English. */
  lang?: Lang;
  /** Read parameters from the host page's address (default true; applied once per page). */
  url?: boolean;
}

export interface Embed {
  /** Validate and apply a parameter value (rejects naming the parameter and the allowed values). */
  set(name: string, value: unknown): Promise<void>;
  /** The cell's next value. */
  value(name: string): Promise<unknown>;
  /** Every new value (or error) of the cell; returns the function that stops observing. */
  observe(name: string, observer: (value: unknown, error?: Error) => void): () => void;
  /** Remove this embed's cells; the last dispose on the page stops the notebook and its workers. */
  dispose(): void;
  /** Address values that were refused (shown as a note in the first embed). */
  readonly problems: readonly string[];
}

interface Shared {
  notebook: Notebook;
  host: BrowserHost;
  lang: Lang;
  embeds: number;
  /** Author cells defined on this page: the notebook outlives its embeds while there are any. */
  defined: number;
  problems: string[];
}
let shared: Shared | null = null;

/** `?lang=` of the page, else the page's own `<html lang>` (a German article gets German controls), else English. */
function langOfPage(): Lang {
  return langOfSearch(globalThis.location?.search ?? '') ?? (globalThis.document?.documentElement.lang.startsWith('de') ? 'de' : 'en');
}

/** The page's notebook, created on first use; `?param=value` of the page is applied once. */
function sharedNotebook(lang: Lang, readUrl: boolean): Shared {
  if (shared) {
    if (shared.lang !== lang) throw new Error(`mount: lang "${lang}" differs from the "${shared.lang}" of the first embed on this page; all embeds share one notebook and one language`);
    return shared;
  }
  injectStyles(document);
  const host = createBrowserHost({ lang });
  const notebook = createNotebook(notebookCells, host);
  const problems: string[] = [...addressProblems];
  if (readUrl) {
    const { values, rejected } = paramsFromSearch(globalThis.location?.search ?? '');
    problems.push(...rejected.map((r) => `${r.name}=${r.raw}: ${r.reason}`));
    for (const [name, value] of Object.entries(values)) notebook.set(name, value).catch((error: Error) => problems.push(error.message));
  }
  shared = { notebook, host, lang, embeds: 0, defined: 0, problems };
  return shared;
}

function resolveTarget(target: Element | string): Element {
  const element = typeof target === 'string' ? document.querySelector(target) : target;
  if (!element || typeof (element as Element).append !== 'function') {
    throw new Error(`mount: target must be an element or a CSS selector of one, got ${typeof target === 'string' ? JSON.stringify(target) : String(target)}`);
  }
  return element as Element;
}

export function mount(target: Element | string, options: MountOptions): Embed {
  const root = resolveTarget(target);
  if (!options || !Array.isArray(options.cells) || options.cells.length === 0) throw new Error('mount: options.cells must be a non-empty array of cell names');
  const lang = checkLang(options.lang ?? shared?.lang ?? langOfPage());
  for (const [name, value] of Object.entries(options.set ?? {})) {
    if (!isParamName(name)) throw new Error(`mount: set.${name} is not a parameter`);
    validateParam(name, value); // throws naming the parameter and the allowed values
  }
  const page = sharedNotebook(lang, options.url ?? true);
  const { notebook } = page;
  const unknown = options.cells.filter((name) => typeof name !== 'string' || !notebook.names.includes(name));
  if (unknown.length > 0) {
    if (page.embeds === 0 && page.defined === 0) {
      page.notebook.dispose();
      page.host.dispose();
      shared = null;
    }
    throw new Error(`mount: unknown cell(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}; cells: ${notebook.names.join(', ')}`);
  }
  page.embeds++;

  const note = document.createElement('div');
  note.className = 'zf-url-problems';
  note.setAttribute('role', 'status');
  note.hidden = true;
  const showProblems = () => {
    if (page.problems.length === 0) return;
    note.textContent = `ziffern: ignored ${page.problems.join('; ')}`; // reader input: text only
    note.hidden = false;
  };
  if (page.embeds === 1) root.append(note);
  queueMicrotask(showProblems);

  const slots = options.cells.map((name) => {
    const slot = document.createElement('div');
    slot.className = 'zf-embed-cell';
    root.append(slot);
    // `training` shows its status (a value cell: lib/ui's status, with Stop and Train again), as on the page.
    const trainingCell = name === 'training' ? notebookCells.find((cell) => cell.name === 'training') : undefined;
    if (trainingCell) slot.setAttribute('data-cell', name);
    return { slot, unmount: trainingCell ? mountTraining(notebook, slot, trainingCell, page.lang) : notebook.mount(name, slot) };
  });
  for (const [name, value] of Object.entries(options.set ?? {})) notebook.set(name, value).catch((error: Error) => {
    page.problems.push(error.message);
    showProblems();
  });

  let disposed = false;
  return {
    set: (name, value) => notebook.set(name, value),
    value: (name) => notebook.value(name),
    observe: (name, observer) => notebook.observe(name, observer),
    get problems() {
      return [...page.problems];
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const { slot, unmount } of slots) {
        unmount();
        slot.remove();
      }
      note.remove();
      page.embeds--;
      if (page.embeds === 0 && page.defined === 0 && shared === page) {
        page.notebook.dispose();
        page.host.dispose();
        shared = null;
      }
    },
  };
}

/** What an author cell's function receives and may return (see the file comment). */
export type CellFunction = (...inputs: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

function checkCellArguments(what: 'define' | 'redefine', name: unknown, inputs: unknown, fn: unknown): asserts inputs is readonly string[] {
  if (typeof name !== 'string' || name.trim() === '') throw new Error(`${what}: the cell name must be a non-empty string, got ${JSON.stringify(name) ?? String(name)}`);
  if (!Array.isArray(inputs) || inputs.some((input) => typeof input !== 'string')) {
    throw new Error(`${what}("${name}"): inputs must be an array of cell names (strings), e.g. ["testAccuracy", "hidden"]`);
  }
  if (typeof fn !== 'function') throw new Error(`${what}("${name}"): the third argument must be a function of the inputs' values`);
}

/**
 * Add an author cell to the page's notebook: `fn(...values of inputs)` re-runs whenever an input changes.
 * Inputs may be any cell of the reference (parameters, ziffern's cells, earlier author cells) and `invalidation`.
 * Throws, naming the cell, if the name is taken. An input that is not a cell (yet) is refused in the cell itself:
 * it shows `cell "x" has unknown input "y"` until a cell "y" is defined (cells of a notebook run in any order),
 * and a cycle shows in the cells that form it.
 * Returns the name, so `show(define(…))` shows it.
 */
export function define(name: string, inputs: readonly string[], fn: CellFunction, options: { lang?: Lang } = {}): string {
  checkCellArguments('define', name, inputs, fn);
  const page = sharedNotebook(checkLang(options.lang ?? shared?.lang ?? langOfPage()), true);
  page.notebook.define({ name, inputs: [...inputs], define: fn }, { waitForInputs: true });
  page.defined++;
  return name;
}

/** Replace a cell on purpose (an author cell, or one of ziffern's); checked like define(). */
export function redefine(name: string, inputs: readonly string[], fn: CellFunction): string {
  checkCellArguments('redefine', name, inputs, fn);
  const page = sharedNotebook(checkLang(shared?.lang ?? langOfPage()), true);
  if (!page.notebook.names.includes(name)) throw new Error(`redefine: unknown cell "${name}"; define("${name}", …) adds a new one`);
  page.notebook.redefine({ name, inputs: [...inputs], define: fn });
  return name;
}

/** A new element showing `cells` (one name or several) — mount() into an element of its own. */
export function show(cells: string | readonly string[], options: Omit<MountOptions, 'cells'> = {}): HTMLDivElement & { embed: Embed } {
  const element = document.createElement('div');
  element.className = 'zf-embed';
  const embed = mount(element, { ...options, cells: typeof cells === 'string' ? [cells] : cells });
  return Object.assign(element, { embed });
}

/** Every cell an author may use as an input, in definition order (ziffern's, then author cells). */
export function cellNames(): string[] {
  return [...sharedNotebook(checkLang(shared?.lang ?? langOfPage()), true).notebook.names];
}
