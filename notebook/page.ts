/**
 * The page: prose in the reader's language, the notebook's cells mounted into the placeholders of
 * index.html, parameter values from the address (and back into it as they change), and
 * `window.ziffern = { set, value, observe }` for scripts and tests.
 */
import type { CellSpec } from '../lib/runtime/cell';
import { createNotebook, type Notebook } from '../lib/runtime/notebook';
import { createBrowserHost, type BrowserHostOptions } from '../lib/host/browser';
import { PARAMS, defaultParams, isParamName, paramSpec, sameParamValue, type ParamValues } from '../lib/params';
import { allowedText } from '../lib/ui/controls';
import { resetButton, statusBar } from '../lib/ui/pageTools';
import { VIEW_SECTIONS, langOfSearch, paramsFromSearch, searchFromParams, viewOptionsFromSearch, type ViewOptions } from '../lib/state/url';
import type { Lang } from '../lib/ui/i18n';
import { copyLinkButton } from '../lib/ui/copyLink';
import { de } from './prose/de';
import { en } from './prose/en';
import { PAGE_SECTIONS, type Prose } from './prose/types';
import { injectStyles } from '../lib/ui/styles';
import { mountTraining } from '../cells/training';
import { addressProblems } from './addressGuard';

const PROSE: Record<Lang, Prose> = { en, de };

/** `?lang=de` picks German (in any case: `DE` too); anything else (or nothing) English. */
export function langFromSearch(search: string): Lang {
  return langOfSearch(search) ?? 'en';
}

/** A `lang` value the page cannot use (reported like any other refused value), or null. */
export function langProblem(search: string, lang: Lang): string | null {
  const raw = new URLSearchParams(search).get('lang');
  if (raw === null || raw === 'en' || raw === 'de') return null;
  const shown = raw.length > 20 ? `${raw.slice(0, 20)}…` : raw;
  if (raw.trim().toLowerCase() === 'de' || raw.trim().toLowerCase() === 'en') {
    return lang === 'de' ? `lang=${shown}: als „${raw.trim().toLowerCase()}“ gelesen (Groß-/Kleinschreibung egal)` : `lang=${shown}: read as “${raw.trim().toLowerCase()}” (case does not matter)`;
  }
  return lang === 'de' ? `lang=${shown}: nicht möglich; erlaubt sind en (Englisch) und de (Deutsch). Die Seite ist auf Englisch.` : `lang=${shown}: not available; allowed are en (English) and de (German). Showing English.`;
}

/** A refused address value in the reader's language (the checks in lib/ speak English). */
export function problemText(problem: { name: string; raw?: string; reason: string }, lang: Lang): string {
  const { name, raw, reason } = problem;
  if (lang === 'en') return raw === undefined ? `${name}: ${reason}` : `${name}=${raw}: ${reason}`;
  if (raw === undefined) {
    if (reason === 'unknown parameter') return `${name}: unbekannter Parameter, nicht übernommen`;
    if (reason.startsWith('repeated key')) return `${name}: mehrfach angegeben; der letzte Wert gilt`;
    return `${name}: nicht übernommen (${reason})`;
  }
  if (isParamName(name)) return `${name}=${raw}: nicht übernommen; erlaubt ist ${allowedText(paramSpec(name), 'de')}`;
  if (name === 'prose') return `prose=${raw}: nicht übernommen; erlaubt sind 0 und 1`;
  if (name === 'hide') return `hide=${raw}: nicht übernommen; erlaubt sind die Namen von Abschnitten (${VIEW_SECTIONS.join(', ')}) und Parametern`;
  return `${name}=${raw}: nicht übernommen (${reason})`;
}

