/**
 * Shared scaffolding for the d3 plots: a figure with a title, an SVG sized in CSS pixels (so text
 * stays readable at every width: the page passes its column width, e.g. Observable's `width`), axes
 * with labels and units, and an HTML legend that wraps on phones.
 */

import { axisBottom, axisLeft, create, type Axis, type NumberValue, type ScaleLinear, type ScaleLogarithmic, type Selection } from 'd3';
import { applyCell, element, uniqueId, type CellOption } from './dom';
import { checkLang, type Lang } from './i18n';

export interface PlotOptions extends CellOption {
  lang?: Lang;
  /** Width in CSS pixels (default 640); pass the page column's width for a responsive figure. */
  width?: number;
  /** Height in CSS pixels (default depends on the plot). */
  height?: number;
}

/** Okabe–Ito, the colour-blind-safe palette used for all series. */
export const COLOURS = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  purple: '#CC79A7',
  yellow: '#F0E442',
  grey: '#7a7a7a',
  ink: '#1b1b1f',
} as const;
/** Earlier runs drawn under the current one. */
export const OVERLAY_COLOURS = ['#9a9a9a', '#56B4E9', '#CC79A7', '#009E73'] as const;

interface Margins { top: number; right: number; bottom: number; left: number }

type Svg = Selection<SVGSVGElement, undefined, null, undefined>;

interface Frame {
  lang: Lang;
  root: HTMLElement;
  svg: Svg;
  width: number;
  height: number;
  margin: Margins;
  /** True below 480 px: fewer ticks, tighter margins. */
  narrow: boolean;
}

export function checkWidth(width: unknown, fallback: number, name = 'width'): number {
  if (width === undefined) return fallback;
  if (typeof width !== 'number' || !Number.isFinite(width) || width < 200 || width > 4000) {
    throw new RangeError(`${name} must be a number of CSS pixels from 200 to 4000, got ${String(width)}`);
  }
  return Math.round(width);
}

export function createFrame(kind: string, title: string, description: string, options: PlotOptions, defaults: { height: number; margin?: Partial<Margins> }): Frame {
  const lang = checkLang(options.lang ?? 'en');
  const width = checkWidth(options.width, 640);
  const height = checkWidth(options.height, defaults.height, 'height');
  const narrow = width < 480;
  const margin: Margins = { top: 12, right: narrow ? 12 : 20, bottom: 44, left: narrow ? 48 : 56, ...defaults.margin };
  const titleId = uniqueId('title');
  const descId = uniqueId('desc');
  const svg = create('svg')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr('aria-labelledby', `${titleId} ${descId}`)
    .attr('class', 'zf-plot-svg') as unknown as Svg;
  svg.append('title').attr('id', titleId).text(title);
  svg.append('desc').attr('id', descId).text(description);
  const root = element('figure', { class: `zf-plot zf-${kind}` }, [element('div', { class: 'zf-plot-title', 'aria-hidden': 'true', text: title }), svg.node()]);
  applyCell(root, options);
  return { lang, root, svg, width, height, margin, narrow };
}

type AnyScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

/** Bottom and left axes with light grid lines and axis titles (with units). */
export function drawAxes(frame: Frame, x: AnyScale, y: AnyScale, labels: { x: string; y: string },
  ticks: { x?: (axis: Axis<NumberValue>) => void; y?: (axis: Axis<NumberValue>) => void } = {}): void {
  const { svg, width, height, margin, narrow } = frame;
  const xAxis = axisBottom(x).ticks(narrow ? 4 : 8);
  const yAxis = axisLeft(y).ticks(narrow ? 4 : 6);
  ticks.x?.(xAxis);
  ticks.y?.(yAxis);
  svg.append('g').attr('class', 'zf-grid')
    .attr('transform', `translate(${margin.left},0)`)
    .call(axisLeft(y).ticks(narrow ? 4 : 6).tickSize(-(width - margin.left - margin.right)).tickFormat(() => ''))
    .call((g) => g.select('.domain').remove());
  svg.append('g').attr('class', 'zf-axis zf-axis-x').attr('transform', `translate(0,${height - margin.bottom})`).call(xAxis);
  svg.append('g').attr('class', 'zf-axis zf-axis-y').attr('transform', `translate(${margin.left},0)`).call(yAxis);
  svg.append('text').attr('class', 'zf-axis-title')
    .attr('x', margin.left + (width - margin.left - margin.right) / 2).attr('y', height - 8)
    .attr('text-anchor', 'middle').text(labels.x);
  svg.append('text').attr('class', 'zf-axis-title')
    .attr('transform', `translate(14,${margin.top + (height - margin.top - margin.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle').text(labels.y);
}

export interface LegendItem { label: string; colour: string; dashed?: boolean; thin?: boolean }

export function appendLegend(frame: { root: HTMLElement }, items: LegendItem[]): void {
  const legend = element('ul', { class: 'zf-legend' });
  for (const item of items) {
    const swatch = element('span', { class: 'zf-swatch', 'aria-hidden': 'true' });
    swatch.style.borderTop = `${item.thin ? 2 : 3}px ${item.dashed ? 'dashed' : 'solid'} ${item.colour}`;
    legend.append(element('li', {}, [swatch, item.label]));
  }
  frame.root.append(legend);
}

export function checkNumbers(values: ArrayLike<number>, name: string, { min = -Infinity, max = Infinity } = {}): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new RangeError(`${name}[${i}] must be a finite number${min > -Infinity ? ` from ${min}` : ''}${max < Infinity ? ` to ${max}` : ''}, got ${String(v)}`);
    }
  }
}

/**
 * The numbers behind a figure as a table in a disclosure ("Show as a table"): the text alternative for
 * readers who cannot see the plot, and for anyone who wants the exact values.
 */
export function appendDataTable(frame: { root: HTMLElement; lang: Lang }, headers: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const lang = frame.lang;
  const table = element('table', { class: 'zf-counts zf-data-table' }, [
    element('thead', {}, [element('tr', {}, headers.map((h) => element('th', { scope: 'col', text: h })))]),
    element('tbody', {}, rows.map((row) => element('tr', {}, row.map((value, i) => element(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row', text: String(value) } : { text: String(value) }))))),
  ]);
  frame.root.append(element('details', { class: 'zf-data' }, [
    element('summary', { text: lang === 'de' ? 'Als Tabelle zeigen' : 'Show as a table' }),
    rows.length ? element('div', { class: 'zf-table-wrap' }, [table]) : element('p', { class: 'zf-plot-note', text: lang === 'de' ? 'Noch keine Werte.' : 'No values yet.' }),
  ]));
}
