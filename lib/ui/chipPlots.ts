/**
 * Pictures of the (emulated) chip: how each neuron's output follows the weight before and after
 * calibration, how spread out neuron offsets and gains are, and the mock parameters (defaults vs.
 * measured by measure_mock_parameter).
 */

import { bin, extent, line, max, scaleLinear, format } from 'd3';
import { element } from './dom';
import { checkLang, formatNumber, tr, type Lang } from './i18n';
import { COLOURS, appendDataTable, appendLegend, checkNumbers, checkWidth, createFrame, drawAxes, type PlotOptions } from './plotFrame';

export interface WeightSweep {
  /** Weights that were applied (x axis), e.g. -63..63. */
  weights: readonly number[];
  /** Output per neuron and weight before calibration: [neuron][weightIndex] (LSB). */
  before: readonly (readonly number[])[];
  /** The same after calibration. */
  after: readonly (readonly number[])[];
}

function checkCurves(curves: readonly (readonly number[])[], length: number, name: string): void {
  if (!Array.isArray(curves)) throw new TypeError(`${name} must be an array of curves [neuron][weightIndex]`);
  curves.forEach((c, i) => {
    if (!c || c.length !== length) throw new RangeError(`${name}[${i}] must have one value per weight (${length}), got length ${c?.length}`);
    checkNumbers(c, `${name}[${i}]`);
  });
}

/** Output vs. weight, one thin line per neuron: a fan before calibration, a tight bundle after. */
export function weightSweepPlot(sweep: WeightSweep, options: PlotOptions = {}): HTMLElement {
  if (!sweep || !Array.isArray(sweep.weights) || sweep.weights.length < 2) throw new RangeError('weights must be an array of at least 2 numbers');
  checkNumbers(sweep.weights, 'weights');
  checkCurves(sweep.before, sweep.weights.length, 'before');
  checkCurves(sweep.after, sweep.weights.length, 'after');
  const lang = checkLang(options.lang ?? 'en');
  const frame = createFrame('sweep', tr(lang, { en: 'Neuron output vs. weight', de: 'Neuronenausgabe und Gewicht' }),
    tr(lang, { en: `${sweep.before.length} neurons before and ${sweep.after.length} after calibration.`, de: `${sweep.before.length} Neuronen vor und ${sweep.after.length} nach der Kalibrierung.` }),
    options, { height: 300 });
  const all = [...sweep.before.flat(), ...sweep.after.flat()];
  const x = scaleLinear().domain(extent(sweep.weights) as [number, number]).range([frame.margin.left, frame.width - frame.margin.right]);
  const y = scaleLinear().domain(all.length ? (extent(all) as [number, number]) : [0, 1]).nice().range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: tr(lang, { en: 'weight', de: 'Gewicht' }), y: tr(lang, { en: 'output (LSB)', de: 'Ausgabe (Ausgabestufen)' }) });
  const path = line<number>().x((_, i) => x(sweep.weights[i])).y((v) => y(v));
  const opacity = (n: number) => Math.max(0.15, Math.min(0.8, 8 / Math.max(1, n)));
  frame.svg.append('g').attr('class', 'zf-before').attr('fill', 'none').attr('stroke', COLOURS.orange).attr('stroke-opacity', opacity(sweep.before.length)).attr('stroke-width', 1.2)
    .selectAll('path').data(sweep.before).join('path').attr('d', (c) => path(c as number[]) ?? '');
  frame.svg.append('g').attr('class', 'zf-after').attr('fill', 'none').attr('stroke', COLOURS.blue).attr('stroke-opacity', opacity(sweep.after.length)).attr('stroke-width', 1.2)
    .selectAll('path').data(sweep.after).join('path').attr('d', (c) => path(c as number[]) ?? '');
  appendLegend(frame, [{ label: tr(lang, { en: 'before calibration', de: 'vor der Kalibrierung' }), colour: COLOURS.orange, thin: true },
    { label: tr(lang, { en: 'after calibration', de: 'nach der Kalibrierung' }), colour: COLOURS.blue, thin: true }]);
  // The numbers behind the fan: per weight, the neurons' lowest, mean and highest output before and after.
  const span = (curves: readonly (readonly number[])[], i: number) => {
    const values = curves.map((c) => c[i]);
    if (values.length === 0) return '–';
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return `${formatNumber(lang, Math.min(...values), 1)} / ${formatNumber(lang, mean, 1)} / ${formatNumber(lang, Math.max(...values), 1)}`;
  };
  appendDataTable(frame, [tr(lang, { en: 'weight', de: 'Gewicht' }),
    tr(lang, { en: 'before: lowest / mean / highest output', de: 'vorher: niedrigste / mittlere / höchste Ausgabe' }),
    tr(lang, { en: 'after: lowest / mean / highest output', de: 'nachher: niedrigste / mittlere / höchste Ausgabe' })],
  sweep.weights.map((w, i) => [formatNumber(lang, w, 2), span(sweep.before, i), span(sweep.after, i)]));
  return frame.root;
}

