/**
 * The model's answer, like the tutorial's "Ergebnis": the five most likely digits, top-1 first, each
 * with its integer output score ("7 (42)"). Optionally a bar of how often each digit came out on top
 * over repeated noisy runs, which shows how sure the analog chip is.
 */

import { applyCell, element, uniqueId, type CellOption } from './dom';
import { checkLang, tr, type Lang } from './i18n';

interface PredictionsOptions extends CellOption {
  lang?: Lang;
  /** Top-1 counts per digit over repeated noisy runs (length 10), e.g. 20 runs. */
  spread?: ArrayLike<number> | null;
  /** How many entries to list (default 5, like the tutorial). */
  count?: number;
  /** Which model answers, e.g. "Trained model · still training (epoch 2 of 4)"; shown above the answer. */
  source?: string;
  /** Marks an answer given with weights that are still changing. */
  provisional?: boolean;
}

/** An image with no ink: nothing to recognise (the pad is empty). */
export function isBlank(image: ArrayLike<number>): boolean {
  for (let i = 0; i < image.length; i++) if (image[i] !== 0) return false;
  return true;
}

/** What the scores in brackets are; shown under every answer. */
function scoreNote(lang: Lang): string {
  return tr(lang, {
    en: 'In brackets: the network’s output for that digit, a whole number from −128 to 127. The highest wins; negative values are normal. They are not percentages.',
    de: 'In Klammern: die Ausgabe des Netzes für diese Ziffer, eine ganze Zahl von −128 bis 127. Die höchste gewinnt; negative Werte sind normal. Es sind keine Prozente.',
  });
}

function header(lang: Lang, headingId: string, source: string | undefined, provisional: boolean): Node[] {
  const nodes: Node[] = [element('h3', { id: headingId, text: tr(lang, { en: 'Result', de: 'Ergebnis' }) })];
  if (source) nodes.push(element('p', { class: `zf-model-line${provisional ? ' zf-provisional' : ''}`, text: source }));
  return nodes;
}

/** The answer area of an empty pad: an invitation, no guess (a blank image still gets scores, but they mean nothing). */
export function emptyPredictions(options: Omit<PredictionsOptions, 'spread' | 'count'> = {}): HTMLElement {
  const lang = checkLang(options.lang ?? 'en');
  const root = element('section', { class: 'zf-predictions', 'data-empty': '' }, [
    ...header(lang, uniqueId('pred'), options.source, options.provisional ?? false),
    element('p', { class: 'zf-empty', text: tr(lang, { en: 'Draw a digit – the answer appears here.', de: 'Male eine Ziffer – die Antwort erscheint hier.' }) }),
  ]);
  applyCell(root, options);
  return root;
}

/** One sentence for screen readers: the top answer (and the runner-up), said when a new drawing is recognised. */
export function answerSentence(logits: ArrayLike<number>, lang: Lang, who = ''): string {
  const [first, second] = rankDigits(logits);
  const prefix = who ? `${who}: ` : '';
  return prefix + tr(lang, { en: `the answer is ${first}, then ${second}.`, de: `die Antwort ist ${first}, danach ${second}.` });
}

/** Digits ordered by score, highest first; ties keep the lower digit first. */
export function rankDigits(logits: ArrayLike<number>): number[] {
  if (logits == null || logits.length !== 10) throw new RangeError(`logits must have 10 values (one per digit), got length ${logits?.length}`);
  for (let d = 0; d < 10; d++) if (!Number.isFinite(logits[d])) throw new RangeError(`logits[${d}] must be a finite number, got ${logits[d]}`);
  return [...Array(10).keys()].sort((a, b) => logits[b] - logits[a] || a - b);
}

export function predictionsList(logits: ArrayLike<number>, options: PredictionsOptions = {}): HTMLElement {
  const lang = checkLang(options.lang ?? 'en');
  const count = options.count ?? 5;
  if (!Number.isInteger(count) || count < 1 || count > 10) throw new RangeError(`count must be an integer from 1 to 10, got ${count}`);
  const order = rankDigits(logits).slice(0, count);
  const headingId = uniqueId('pred');
  const list = element('ol', { class: 'zf-predictions-list', 'aria-labelledby': headingId });
  order.forEach((digit, rank) => {
    const score = Math.round(logits[digit]);
    list.append(element('li', { 'data-digit': digit, 'data-score': score, class: rank === 0 ? 'zf-top' : undefined }, [
      element('span', { class: 'zf-digit', text: String(digit) }),
      element('span', { class: 'zf-score', text: `(${score})` }),
    ]));
  });
  const root = element('section', { class: 'zf-predictions' }, [
    ...header(lang, headingId, options.source, options.provisional ?? false),
    list,
  ]);
  if (options.spread) root.append(spreadBar(options.spread, lang));
  root.append(element('p', { class: 'zf-score-note', text: scoreNote(lang) }));
  applyCell(root, options);
  return root;
}

/** A stacked bar: how often each digit was the top-1 answer. */
function spreadBar(counts: ArrayLike<number>, lang: Lang = 'en'): HTMLElement {
  if (counts.length !== 10) throw new RangeError(`spread must have 10 counts (one per digit), got length ${counts.length}`);
  let total = 0;
  for (let d = 0; d < 10; d++) {
    if (!Number.isInteger(counts[d]) || counts[d] < 0) throw new RangeError(`spread[${d}] must be a whole number ≥ 0, got ${counts[d]}`);
    total += counts[d];
  }
  const bar = element('div', { class: 'zf-spread-bar' });
  const parts: string[] = [];
  for (let d = 0; d < 10; d++) {
    if (counts[d] === 0) continue;
    const share = counts[d] / total;
    bar.append(element('span', { 'data-digit': d, 'data-count': counts[d], style: `flex-grow:${counts[d]};background:${DIGIT_COLOURS[d]}`, title: `${d}: ${counts[d]}/${total}` },
      [share >= 0.12 ? String(d) : '']));
    parts.push(`${d}: ${counts[d]}`);
  }
  const label = tr(lang, { en: `Which digit wins in ${total} runs with fresh noise`, de: `Welche Ziffer in ${total} Durchläufen mit neuem Rauschen gewinnt` });
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', `${label}: ${parts.join(', ') || '—'}`);
  return element('div', { class: 'zf-spread' }, [element('p', { class: 'zf-spread-label', text: label }), bar]);
}

/**
 * Ten distinguishable colours for digits: the eight Okabe–Ito colours plus two from the same
 * colour-blind-safe family (Paul Tol's), ordered so neighbouring digits differ strongly.
 */
const DIGIT_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#332288', '#999933', '#555555'] as const;

/**
 * A polite live region per channel (one per pad), kept in the document across re-renders: screen readers
 * announce only text that changes inside a region that already existed.
 */
export function announce(doc: Document, channel: string, text: string): HTMLElement {
  if (!/^[a-z0-9-]+$/i.test(channel)) throw new RangeError(`channel must be letters, digits or dashes, got ${JSON.stringify(channel)}`);
  let region = doc.querySelector<HTMLElement>(`[data-announce="${channel}"]`);
  if (!region) {
    region = element('p', { class: 'zf-visually-hidden', role: 'status', 'aria-live': 'polite', 'data-announce': channel });
    doc.body.append(region);
  }
  if (region.textContent !== text) region.textContent = text;
  return region;
}
