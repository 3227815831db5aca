/**
 * The training and model figures, each a function of data only (d3, SVG): loss per batch, accuracy
 * per epoch, the confusion matrix, a grid of digits, the network diagram and the capacity sweep.
 */

import { color, extent, line, max, min, scaleLinear, scaleLog, scaleSequential, interpolateBlues, format } from 'd3';
import { GRID, PIXELS } from '../draw/raster';
import { applyCell, element, uniqueId, type CellOption } from './dom';
import { checkLang, formatNumber, tr, type Lang } from './i18n';
import { COLOURS, OVERLAY_COLOURS, appendDataTable, appendLegend, checkNumbers, checkWidth, createFrame, drawAxes, type LegendItem, type PlotOptions } from './plotFrame';

/** The parts of lib/train's EpochResult the accuracy plot reads (accuracies are fractions 0..1). */
interface EpochAccuracy { epoch: number; trainAccuracy: number; testAccuracy: number }

export interface LossOverlay { label: string; losses: ArrayLike<number>; batchesPerEpoch: number }
export interface AccuracyOverlay { label: string; epochs: readonly EpochAccuracy[] }

const pct = (lang: Lang, v: number, digits = 1) => `${formatNumber(lang, v * 100, digits)} %`;

/** Centred moving average over `window` batches, so the trend shows through batch-to-batch noise. */
export function movingAverage(values: ArrayLike<number>, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a whole number ≥ 1, got ${window}`);
  const out = new Float64Array(values.length);
  const half = Math.floor(window / 2);
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i] + values[i];
  for (let i = 0; i < values.length; i++) {
    const lo = Math.max(0, i - half), hi = Math.min(values.length, i + half + 1);
    out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
  }
  return out;
}

function checkBatchesPerEpoch(value: number, name = 'batchesPerEpoch'): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
}

/** Training loss per batch (thin) with its moving average (thick); x in epochs. */
export function lossCurve(losses: ArrayLike<number>, batchesPerEpoch: number, options: PlotOptions & { overlays?: readonly LossOverlay[] } = {}): HTMLElement {
  checkNumbers(losses, 'losses', { min: 0 });
  checkBatchesPerEpoch(batchesPerEpoch);
  const overlays = options.overlays ?? [];
  overlays.forEach((o, i) => { checkNumbers(o.losses, `overlays[${i}].losses`, { min: 0 }); checkBatchesPerEpoch(o.batchesPerEpoch, `overlays[${i}].batchesPerEpoch`); });
  const lang = checkLang(options.lang ?? 'en');
  const last = losses.length ? losses[losses.length - 1] : NaN;
  const frame = createFrame('loss', tr(lang, { en: 'Training loss', de: 'Trainingsverlust' }),
    losses.length
      ? tr(lang, { en: `Loss over ${losses.length} batches of images; last batch ${formatNumber(lang, last, 4)}.`, de: `Verlust über ${losses.length} Stapel; letzter Stapel ${formatNumber(lang, last, 4)}.` })
      : tr(lang, { en: 'No batches yet.', de: 'Noch keine Stapel.' }),
    options, { height: 260 });
  const series = [...overlays.map((o) => ({ losses: o.losses, per: o.batchesPerEpoch })), { losses, per: batchesPerEpoch }];
  const maxEpoch = Math.max(1, ...series.map((s) => s.losses.length / s.per));
  const maxLoss = Math.max(1e-9, ...series.map((s) => (max(Array.from(s.losses)) ?? 0)));
  const x = scaleLinear().domain([0, maxEpoch]).range([frame.margin.left, frame.width - frame.margin.right]);
  const y = scaleLinear().domain([0, maxLoss]).nice().range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'epoch', de: 'Epoche' }), y: tr(lang, { en: 'loss (cross-entropy / 64)', de: 'Verlust (Kreuzentropie / 64)' }) },
    { y: (a) => a.tickFormat(format('~g')) });
  const path = (values: ArrayLike<number>, per: number) =>
    line<number>().x((_, i) => x((i + 1) / per)).y((v) => y(v))(Array.from(values)) ?? '';
  const smooth = (values: ArrayLike<number>, per: number) => movingAverage(values, Math.max(1, Math.min(51, Math.round(per / 5) | 1)));
  const legend: LegendItem[] = [];
  overlays.forEach((o, i) => {
    const colour = OVERLAY_COLOURS[i % OVERLAY_COLOURS.length];
    const smoothed = smooth(o.losses, o.batchesPerEpoch);
    frame.svg.append('path').attr('class', 'zf-overlay').attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 1.5).attr('stroke-dasharray', '5 3')
      .attr('d', path(smoothed, o.batchesPerEpoch))
      // hover read-out (a wide invisible stroke would steal clicks; the title on the line is enough)
      .append('title').text(`${o.label}: ${tr(lang, { en: 'final loss', de: 'letzter Verlust' })} ${formatNumber(lang, smoothed[smoothed.length - 1] ?? NaN, 4)}`);
    legend.push({ label: o.label, colour, dashed: true, thin: true });
  });
  frame.svg.append('path').attr('class', 'zf-raw').attr('fill', 'none').attr('stroke', COLOURS.sky).attr('stroke-width', 1).attr('stroke-opacity', 0.6).attr('d', path(losses, batchesPerEpoch));
  frame.svg.append('path').attr('class', 'zf-smooth').attr('fill', 'none').attr('stroke', COLOURS.blue).attr('stroke-width', 2.5).attr('d', path(smooth(losses, batchesPerEpoch), batchesPerEpoch));
  legend.push({ label: tr(lang, { en: 'per batch', de: 'pro Stapel' }), colour: COLOURS.sky, thin: true }, { label: tr(lang, { en: 'moving average', de: 'gleitender Mittelwert' }), colour: COLOURS.blue });
  appendLegend(frame, legend);
  const perEpoch: (string | number)[][] = [];
  for (let e = 0; e * batchesPerEpoch < losses.length; e++) {
    const part = Array.from(losses).slice(e * batchesPerEpoch, (e + 1) * batchesPerEpoch);
    perEpoch.push([e + 1, part.length, formatNumber(lang, part.reduce((a, b) => a + b, 0) / part.length, 4)]);
  }
  appendDataTable(frame, [tr(lang, { en: 'epoch', de: 'Epoche' }), tr(lang, { en: 'batches', de: 'Stapel' }), tr(lang, { en: 'mean loss', de: 'mittlerer Verlust' })], perEpoch);
  return frame.root;
}

function checkEpochs(epochs: readonly EpochAccuracy[], name: string): void {
  if (!Array.isArray(epochs)) throw new TypeError(`${name} must be an array of { epoch, trainAccuracy, testAccuracy }`);
  epochs.forEach((e, i) => {
    if (!e || !Number.isFinite(e.epoch)) throw new RangeError(`${name}[${i}].epoch must be a number, got ${String(e?.epoch)}`);
    checkNumbers([e.trainAccuracy], `${name}[${i}].trainAccuracy`, { min: 0, max: 1 });
    checkNumbers([e.testAccuracy], `${name}[${i}].testAccuracy`, { min: 0, max: 1 });
  });
}

/** Accuracy on training and test images after each epoch; earlier runs as faint overlays. */
export function accuracyPlot(epochs: readonly EpochAccuracy[], options: PlotOptions & { overlays?: readonly AccuracyOverlay[]; /** false: training images are not cropped (no note) */ augmented?: boolean } = {}): HTMLElement {
  checkEpochs(epochs, 'epochs');
  const overlays = options.overlays ?? [];
  overlays.forEach((o, i) => checkEpochs(o.epochs, `overlays[${i}].epochs`));
  const lang = checkLang(options.lang ?? 'en');
  const lastEpoch = epochs[epochs.length - 1];
  const frame = createFrame('accuracy', tr(lang, { en: 'Accuracy per epoch', de: 'Genauigkeit pro Epoche' }),
    lastEpoch
      ? tr(lang, { en: `After epoch ${lastEpoch.epoch}: training ${pct(lang, lastEpoch.trainAccuracy)}, test ${pct(lang, lastEpoch.testAccuracy)}.`,
        de: `Nach Epoche ${lastEpoch.epoch}: Training ${pct(lang, lastEpoch.trainAccuracy)}, Test ${pct(lang, lastEpoch.testAccuracy)}.` })
      : tr(lang, { en: 'No epochs yet.', de: 'Noch keine Epochen.' }),
    options, { height: 260 });
  const all = [...epochs, ...overlays.flatMap((o) => o.epochs)];
  const maxEpoch = Math.max(1, max(all, (e) => e.epoch) ?? 1);
  const lowest = min(all, (e) => Math.min(e.trainAccuracy, e.testAccuracy)) ?? 0;
  const firstEpoch = Math.min(maxEpoch - 1, min(all, (e) => e.epoch) ?? 0);
  const x = scaleLinear().domain([firstEpoch, maxEpoch]).range([frame.margin.left, frame.width - frame.margin.right]);
  const y = scaleLinear().domain([Math.max(0, Math.floor(lowest * 10 - 0.5) / 10), 1]).range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'epoch', de: 'Epoche' }), y: tr(lang, { en: 'accuracy (%)', de: 'Genauigkeit (%)' }) },
    { x: (a) => a.ticks(Math.max(1, Math.min(maxEpoch - firstEpoch, frame.narrow ? 4 : 10))).tickFormat(format('d')), y: (a) => a.tickFormat((v) => formatNumber(lang, +v * 100, 0)) });
  const legend: LegendItem[] = [];
  const drawSeries = (data: readonly EpochAccuracy[], key: 'trainAccuracy' | 'testAccuracy', colour: string, dashed: boolean, width: number, cls: string, label = '') => {
    const sorted = [...data].sort((a, b) => a.epoch - b.epoch);
    frame.svg.append('path').attr('class', cls).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', width)
      .attr('stroke-dasharray', dashed ? '6 4' : null)
      .attr('d', line<EpochAccuracy>().x((e) => x(e.epoch)).y((e) => y(e[key]))(sorted) ?? '');
    frame.svg.append('g').attr('class', `${cls}-points`).selectAll('circle').data(sorted).join('circle')
      .attr('cx', (e) => x(e.epoch)).attr('cy', (e) => y(e[key])).attr('r', width > 2 ? 3.5 : 2.5)
      .attr('fill', dashed ? '#fff' : colour).attr('stroke', colour).attr('stroke-width', 1.5)
      // hover read-out: which run, which epoch, both accuracies
      .append('title').text((e) => `${label ? `${label}: ` : ''}${tr(lang, { en: 'epoch', de: 'Epoche' })} ${e.epoch}, ${tr(lang, { en: 'training', de: 'Training' })} ${pct(lang, e.trainAccuracy)}, ${tr(lang, { en: 'test', de: 'Test' })} ${pct(lang, e.testAccuracy)}`);
  };
  overlays.forEach((o, i) => {
    const colour = OVERLAY_COLOURS[i % OVERLAY_COLOURS.length];
    drawSeries(o.epochs, 'testAccuracy', colour, false, 1.5, 'zf-overlay', o.label);
    legend.push({ label: `${o.label} (${tr(lang, { en: 'test', de: 'Test' })})`, colour, thin: true });
  });
  drawSeries(epochs, 'trainAccuracy', COLOURS.orange, true, 2.5, 'zf-train');
  drawSeries(epochs, 'testAccuracy', COLOURS.blue, false, 2.5, 'zf-test');
  legend.push({ label: tr(lang, { en: 'training images (cropped)', de: 'Trainingsbilder (ausgeschnitten)' }), colour: COLOURS.orange, dashed: true },
    { label: tr(lang, { en: 'test images', de: 'Testbilder' }), colour: COLOURS.blue });
  appendLegend(frame, legend);
  if (options.augmented !== false) {
    frame.root.append(element('p', { class: 'zf-plot-note', text: tr(lang, {
      en: 'Training accuracy is measured on the training images as the network sees them while it learns: randomly cropped, so harder than the test images. That is why it can lie below the test accuracy; it is not a sign of overfitting.',
      de: 'Die Trainingsgenauigkeit wird auf den Trainingsbildern gemessen, wie das Netz sie beim Lernen sieht: zufällig ausgeschnitten, also schwerer als die Testbilder. Deshalb kann sie unter der Testgenauigkeit liegen; das ist kein Zeichen von Überanpassung.' }) }));
  }
  appendDataTable(frame, [tr(lang, { en: 'epoch', de: 'Epoche' }), tr(lang, { en: 'training images', de: 'Trainingsbilder' }), tr(lang, { en: 'test images', de: 'Testbilder' })],
    [...epochs].sort((a, b) => a.epoch - b.epoch).map((e) => [e.epoch, pct(lang, e.trainAccuracy), pct(lang, e.testAccuracy)]));
  return frame.root;
}

interface CapacityRow { hidden: number; trainAccuracy: number; testAccuracy: number }

/** Accuracy against the number of hidden neurons (log axis): too few underfit, many memorise. */
export function capacityPlot(rows: readonly CapacityRow[], options: PlotOptions = {}): HTMLElement {
  rows.forEach((r, i) => {
    if (!Number.isInteger(r?.hidden) || r.hidden < 1) throw new RangeError(`rows[${i}].hidden must be a whole number ≥ 1, got ${String(r?.hidden)}`);
    checkNumbers([r.trainAccuracy], `rows[${i}].trainAccuracy`, { min: 0, max: 1 });
    checkNumbers([r.testAccuracy], `rows[${i}].testAccuracy`, { min: 0, max: 1 });
  });
  const lang = checkLang(options.lang ?? 'en');
  const sorted = [...rows].sort((a, b) => a.hidden - b.hidden);
  const best = sorted.reduce<CapacityRow | null>((b, r) => (!b || r.testAccuracy > b.testAccuracy ? r : b), null);
  const frame = createFrame('capacity', tr(lang, { en: 'Accuracy vs. hidden neurons', de: 'Genauigkeit und versteckte Neuronen' }),
    best ? tr(lang, { en: `Best test accuracy ${pct(lang, best.testAccuracy)} with ${best.hidden} hidden neurons.`, de: `Beste Testgenauigkeit ${pct(lang, best.testAccuracy)} mit ${best.hidden} versteckten Neuronen.` })
      : tr(lang, { en: 'No runs yet.', de: 'Noch keine Durchläufe.' }),
    options, { height: 280 });
  const [lo, hi] = extent(sorted, (r) => r.hidden) as [number | undefined, number | undefined];
  const x = scaleLog().domain([lo ?? 1, Math.max((hi ?? 1024), (lo ?? 1) * 2)]).range([frame.margin.left, frame.width - frame.margin.right]);
  const lowest = min(sorted, (r) => Math.min(r.trainAccuracy, r.testAccuracy)) ?? 0;
  const y = scaleLinear().domain([Math.max(0, Math.floor(lowest * 10 - 0.5) / 10), 1]).range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'hidden neurons per layer (log scale)', de: 'versteckte Neuronen pro Lage (log. Skala)' }), y: tr(lang, { en: 'accuracy (%)', de: 'Genauigkeit (%)' }) },
    { x: (a) => a.ticks(frame.narrow ? 4 : 8, '~d'), y: (a) => a.tickFormat((v) => formatNumber(lang, +v * 100, 0)) });
  for (const [key, colour, dashed] of [['trainAccuracy', COLOURS.orange, true], ['testAccuracy', COLOURS.blue, false]] as const) {
    frame.svg.append('path').attr('class', `zf-${key}`).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 2.5).attr('stroke-dasharray', dashed ? '6 4' : null)
      .attr('d', line<CapacityRow>().x((r) => x(r.hidden)).y((r) => y(r[key]))(sorted) ?? '');
    frame.svg.append('g').selectAll('circle').data(sorted).join('circle').attr('class', `zf-${key}-point`)
      .attr('cx', (r) => x(r.hidden)).attr('cy', (r) => y(r[key])).attr('r', 3.5).attr('fill', dashed ? '#fff' : colour).attr('stroke', colour).attr('stroke-width', 1.5);
  }
  appendLegend(frame, [{ label: tr(lang, { en: 'training images', de: 'Trainingsbilder' }), colour: COLOURS.orange, dashed: true },
    { label: tr(lang, { en: 'test images', de: 'Testbilder' }), colour: COLOURS.blue }]);
  appendDataTable(frame, [tr(lang, { en: 'hidden neurons', de: 'versteckte Neuronen' }), tr(lang, { en: 'training images', de: 'Trainingsbilder' }), tr(lang, { en: 'test images', de: 'Testbilder' })],
    sorted.map((r) => [r.hidden, pct(lang, r.trainAccuracy), pct(lang, r.testAccuracy)]));
  return frame.root;
}

interface CapacityLossRow { hidden: number; trainLoss: number | null; testLoss: number | null }

/** Final loss on training and test images against hidden neurons (log axis); widths without a loss are skipped. */
export function capacityLossPlot(rows: readonly CapacityLossRow[], options: PlotOptions = {}): HTMLElement {
  rows.forEach((r, i) => {
    if (!Number.isInteger(r?.hidden) || r.hidden < 1) throw new RangeError(`rows[${i}].hidden must be a whole number ≥ 1, got ${String(r?.hidden)}`);
    for (const key of ['trainLoss', 'testLoss'] as const) if (r[key] !== null) checkNumbers([r[key] as number], `rows[${i}].${key}`, { min: 0 });
  });
  const lang = checkLang(options.lang ?? 'en');
  const sorted = [...rows].sort((a, b) => a.hidden - b.hidden);
  const frame = createFrame('capacity-loss', tr(lang, { en: 'Loss vs. hidden neurons', de: 'Verlust und versteckte Neuronen' }),
    sorted.length ? tr(lang, { en: 'Final loss of each width on its training images and on the test images.', de: 'Verlust jeder Breite auf ihren Trainingsbildern und auf den Testbildern.' })
      : tr(lang, { en: 'No runs yet.', de: 'Noch keine Durchläufe.' }),
    options, { height: 240 });
  const [lo, hi] = extent(sorted, (r) => r.hidden) as [number | undefined, number | undefined];
  const x = scaleLog().domain([lo ?? 1, Math.max(hi ?? 1024, (lo ?? 1) * 2)]).range([frame.margin.left, frame.width - frame.margin.right]);
  const highest = max(sorted, (r) => Math.max(r.trainLoss ?? 0, r.testLoss ?? 0)) ?? 1;
  const y = scaleLinear().domain([0, Math.max(1e-9, highest)]).nice().range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'hidden neurons per layer (log scale)', de: 'versteckte Neuronen pro Lage (log. Skala)' }), y: tr(lang, { en: 'loss (cross-entropy / 64)', de: 'Verlust (Kreuzentropie / 64)' }) },
    { x: (a) => a.ticks(frame.narrow ? 4 : 8, '~d'), y: (a) => a.tickFormat(format('~g')) });
  for (const [key, colour, dashed] of [['trainLoss', COLOURS.orange, true], ['testLoss', COLOURS.blue, false]] as const) {
    const known = sorted.filter((r) => r[key] !== null) as (CapacityLossRow & Record<typeof key, number>)[];
    frame.svg.append('path').attr('class', `zf-${key}`).attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 2.5).attr('stroke-dasharray', dashed ? '6 4' : null)
      .attr('d', line<(typeof known)[number]>().x((r) => x(r.hidden)).y((r) => y(r[key]))(known) ?? '');
    frame.svg.append('g').selectAll('circle').data(known).join('circle').attr('class', `zf-${key}-point`)
      .attr('cx', (r) => x(r.hidden)).attr('cy', (r) => y(r[key])).attr('r', 3.5).attr('fill', dashed ? '#fff' : colour).attr('stroke', colour).attr('stroke-width', 1.5)
      .append('title').text((r) => `${r.hidden}: ${formatNumber(lang, r[key], 4)}`);
  }
  appendLegend(frame, [{ label: tr(lang, { en: 'training images', de: 'Trainingsbilder' }), colour: COLOURS.orange, dashed: true },
    { label: tr(lang, { en: 'test images', de: 'Testbilder' }), colour: COLOURS.blue }]);
  const loss = (v: number | null) => (v === null ? '–' : formatNumber(lang, v, 4));
  appendDataTable(frame, [tr(lang, { en: 'hidden neurons', de: 'versteckte Neuronen' }), tr(lang, { en: 'training images', de: 'Trainingsbilder' }), tr(lang, { en: 'test images', de: 'Testbilder' })],
    sorted.map((r) => [r.hidden, loss(r.trainLoss), loss(r.testLoss)]));
  return frame.root;
}

function checkMatrix(matrix: readonly (readonly number[])[]): void {
  if (!Array.isArray(matrix) || matrix.length !== 10) throw new RangeError(`matrix must be 10 rows [true digit][predicted digit], got ${Array.isArray(matrix) ? matrix.length : typeof matrix}`);
  matrix.forEach((row, t) => {
    if (!row || row.length !== 10) throw new RangeError(`matrix[${t}] must have 10 counts, got length ${row?.length}`);
    row.forEach((c: number, p: number) => { if (!Number.isInteger(c) || c < 0) throw new RangeError(`matrix[${t}][${p}] must be a whole number ≥ 0, got ${c}`); });
  });
}

/** WCAG relative luminance of a CSS colour. */
function luminance(css: string): number {
  const rgb = color(css)!.rgb();
  const channel = (v: number) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * channel(rgb.r) + 0.7152 * channel(rgb.g) + 0.0722 * channel(rgb.b);
}
const contrast = (a: string, b: string) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };

/** A fill and a text colour on it with at least 4.5:1 contrast (mid blues reach that with neither white nor ink, so they darken). */
export function readableCell(fill: string): { fill: string; text: string } {
  let current = color(fill)!.formatHex();
  for (let i = 0; i < 20; i++) {
    if (contrast(COLOURS.ink, current) >= 4.5) return { fill: current, text: COLOURS.ink };
    if (contrast('#ffffff', current) >= 4.5) return { fill: current, text: '#ffffff' };
    current = color(current)!.darker(0.15).formatHex();
  }
  return { fill: current, text: '#ffffff' };
}

/**
 * Counts of (true digit, predicted digit) over the test images, as one HTML table (a screen reader reads it
 * with its row and column headers; a keyboard reaches it with one Tab stop and moves inside with the arrow
 * keys, Home/End, like a grid). Colour shows the share of each true digit's images, so mistakes stand out;
 * clicking (or Enter/Space on) a mistake calls `onCell`.
 */
export function confusionMatrix(matrix: readonly (readonly number[])[], options: PlotOptions & { onCell?: (trueDigit: number, predictedDigit: number) => void } = {}): HTMLElement {
  checkMatrix(matrix);
  if (options.onCell !== undefined && typeof options.onCell !== 'function') throw new TypeError('onCell must be a function (trueDigit, predictedDigit) => void');
  const lang = checkLang(options.lang ?? 'en');
  const width = checkWidth(options.width, 520);
  const t = (en: string, de: string) => tr(lang, { en, de });
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, d) => a + row[d], 0);
  let worst = { t: -1, p: -1, n: 0 };
  matrix.forEach((row, td) => row.forEach((n, pd) => { if (td !== pd && n > worst.n) worst = { t: td, p: pd, n }; }));
  const summary = t(`${correct} of ${total} test images correct.${worst.n ? ` Most frequent mistake: ${worst.t} read as ${worst.p} (${worst.n} times).` : ''}`,
    `${correct} von ${total} Testbildern richtig.${worst.n ? ` Häufigster Fehler: ${worst.t} als ${worst.p} erkannt (${worst.n}-mal).` : ''}`);
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const share = (td: number, pd: number) => (rowTotals[td] ? matrix[td][pd] / rowTotals[td] : 0);
  const errorColour = scaleSequential((v: number) => interpolateBlues(0.08 + 0.85 * v)).domain([0, 0.2]).clamp(true);
  const correctColour = scaleSequential((v: number) => interpolateBlues(0.08 + 0.85 * v)).domain([0, 1]);
  const cellSize = Math.max(28, Math.min(46, Math.floor((width - 60) / 11)));

  const head = element('tr', {}, [element('th', { scope: 'col', class: 'zf-corner', text: t('true ↓ · read as →', 'richtig ↓ · erkannt als →') })]);
  for (let d = 0; d < 10; d++) head.append(element('th', { scope: 'col', text: String(d) }));
  const body = element('tbody');
  const cells: HTMLTableCellElement[] = [];
  for (let td = 0; td < 10; td++) {
    const row = element('tr', {}, [element('th', { scope: 'row', text: String(td) })]);
    for (let pd = 0; pd < 10; pd++) {
      const n = matrix[td][pd];
      const v = share(td, pd);
      const opens = options.onCell !== undefined && td !== pd && n > 0;
      const cell = element('td', {
        class: `zf-cell${td === pd ? ' zf-diagonal' : ''}`, 'data-true': td, 'data-pred': pd, 'data-count': n, 'data-action': opens ? 'open' : undefined, tabindex: -1,
        'aria-label': t(`${n} images: true ${td}, read as ${pd}${opens ? '. Enter shows them' : ''}`, `${n} Bilder: richtig ${td}, erkannt als ${pd}${opens ? '. Eingabetaste zeigt sie' : ''}`),
        title: t(`true ${td}, read as ${pd}: ${n} images`, `richtig ${td}, erkannt als ${pd}: ${n} Bilder`),
        text: String(n),
      });
      const paint = n === 0 ? { fill: '#fafafa', text: '#5b5b66' } : readableCell(td === pd ? correctColour(v) : errorColour(v));
      cell.style.background = paint.fill;
      cell.style.color = paint.text;
      cell.style.width = cell.style.height = `${cellSize}px`;
      if (opens) cell.addEventListener('click', () => options.onCell!(td, pd));
      cells.push(cell);
      row.append(cell);
    }
    body.append(row);
  }
  const titleId = uniqueId('title');
  const table = element('table', { class: 'zf-confusion-table', role: 'grid', 'aria-labelledby': titleId, 'aria-describedby': undefined }, [
    element('caption', { class: 'zf-visually-hidden', text: summary }),
    element('thead', {}, [head]), body,
  ]);
  // Roving tabindex: one Tab stop for the whole table, the first mistake (or the top-left cell) first.
  let current = cells.find((c) => c.dataset.action === 'open') ?? cells[0];
  current.tabIndex = 0;
  const focusCell = (next: HTMLTableCellElement) => {
    current.tabIndex = -1;
    next.tabIndex = 0;
    current = next;
    next.focus();
  };
  table.addEventListener('focusin', (event) => {
    const cell = (event.target as HTMLElement).closest?.('td.zf-cell') as HTMLTableCellElement | null;
    if (cell && cell !== current) { current.tabIndex = -1; cell.tabIndex = 0; current = cell; }
  });
  table.addEventListener('keydown', (event) => {
    const cell = (event.target as HTMLElement).closest?.('td.zf-cell') as HTMLTableCellElement | null;
    if (!cell) return;
    const index = cells.indexOf(cell);
    const [row, col] = [Math.floor(index / 10), index % 10];
    const moves: Record<string, [number, number]> = { ArrowUp: [row - 1, col], ArrowDown: [row + 1, col], ArrowLeft: [row, col - 1], ArrowRight: [row, col + 1], Home: [row, 0], End: [row, 9] };
    if (event.key in moves) {
      const [r, c] = moves[event.key];
      if (r >= 0 && r < 10 && c >= 0 && c < 10) focusCell(cells[r * 10 + c]);
      event.preventDefault();
    } else if ((event.key === 'Enter' || event.key === ' ') && cell.dataset.action === 'open') {
      event.preventDefault();
      options.onCell!(Number(cell.dataset.true), Number(cell.dataset.pred));
    }
  });
  const root = element('figure', { class: 'zf-plot zf-confusion' }, [
    element('div', { class: 'zf-plot-title', id: titleId, text: t('Confusion matrix', 'Verwechslungsmatrix') }),
    element('p', { class: 'zf-plot-note', text: summary }),
    element('div', { class: 'zf-table-wrap' }, [table]),
  ]);
  if (options.onCell) root.append(element('p', { class: 'zf-plot-note', text: t('Rows: the true digit; columns: what the network read. Click a mistake (or move there with the arrow keys and press Enter) to see those images.', 'Zeilen: die richtige Ziffer; Spalten: was das Netz erkannt hat. Klicke auf einen Fehler (oder geh mit den Pfeiltasten hin und drücke die Eingabetaste), um die Bilder zu sehen.') }));
  applyCell(root, options);
  return root;
}

interface DigitGridOptions extends CellOption {
  lang?: Lang;
  /** Digits per row (default 8). */
  columns?: number;
  /** CSS pixels per image pixel (default 2 → 56 px per digit). */
  pixelSize?: number;
  /** Optional second line per digit, e.g. what the model predicted. */
  captions?: readonly string[];
}

/** Images (each 784 values, 0|1 or 0..1) in a grid, with their labels under them. */
export function digitGrid(images: readonly ArrayLike<number>[], labels?: ArrayLike<number> | null, options: DigitGridOptions = {}): HTMLElement {
  const lang = checkLang(options.lang ?? 'en');
  const columns = options.columns ?? 8;
  if (!Number.isInteger(columns) || columns < 1 || columns > 50) throw new RangeError(`columns must be a whole number from 1 to 50, got ${columns}`);
  const pixelSize = options.pixelSize ?? 2;
  if (!(pixelSize > 0 && pixelSize <= 20)) throw new RangeError(`pixelSize must be a number from 0 to 20 (CSS px), got ${pixelSize}`);
  images.forEach((img, i) => { if (!img || img.length !== PIXELS) throw new RangeError(`images[${i}] must have ${PIXELS} values (28×28), got length ${img?.length}`); });
  if (labels && labels.length !== images.length) throw new RangeError(`labels must have one entry per image (${images.length}), got ${labels.length}`);
  if (options.captions && options.captions.length !== images.length) throw new RangeError(`captions must have one entry per image (${images.length}), got ${options.captions.length}`);
  // columns shrink (never grow) when the page is narrower than columns × image size
  const grid = element('ul', { class: 'zf-digit-grid', style: `grid-template-columns:repeat(${columns}, minmax(0, ${GRID * pixelSize}px))` });
  images.forEach((img, i) => {
    let d = '';
    for (let k = 0; k < PIXELS; k++) if (img[k] >= 0.5) d += `M${k % GRID} ${Math.floor(k / GRID)}h1v1h-1z`;
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', `0 0 ${GRID} ${GRID}`);
    svg.setAttribute('width', String(GRID * pixelSize));
    svg.setAttribute('height', String(GRID * pixelSize));
    svg.setAttribute('shape-rendering', 'crispEdges');
    const path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', COLOURS.ink);
    svg.append(path);
    const label = labels ? labels[i] : null;
    const item = element('li', { 'data-index': i, 'data-label': label ?? undefined }, [svg]);
    const text = [label !== null ? String(label) : '', options.captions?.[i] ?? ''].filter((s) => s !== '').join(' · ');
    if (text) item.append(element('span', { class: 'zf-digit-label', 'aria-hidden': 'true', text }));
    // the image is named on the svg (a list may only hold list items)
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label !== null ? tr(lang, { en: `image of a ${label}`, de: `Bild einer ${label}` }) + (options.captions?.[i] ? ` (${options.captions[i]})` : '') : tr(lang, { en: 'digit image', de: 'Ziffernbild' }));
    grid.append(item);
  });
  const root = element('figure', { class: 'zf-digits' }, [grid]);
  if (images.length === 0) root.append(element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'No images.', de: 'Keine Bilder.' }) }));
  applyCell(root, options);
  return root;
}

interface DiagramLayer { in: number; out: number; numSends: number }

/** Parameters (weights + biases) of a stack of layers. */
export function parameterCount(layers: readonly DiagramLayer[]): number {
  return layers.reduce((sum, l) => sum + l.in * l.out + l.out, 0);
}

/**
 * The network as columns of neurons (784 → hidden … → 10), with each layer's weight count and its
 * num_sends (how often the chip repeats each input to make it louder).
 */
export function networkDiagram(spec: { layers: readonly DiagramLayer[] }, options: PlotOptions = {}): HTMLElement {
  const layers = spec?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new RangeError('layers must be a non-empty array of { in, out, numSends }');
  layers.forEach((l, i) => {
    for (const key of ['in', 'out', 'numSends'] as const) {
      if (!Number.isInteger(l?.[key]) || l[key] < 1) throw new RangeError(`layers[${i}].${key} must be a whole number ≥ 1, got ${String(l?.[key])}`);
    }
    if (i > 0 && l.in !== layers[i - 1].out) throw new RangeError(`layers[${i}].in (${l.in}) must equal layers[${i - 1}].out (${layers[i - 1].out})`);
  });
  const lang = checkLang(options.lang ?? 'en');
  const sizes = [layers[0].in, ...layers.map((l) => l.out)];
  const params = parameterCount(layers);
  const n = (v: number) => formatNumber(lang, v, 0);
  const frame = createFrame('network', tr(lang, { en: 'The network', de: 'Das Netzwerk' }),
    tr(lang, { en: `Layer sizes ${sizes.join(' → ')}; ${n(params)} parameters.`, de: `Lagengrößen ${sizes.join(' → ')}; ${n(params)} Parameter.` }),
    options, { height: options.height ?? 300, margin: { top: 30, bottom: 70, left: 16, right: 16 } });
  const { svg, width, height, margin } = frame;
  const colX = (i: number) => margin.left + 30 + (i * (width - margin.left - margin.right - 60)) / (sizes.length - 1);
  const top = margin.top, bottom = height - margin.bottom;
  const barHeight = scaleLog().domain([1, Math.max(...sizes, 10)]).range([24, bottom - top]);
  const colour = (i: number) => (i === 0 ? COLOURS.grey : i === sizes.length - 1 ? COLOURS.blue : COLOURS.orange);
  // connections: a fan of lines between neighbouring columns (a sketch: the real layers are all-to-all)
  layers.forEach((l, i) => {
    const h0 = barHeight(l.in), h1 = barHeight(l.out);
    const mid = (top + bottom) / 2;
    const g = svg.append('g').attr('class', 'zf-connections').attr('stroke', COLOURS.ink).attr('stroke-opacity', 0.12);
    const lines = 7;
    for (let a = 0; a < lines; a++) for (let b = 0; b < lines; b++) {
      g.append('line').attr('x1', colX(i) + 9).attr('y1', mid - h0 / 2 + (h0 * (a + 0.5)) / lines)
        .attr('x2', colX(i + 1) - 9).attr('y2', mid - h1 / 2 + (h1 * (b + 0.5)) / lines);
    }
    const cx = (colX(i) + colX(i + 1)) / 2;
    const label = svg.append('g').attr('class', 'zf-layer-label').attr('text-anchor', 'middle');
    const weightsWord = tr(lang, { en: 'weights', de: 'Gewichte' });
    // num_sends in words: how often the chip sends each input (code name in the table below the figure)
    const sends = tr(lang, { en: `inputs sent ${l.numSends}×`, de: `Eingaben ${l.numSends}× gesendet` });
    if (frame.narrow) {
      // stacked, so neighbouring labels do not run into each other on a phone
      label.append('text').attr('x', cx).attr('y', bottom + 18).text(n(l.in * l.out));
      label.append('text').attr('x', cx).attr('y', bottom + 34).text(weightsWord);
      label.append('text').attr('x', cx).attr('y', bottom + 50).attr('class', 'zf-muted').text(sends);
    } else {
      label.append('text').attr('x', cx).attr('y', bottom + 22).text(`${n(l.in * l.out)} ${weightsWord}`);
      label.append('text').attr('x', cx).attr('y', bottom + 40).attr('class', 'zf-muted').text(sends);
    }
  });
  sizes.forEach((size, i) => {
    const h = barHeight(size);
    const mid = (top + bottom) / 2;
    svg.append('rect').attr('class', 'zf-layer').attr('x', colX(i) - 9).attr('y', mid - h / 2).attr('width', 18).attr('height', h).attr('rx', 9).attr('fill', colour(i));
    svg.append('text').attr('class', 'zf-layer-size').attr('x', colX(i)).attr('y', top - 10).attr('text-anchor', 'middle').text(n(size));
  });
  const names = sizes.map((_, i) => i === 0 ? tr(lang, { en: 'input pixels', de: 'Eingabepixel' }) : i === sizes.length - 1 ? tr(lang, { en: 'digits', de: 'Ziffern' }) : tr(lang, { en: 'hidden', de: 'versteckt' }));
  appendLegend(frame, [
    { label: `${names[0]} (28 × 28)`, colour: COLOURS.grey },
    ...(sizes.length > 2 ? [{ label: tr(lang, { en: 'hidden neurons', de: 'versteckte Neuronen' }), colour: COLOURS.orange }] : []),
    { label: tr(lang, { en: 'outputs, one per digit', de: 'Ausgänge, einer pro Ziffer' }), colour: COLOURS.blue },
  ]);
  frame.root.append(element('p', { class: 'zf-plot-note', 'data-parameters': params, text: tr(lang, { en: `${n(params)} parameters (weights and biases) in total.`, de: `Insgesamt ${n(params)} Parameter (Gewichte und Schwellen).` }) }));
  appendDataTable(frame, [tr(lang, { en: 'layer', de: 'Lage' }), tr(lang, { en: 'inputs', de: 'Eingänge' }), tr(lang, { en: 'outputs', de: 'Ausgänge' }), tr(lang, { en: 'weights', de: 'Gewichte' }), tr(lang, { en: 'sends per input (num_sends)', de: 'Sendungen pro Eingabe (num_sends)' })],
    layers.map((l, i) => [i + 1, n(l.in), n(l.out), n(l.in * l.out), l.numSends]));
  return frame.root;
}