interface NeuronSpread { offset: readonly number[]; gain: readonly number[] }

function histogram(values: readonly number[], label: string, unit: string, before: readonly number[], after: readonly number[], lang: Lang, options: PlotOptions, kind: string): HTMLElement {
  const sd = (v: readonly number[]) => {
    if (v.length < 2) return NaN;
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  };
  const frame = createFrame(kind, label,
    tr(lang, { en: `Spread (standard deviation) before ${formatNumber(lang, sd(before), 3)}, after ${formatNumber(lang, sd(after), 3)}.`, de: `Streuung (Standardabweichung) vorher ${formatNumber(lang, sd(before), 3)}, nachher ${formatNumber(lang, sd(after), 3)}.` }),
    options, { height: options.height ?? 220 });
  const [lo, hi] = values.length ? (extent(values) as [number, number]) : [0, 1];
  const x = scaleLinear().domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi]).nice().range([frame.margin.left, frame.width - frame.margin.right]);
  const binner = bin().domain(x.domain() as [number, number]).thresholds(x.ticks(frame.narrow ? 16 : 30));
  const binsBefore = binner(before as number[]);
  const binsAfter = binner(after as number[]);
  const y = scaleLinear().domain([0, Math.max(1, max([...binsBefore, ...binsAfter], (b) => b.length) ?? 1)]).nice().range([frame.height - frame.margin.bottom, frame.margin.top]);
  drawAxes(frame, x, y, { x: unit, y: tr(lang, { en: 'neurons', de: 'Neuronen' }) }, { y: (a) => a.tickFormat(format('d')) });
  for (const [bins, colour, cls] of [[binsBefore, COLOURS.orange, 'zf-before'], [binsAfter, COLOURS.blue, 'zf-after']] as const) {
    frame.svg.append('g').attr('class', cls).selectAll('rect').data(bins.filter((b) => b.length > 0)).join('rect')
      .attr('x', (b) => x(b.x0!) + 0.5).attr('width', (b) => Math.max(1, x(b.x1!) - x(b.x0!) - 1))
      .attr('y', (b) => y(b.length)).attr('height', (b) => y(0) - y(b.length))
      .attr('fill', colour).attr('fill-opacity', 0.55).attr('stroke', colour);
  }
  appendDataTable(frame, [unit, tr(lang, { en: 'neurons before calibration', de: 'Neuronen vor der Kalibrierung' }), tr(lang, { en: 'neurons after calibration', de: 'Neuronen nach der Kalibrierung' })],
    binsBefore.map((b, i) => [`${formatNumber(lang, b.x0!, 3)} … ${formatNumber(lang, b.x1!, 3)}`, b.length, binsAfter[i]?.length ?? 0]).filter((row) => row[1] !== 0 || row[2] !== 0));
  return frame.root;
}

/** Histograms of per-neuron offsets and gains, before (orange) and after (blue) calibration. */
export function spreadPlot(data: { before: NeuronSpread; after: NeuronSpread }, options: PlotOptions = {}): HTMLElement {
  for (const when of ['before', 'after'] as const) {
    const s = data?.[when];
    if (!s || !Array.isArray(s.offset) || !Array.isArray(s.gain)) throw new TypeError(`${when} must be { offset: number[], gain: number[] }`);
    checkNumbers(s.offset, `${when}.offset`);
    checkNumbers(s.gain, `${when}.gain`);
  }
  const lang = checkLang(options.lang ?? 'en');
  // two panels side by side when there is room for both at a readable size, else stacked
  const total = checkWidth(options.width, 640);
  const panelWidth = total >= 620 ? Math.floor((total - 24) / 2) : total;
  const part = { ...options, cell: undefined, width: panelWidth, height: options.height ?? 200 };
  const offsets = histogram([...data.before.offset, ...data.after.offset], tr(lang, { en: 'Neuron offsets', de: 'Versatz der Neuronen' }), tr(lang, { en: 'offset (LSB)', de: 'Versatz (Ausgabestufen)' }), data.before.offset, data.after.offset, lang, part, 'offsets');
  const gains = histogram([...data.before.gain, ...data.after.gain], tr(lang, { en: 'Neuron gains', de: 'Verstärkung der Neuronen' }), tr(lang, { en: 'gain factor (1 = ideal)', de: 'Verstärkungsfaktor (1 = ideal)' }), data.before.gain, data.after.gain, lang, part, 'gains');
  const root = element('figure', { class: 'zf-spread-plots' }, [element('div', { class: 'zf-panels' }, [offsets, gains])]);
  appendLegend({ root }, [{ label: tr(lang, { en: 'before calibration', de: 'vor der Kalibrierung' }), colour: COLOURS.orange },
    { label: tr(lang, { en: 'after calibration', de: 'nach der Kalibrierung' }), colour: COLOURS.blue }]);
  if (options.cell !== undefined) root.setAttribute('data-cell', options.cell);
  return root;
}