/** The same address with `lang` switched, keeping every other query value. */
function searchWithLang(search: string, lang: Lang): string {
  const query = new URLSearchParams(search);
  if (lang === 'en') query.delete('lang');
  else query.set('lang', lang);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Placeholders of cells this build does not define, e.g. while parts of the notebook are still being written. */
function unknownPlaceholders(placeholderNames: readonly string[], cellNames: readonly string[]): string[] {
  const known = new Set(cellNames);
  return placeholderNames.filter((name) => !known.has(name));
}

/** Parameter controls without a placeholder in the page: they go into the "all settings" box. */
function unplacedParameters(placeholderNames: readonly string[]): string[] {
  const placed = new Set(placeholderNames);
  return PARAMS.map((p) => p.name).filter((name) => !placed.has(`viewof ${name}`));
}

function paragraphs(doc: Document, texts: readonly string[]): HTMLParagraphElement[] {
  return texts.map((html) => {
    const p = doc.createElement('p');
    p.innerHTML = html; // authored prose from notebook/prose/*.ts, never reader input
    return p;
  });
}

function renderProse(doc: Document, prose: Prose, lang: Lang): void {
  doc.documentElement.lang = lang;
  doc.title = `ziffern · ${prose.title}`;
  for (const el of doc.querySelectorAll<HTMLElement>('[data-prose]')) {
    const key = el.dataset.prose!;
    if ((PAGE_SECTIONS as readonly string[]).includes(key)) {
      const section = prose.sections[key as keyof Prose['sections']];
      const heading = doc.createElement('h2');
      heading.textContent = section.heading;
      el.replaceChildren(heading, ...paragraphs(doc, section.lead));
    } else if (key === 'title' || key === 'subtitle' || key === 'emulatedBadge') {
      el.textContent = prose[key];
    }
  }
  for (const el of doc.querySelectorAll<HTMLElement>('[data-prose-after]')) {
    const section = prose.sections[el.dataset.proseAfter as keyof Prose['sections']];
    el.replaceChildren(...paragraphs(doc, section?.after ?? []));
  }
  const otherLang: Lang = lang === 'en' ? 'de' : 'en';
  const teachers = doc.getElementById('teachers-link') as HTMLAnchorElement | null;
  if (teachers) {
    teachers.textContent = prose.teachers.label;
    teachers.href = prose.teachers.href;
  }
  const link = doc.getElementById('lang-switch') as HTMLAnchorElement | null;
  if (link) {
    link.textContent = prose.otherLanguage;
    link.lang = otherLang; // the link's own words are in the other language
    link.hreflang = otherLang;
    link.href = searchWithLang(doc.location?.search ?? '', otherLang) || '?';
  }
}

function applyViewOptions(doc: Document, view: ViewOptions): void {
  for (const section of view.hide.sections) {
    const el = doc.getElementById(section);
    if (el) el.hidden = true;
  }
  for (const param of view.hide.params) {
    const el = doc.querySelector<HTMLElement>(`[data-cell="viewof ${param}"]`);
    if (el) el.hidden = true;
  }
  // Without prose the headings stay (the untrained and the trained pad must stay distinguishable); paragraphs go.
  if (!view.prose) {
    for (const el of doc.querySelectorAll<HTMLElement>('[data-prose] p, [data-prose-after], [data-prose="subtitle"]')) el.hidden = true;
  }
}

function showUrlProblems(doc: Document, prose: Prose, problems: string[]): void {
  const box = doc.getElementById('url-problems');
  if (!box || problems.length === 0) return;
  const list = doc.createElement('ul');
  for (const problem of problems) {
    const item = doc.createElement('li');
    item.textContent = problem; // reader input: text only
    list.append(item);
  }
  const intro = doc.createElement('p');
  intro.textContent = prose.urlProblems;
  box.replaceChildren(intro, list);
  box.hidden = false;
}

/** Keep the address in step with the parameters, so a link reproduces what the reader sees. */
function mirrorParamsIntoUrl(win: Window, notebook: Notebook, view: ViewOptions, lang: Lang): void {
  const current: Partial<ParamValues> = {};
  const defaults = defaultParams();
  let scheduled = false;
  const write = () => {
    scheduled = false;
    const query = new URLSearchParams(searchFromParams(current, defaults, view));
    if (lang !== 'en') query.set('lang', lang);
    const text = query.toString();
    const address = new URL(win.location.href);
    address.search = text;
    win.history.replaceState(win.history.state, '', address.href);
  };
  for (const spec of PARAMS) {
    if (!notebook.names.includes(spec.name)) continue;
    notebook.observe(spec.name, (value, error) => {
      if (error) return;
      (current as Record<string, unknown>)[spec.name] = value;
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(write);
      }
    });
  }
}

/**
 * When loading data fails (a missing or corrupt data file, a dropped connection), every placeholder that depends
 * on it shows the error; this adds one button that runs every loading cell in `cellNames` again (the host forgets
 * failed loads). All of them, because one asset can break several: a corrupt test split fails `testSet` and
 * `dataset` alike, and re-running only one would leave the other's dependants showing the error.
 */
