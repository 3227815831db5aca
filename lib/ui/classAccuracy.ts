/** Accuracy per true digit as bars, from the confusion matrix [true][predicted] (d3, SVG). */

import { format, min, scaleLinear } from 'd3';
import { checkLang, formatNumber, tr, type Lang } from './i18n';
import { COLOURS, appendLegend, createFrame, drawAxes, type PlotOptions, appendDataTable } from './plotFrame';

const pct = (lang: Lang, v: number, digits = 1) => `${formatNumber(lang, v * 100, digits)} %`;

function checkMatrix(matrix: readonly (readonly number[])[]): void {
  if (!Array.isArray(matrix) || matrix.length !== 10) throw new RangeError(`matrix must be 10 rows [true digit][predicted digit], got ${Array.isArray(matrix) ? matrix.length : typeof matrix}`);
  matrix.forEach((row, t) => {
    if (!row || row.length !== 10) throw new RangeError(`matrix[${t}] must have 10 counts, got length ${row?.length}`);
    row.forEach((c: number, p: number) => { if (!Number.isInteger(c) || c < 0) throw new RangeError(`matrix[${t}][${p}] must be a whole number ≥ 0, got ${c}`); });
  });
}

/**
 * Accuracy per true digit (one bar each) from a confusion matrix [true][predicted]: which digits are
 * easy and which are not. Bars of digits without test images are left out.
 */
export function classAccuracyPlot(matrix: readonly (readonly number[])[], options: PlotOptions = {}): HTMLElement {
  checkMatrix(matrix);
  const lang = checkLang(options.lang ?? 'en');
  const accuracy = matrix.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[t] / total : null;
  });
  const known = accuracy.map((a, d) => ({ d, a })).filter((e): e is { d: number; a: number } => e.a !== null);
  const worst = known.reduce<{ d: number; a: number } | null>((w, e) => (!w || e.a < w.a ? e : w), null);
  const best = known.reduce<{ d: number; a: number } | null>((b, e) => (!b || e.a > b.a ? e : b), null);
  const frame = createFrame('class-accuracy', tr(lang, { en: 'Accuracy per digit', de: 'Genauigkeit pro Ziffer' }),
    worst && best
      ? tr(lang, { en: `Easiest digit ${best.d} (${pct(lang, best.a)}), hardest ${worst.d} (${pct(lang, worst.a)}).`, de: `Am leichtesten: ${best.d} (${pct(lang, best.a)}), am schwersten: ${worst.d} (${pct(lang, worst.a)}).` })
      : tr(lang, { en: 'No test images yet.', de: 'Noch keine Testbilder.' }),
    options, { height: 240 });
  const lowest = min(known, (e) => e.a) ?? 0;
  const x = scaleLinear().domain([-0.5, 9.5]).range([frame.margin.left, frame.width - frame.margin.right]);
  const y = scaleLinear().domain([Math.max(0, Math.floor(lowest * 10 - 0.5) / 10), 1]).range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'true digit', de: 'richtige Ziffer' }), y: tr(lang, { en: 'accuracy (%)', de: 'Genauigkeit (%)' }) },
    { x: (a) => a.tickValues([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).tickFormat(format('d')), y: (a) => a.tickFormat((v) => formatNumber(lang, +v * 100, 0)) });
  const band = (x(1) - x(0)) * 0.7;
  const bars = frame.svg.append('g').attr('class', 'zf-bars');
  for (const { d, a } of known) {
    const bar = bars.append('g').attr('class', 'zf-bar').attr('data-digit', d).attr('data-accuracy', a.toFixed(4));
    bar.append('rect').attr('x', x(d) - band / 2).attr('width', band).attr('y', y(a)).attr('height', Math.max(0, y.range()[0] - y(a)))
      .attr('fill', worst && d === worst.d ? COLOURS.vermillion : COLOURS.blue);
    bar.append('title').text(`${d}: ${pct(lang, a)}`);
    if (!frame.narrow) bar.append('text').attr('class', 'zf-tick').attr('x', x(d)).attr('y', y(a) - 4).attr('text-anchor', 'middle').text(formatNumber(lang, a * 100, 1));
  }
  if (worst) appendLegend(frame, [{ label: tr(lang, { en: 'correctly recognised test images of that digit', de: 'richtig erkannte Testbilder dieser Ziffer' }), colour: COLOURS.blue },
    { label: tr(lang, { en: 'hardest digit', de: 'schwierigste Ziffer' }), colour: COLOURS.vermillion }]);
  appendDataTable(frame, [tr(lang, { en: 'digit', de: 'Ziffer' }), tr(lang, { en: 'accuracy', de: 'Genauigkeit' })], known.map(({ d, a }) => [d, pct(lang, a)]));
  return frame.root;
}
