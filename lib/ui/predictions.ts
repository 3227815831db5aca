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
    element('h3', { id: headingId, text: tr(lang, { en: 'Result', de: 'Ergebnis' }) }),
    list,
  ]);
  if (options.spread) root.append(spreadBar(options.spread, lang));
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
  const label = tr(lang, { en: `Top-1 over ${total} noisy runs`, de: `Platz 1 in ${total} verrauschten Durchläufen` });
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', `${label}: ${parts.join(', ') || '—'}`);
  return element('div', { class: 'zf-spread' }, [element('p', { class: 'zf-spread-label', text: label }), bar]);
}

/**
 * Ten distinguishable colours for digits: the eight Okabe–Ito colours plus two from the same
 * colour-blind-safe family (Paul Tol's), ordered so neighbouring digits differ strongly.
 */
const DIGIT_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#332288', '#999933', '#555555'] as const;