function offerRetry(doc: Document, notebook: Notebook, cells: readonly CellSpec[], cellNames: readonly string[], lang: Lang, alsoWhenFailing: readonly string[] = []): void {
  const retried = cellNames.map((name) => cells.find((c) => c.name === name)).filter((cell): cell is CellSpec => cell !== undefined);
  if (retried.length === 0) return;
  // Cells that load data themselves (a live training loads the splits): run again too if they failed.
  const dependants = alsoWhenFailing.map((name) => cells.find((c) => c.name === name)).filter((cell): cell is CellSpec => cell !== undefined);
  const failedDependants = new Set<string>();
  for (const cell of dependants) {
    notebook.observe(cell.name, (_value, error) => {
      if (error) failedDependants.add(cell.name);
      else failedDependants.delete(cell.name);
    });
  }
  const failing = new Set<string>();
  let button: HTMLButtonElement | null = null;
  const removeButton = () => {
    button?.remove();
    button = null;
  };
  for (const cell of retried) {
    notebook.observe(cell.name, (_value, error) => {
      if (error) failing.add(cell.name);
      else failing.delete(cell.name);
      if (failing.size === 0) return removeButton();
      if (button) return;
      button = doc.createElement('button');
      button.type = 'button';
      button.className = 'zf-retry';
      button.dataset.retry = 'dataset';
      button.textContent = lang === 'de' ? 'Erneut versuchen' : 'Try again';
      button.addEventListener('click', () => {
        removeButton();
        for (const again of retried) notebook.redefine(again);
        for (const again of dependants) if (failedDependants.has(again.name)) notebook.redefine(again);
      });
      const firstFailed = doc.querySelector('[data-status="error"]');
      (firstFailed?.parentElement ?? doc.getElementById('notebook') ?? doc.body).insertBefore(button, firstFailed?.nextSibling ?? null);
    });
  }
}

/** Runs `mount` once `el` comes within a screen of the viewport (at once where IntersectionObserver is missing). */
function whenNearViewport(win: Window, el: HTMLElement, mount: () => void): void {
  const Observer = (win as Window & { IntersectionObserver?: typeof IntersectionObserver }).IntersectionObserver;
  if (typeof Observer !== 'function') return mount();
  const observer = new Observer((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    mount();
  }, { rootMargin: '50% 0px' });
  observer.observe(el);
}

/**
 * Cells shown at once wherever they are: the trained pad (it answers as soon as its model and the test images are
 * there) and every control (the reader's inputs, computed anyway). Every other cell below the first screen is shown
 * when it comes near the viewport or a second after the trained pad can answer, whichever is first (mountLater):
 * until then its computing and layout would only delay that answer.
 */
const FIRST_WAVE: readonly string[] = ['trainedDrawing', 'trainedPredictions', 'padModel'];
/** Cells shown per idle moment after the first wave. */
const LATER_PER_IDLE = 3;
/** How long after the trained pad can answer the rest starts to be shown. */
const LATER_AFTER_PAD_MS = 1000;
/** Longest wait before the rest is shown anyway (a failed or slow load must not hide it). */
const LATER_AT_MOST_MS = 4000;

/** Whether `el` is within one and a half screens of the top of the viewport now. */
function nearViewportNow(win: Window, el: HTMLElement): boolean {
  const top = el.getBoundingClientRect().top;
  return top < 1.5 * (win.innerHeight || 800);
}

/** Shows the `later` cells a second after `training` has its first value or error (at most LATER_AT_MOST_MS after start), a few per idle moment. */
function mountLater(win: Window, notebook: Notebook, later: readonly (() => void)[]): void {
  if (later.length === 0) return;
  let started = false;
  let stop = () => {};
  const start = () => {
    if (started) return;
    started = true;
    stop();
    // A few at a time, each when the browser is idle: a reader's first click or stroke never waits for the rest.
    const idle = (win as Window & { requestIdleCallback?: (fn: () => void, options?: { timeout: number }) => number }).requestIdleCallback;
    const queue = [...later];
    const next = () => {
      queue.splice(0, LATER_PER_IDLE).forEach((mount) => mount());
      if (queue.length > 0) schedule();
    };
    const schedule = () => (typeof idle === 'function' ? idle.call(win, next, { timeout: 500 }) : win.setTimeout(next, 16));
    schedule();
  };
  // The first second after the pad can answer is the pad's: a reader who draws at once is not kept waiting.
  if (notebook.names.includes('training')) stop = notebook.observe('training', () => { stop(); win.setTimeout(start, LATER_AFTER_PAD_MS); });
  else start();
  win.setTimeout(start, LATER_AT_MOST_MS);
}

export interface StartedPage {
  notebook: Notebook;
  lang: Lang;
  /** Cell placeholders with no cell in this build. */
  pending: string[];
}