interface MockParameterLike { gain: number; noiseStd: number }

/** The mock's two numbers side by side: hxtorch's defaults and what measure_mock_parameter found. */
export function mockParamCompare(values: { defaults: MockParameterLike; measured: MockParameterLike }, options: PlotOptions = {}): HTMLElement {
  for (const which of ['defaults', 'measured'] as const) {
    const v = values?.[which];
    if (!v || !(v.gain > 0) || !Number.isFinite(v.gain)) throw new RangeError(`${which}.gain must be a number > 0, got ${String(v?.gain)}`);
    if (!(v.noiseStd >= 0) || !Number.isFinite(v.noiseStd)) throw new RangeError(`${which}.noiseStd must be a number ≥ 0, got ${String(v?.noiseStd)}`);
  }
  const lang = checkLang(options.lang ?? 'en');
  const frame = createFrame('mock-compare', tr(lang, { en: 'Mock parameters', de: 'Mock-Parameter' }),
    tr(lang, {
      en: `Gain: default ${values.defaults.gain}, measured ${formatNumber(lang, values.measured.gain, 5)}. Noise: default ${values.defaults.noiseStd}, measured ${formatNumber(lang, values.measured.noiseStd, 2)} LSB.`,
      de: `Verstärkung: Standard ${formatNumber(lang, values.defaults.gain, 5)}, gemessen ${formatNumber(lang, values.measured.gain, 5)}. Rauschen: Standard ${formatNumber(lang, values.defaults.noiseStd, 2)}, gemessen ${formatNumber(lang, values.measured.noiseStd, 2)} Ausgabestufen.`,
    }),
    options, { height: options.height ?? 170, margin: { left: 8, right: 8, top: 8, bottom: 8 } });
  const { svg, width, height } = frame;
  const rows = [
    { key: 'gain', label: tr(lang, { en: 'gain', de: 'Verstärkung' }), d: values.defaults.gain, m: values.measured.gain, digits: 5, unit: '' },
    { key: 'noise', label: tr(lang, { en: 'noise (LSB)', de: 'Rauschen (Ausgabestufen)' }), d: values.defaults.noiseStd, m: values.measured.noiseStd, digits: 2, unit: '' },
  ];
  const labelWidth = frame.narrow ? 110 : 130;
  const valueWidth = 70;
  const barLeft = labelWidth + 8, barRight = width - valueWidth - 8;
  const rowHeight = (height - 16) / rows.length;
  rows.forEach((row, r) => {
    const x = scaleLinear().domain([0, Math.max(row.d, row.m) * 1.1 || 1]).range([barLeft, barRight]);
    const y0 = 8 + r * rowHeight;
    const g = svg.append('g').attr('class', `zf-mock-${row.key}`);
    // A label with a unit in brackets on two lines ("Rauschen" / "(Ausgabestufen)"): it fits beside the bars in both languages.
    const [name, unitPart] = row.label.split(/ (?=\()/);
    const label = g.append('text').attr('class', 'zf-axis-title').attr('x', 0).attr('y', y0 + rowHeight / 2).attr('dy', unitPart ? '-0.25em' : '0.35em');
    label.append('tspan').text(name);
    if (unitPart) label.append('tspan').attr('x', 0).attr('dy', '1.2em').text(unitPart);
    [[row.d, COLOURS.grey, tr(lang, { en: 'default', de: 'Standard' })], [row.m, COLOURS.blue, tr(lang, { en: 'measured', de: 'gemessen' })]].forEach(([v, colour, name], k) => {
      const by = y0 + 6 + k * (rowHeight - 12) / 2;
      const bh = (rowHeight - 12) / 2 - 4;
      g.append('rect').attr('x', barLeft).attr('y', by).attr('width', Math.max(1, x(v as number) - barLeft)).attr('height', bh).attr('rx', 3).attr('fill', colour as string);
      g.append('text').attr('class', 'zf-tick').attr('x', x(v as number) + 6).attr('y', by + bh / 2).attr('dy', '0.35em')
        .text(`${formatNumber(lang, v as number, row.digits)}`).append('title').text(name as string);
    });
  });
  appendLegend(frame, [{ label: tr(lang, { en: 'hxtorch default', de: 'hxtorch-Standard' }), colour: COLOURS.grey }, { label: tr(lang, { en: 'measured on the emulated chip', de: 'auf dem emulierten Chip gemessen' }), colour: COLOURS.blue }]);
  appendDataTable(frame, [tr(lang, { en: 'parameter', de: 'Parameter' }), tr(lang, { en: 'hxtorch default', de: 'hxtorch-Standard' }), tr(lang, { en: 'measured on the emulated chip', de: 'auf dem emulierten Chip gemessen' })],
    rows.map((row) => [row.label, formatNumber(lang, row.d, row.digits), formatNumber(lang, row.m, row.digits)]));
  return frame.root;
}