export function startPage(win: Window, cells: readonly CellSpec[], hostOptions: BrowserHostOptions = {}): StartedPage {
  const doc = win.document;
  const search = win.location.search;
  const lang = langFromSearch(search);
  const prose = PROSE[lang];
  renderProse(doc, prose, lang);

  injectStyles(doc);

  const host = createBrowserHost({ lang, ...hostOptions });
  // The test images start loading now, while the notebook sets up its cells (the head preloaded them): the trained
  // pad needs them first. A failure is reported by the cells that ask (the host forgets a failed load).
  host.loadTestSplit().catch(() => {});
  const notebook = createNotebook(cells, host);

  // Every parameter gets a control somewhere: those the page does not place go into "all settings".
  const main = doc.getElementById('notebook') ?? doc.body;
  const unplaced = unplacedParameters([...doc.querySelectorAll<HTMLElement>('[data-cell]')].map((el) => el.dataset.cell!))
    .filter((name) => notebook.names.includes(`viewof ${name}`));
  if (unplaced.length > 0) {
    const box = doc.createElement('details');
    box.className = 'zf-all-settings';
    const summary = doc.createElement('summary');
    summary.textContent = lang === 'de' ? 'Weitere Einstellungen' : 'More settings';
    const placeholdersForUnplaced = unplaced.map((name) => {
      const div = doc.createElement('div');
      div.setAttribute('data-cell', `viewof ${name}`);
      return div;
    });
    box.append(summary, ...placeholdersForUnplaced);
    main.append(box);
  }

  const { view, rejected: viewRejected } = viewOptionsFromSearch(search);
  applyViewOptions(doc, view);

  const placeholders = [...doc.querySelectorAll<HTMLElement>('[data-cell]')];
  const pending = unknownPlaceholders(placeholders.map((el) => el.dataset.cell!), notebook.names);
  const later: (() => void)[] = [];
  // Positions read together, before any cell is mounted: one layout, not one per placeholder.
  const onFirstScreen = new Set(placeholders.filter((el) => nearViewportNow(win, el)));
  for (const el of placeholders) {
    const name = el.dataset.cell!;
    if (pending.includes(name)) {
      el.classList.add('zf-pending');
      el.setAttribute('data-status', 'missing');
      el.textContent = prose.pendingCell;
      continue;
    }
    const trainingCell = name === 'training' ? cells.find((cell) => cell.name === 'training') : undefined;
    if (trainingCell) mountTraining(notebook, el, trainingCell, lang); // a value cell: shown through lib/ui's status
    else if (cells.find((cell) => cell.name === name)?.mountWhenVisible) whenNearViewport(win, el, () => notebook.mount(name, el));
    else if (FIRST_WAVE.includes(name) || name.startsWith('viewof ') || onFirstScreen.has(el)) notebook.mount(name, el);
    else {
      let mounted = false;
      const mount = () => {
        if (mounted) return;
        mounted = true;
        notebook.mount(name, el);
      };
      whenNearViewport(win, el, mount);
      later.push(mount);
    }
  }
  mountLater(win, notebook, later);
  offerRetry(doc, notebook, cells, ['testSet', 'datasetSummary'], lang, ['training']); // not 'dataset': observing it would load the training split at once

  const { values, rejected, ignored } = paramsFromSearch(search);
  const problems = [...viewRejected, ...rejected].map((r) => problemText(r, lang))
    .concat(ignored.filter((i) => i.name !== 'lang').map((i) => problemText(i, lang)));
  const badLang = langProblem(search, lang);
  if (badLang) problems.push(badLang);
  for (const [name, value] of Object.entries(values)) {
    if (!notebook.names.includes(`viewof ${name}`)) continue;
    notebook.set(name, value).catch((error: Error) => showUrlProblems(doc, prose, [error.message]));
  }
  // Each problem once (an over-long address is refused by both readers), the guard's repairs first.
  showUrlProblems(doc, prose, [...new Set([...addressProblems, ...problems])]);
  mirrorParamsIntoUrl(win, notebook, view, lang);
  doc.querySelector('.zf-lang')?.append(' · ', copyLinkButton(() => win.location.href, lang));
  // Back to the tutorial's settings: every parameter to its default (the address follows, so a reload keeps it).
  doc.querySelector('.zf-lang')?.append(' · ', resetButton(lang, async () => {
    const defaults = defaultParams() as unknown as Record<string, unknown>;
    for (const spec of PARAMS) {
      if (!notebook.names.includes(`viewof ${spec.name}`)) continue;
      if (!sameParamValue(await notebook.value(spec.name), defaults[spec.name])) await notebook.set(spec.name, defaults[spec.name]);
    }
    for (const [state, value] of [['loadedModelState', null], ['trainLiveState', false]] as const) {
      if (notebook.names.includes(state)) ((await notebook.value(state)) as { value: unknown }).value = value;
    }
    const box = doc.getElementById('url-problems');
    if (box) box.hidden = true;
  }));
  if (notebook.names.includes('training')) statusBar(doc, notebook, lang);

  (win as unknown as { ziffern: unknown }).ziffern = {
    set: (name: string, value: unknown) => notebook.set(name, value),
    value: (name: string) => notebook.value(name),
    observe: (name: string, observer: (value: unknown, error?: Error) => void) => notebook.observe(name, observer),
  };
  return { notebook, lang, pending };
}
