// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { accuracyPlot, capacityPlot, confusionMatrix, digitGrid, lossCurve, movingAverage, networkDiagram, parameterCount, readableCell } from '../../lib/ui/plots';
import { mockParamCompare, spreadPlot, weightSweepPlot } from '../../lib/ui/chipPlots';

const identityMatrix = (): number[][] => Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 90 : 0)));

describe('lossCurve', () => {
  it('draws raw and smoothed loss over epochs, with axis titles and a legend', () => {
    const losses = Array.from({ length: 40 }, (_, i) => 0.04 / (1 + i));
    const el = lossCurve(losses, 10, { width: 500, overlays: [{ label: 'earlier', losses: losses.map((v) => v * 2), batchesPerEpoch: 10 }] });
    const svg = el.querySelector('svg')!;
    expect(svg.getAttribute('width')).toBe('500');
    expect(svg.getAttribute('role')).toBe('img');
    expect(el.querySelectorAll('path.zf-raw, path.zf-smooth, path.zf-overlay').length).toBe(3);
    expect([...el.querySelectorAll('.zf-axis-title')].map((t) => t.textContent)).toEqual(['epoch', 'loss (cross-entropy / 64)']);
    // the last x tick lies at epoch 4 (40 batches / 10)
    expect([...el.querySelectorAll('.zf-axis-x .tick text')].map((t) => t.textContent)).toContain('4.0');
    expect([...el.querySelectorAll('.zf-legend li')].map((li) => li.textContent)).toEqual(['earlier', 'per batch', 'moving average']);
    expect(el.hasAttribute('data-cell')).toBe(false);
  });

  it('rejects bad losses and batch counts', () => {
    expect(() => lossCurve([0.1, NaN], 10)).toThrow(/losses\[1\]/);
    expect(() => lossCurve([0.1], 0)).toThrow(/batchesPerEpoch/);
    expect(() => lossCurve([0.1], 1, { width: 50 })).toThrow(/width/);
  });

  it('moving average is centred and exact', () => {
    expect([...movingAverage([1, 2, 3, 4, 5], 3)]).toEqual([1.5, 2, 3, 4, 4.5]);
  });
});

describe('accuracyPlot and capacityPlot', () => {
  it('one point per epoch for train and test, described in the title text', () => {
    const epochs = [1, 2, 3].map((epoch) => ({ epoch, trainAccuracy: 0.9 + epoch / 100, testAccuracy: 0.88 + epoch / 100 }));
    const el = accuracyPlot(epochs, { lang: 'de', cell: 'accuracy' });
    expect(el.getAttribute('data-cell')).toBe('accuracy');
    expect(el.querySelectorAll('.zf-train-points circle').length).toBe(3);
    expect(el.querySelectorAll('.zf-test-points circle').length).toBe(3);
    expect(el.querySelector('desc')!.textContent).toBe('Nach Epoche 3: Training 93 %, Test 91 %.');
    expect(() => accuracyPlot([{ epoch: 1, trainAccuracy: 1.5, testAccuracy: 0.5 }])).toThrow(/trainAccuracy/);
  });

  it('capacity uses a log x axis and names the best size', () => {
    const rows = [16, 256, 64].map((hidden) => ({ hidden, trainAccuracy: 0.9, testAccuracy: hidden === 64 ? 0.95 : 0.9 }));
    const el = capacityPlot(rows);
    const xs = [...el.querySelectorAll('.zf-testAccuracy-point')].map((c) => Number(c.getAttribute('cx')));
    // equal ratios → equal distances on a log axis (16→64→256)
    expect(xs[1] - xs[0]).toBeCloseTo(xs[2] - xs[1], 6);
    expect(el.querySelector('desc')!.textContent).toMatch(/64 hidden neurons/);
    expect(() => capacityPlot([{ hidden: 0, trainAccuracy: 0.5, testAccuracy: 0.5 }])).toThrow(/hidden/);
  });
});

describe('confusionMatrix', () => {
  it('has 100 cells with counts and calls onCell with (true, predicted) on click and keyboard', () => {
    const matrix = identityMatrix();
    matrix[4][9] = 7;
    const onCell = vi.fn();
    const el = confusionMatrix(matrix, { onCell });
    document.body.append(el);
    expect(el.querySelectorAll('.zf-cell').length).toBe(100);
    const cell = el.querySelector('.zf-cell[data-true="4"][data-pred="9"]')!;
    expect(cell.getAttribute('data-count')).toBe('7');
    expect(cell.getAttribute('data-action')).toBe('open');
    // one Tab stop for the whole table: the first mistake
    expect([...el.querySelectorAll('[tabindex="0"]')]).toEqual([cell]);
    expect(el.querySelector('svg')).toBeNull();
    expect(el.querySelectorAll('table[role=grid] th[scope=col]').length).toBe(11);
    cell.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(onCell).toHaveBeenLastCalledWith(4, 9);
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onCell).toHaveBeenCalledTimes(2);
    // arrow keys move the one Tab stop
    cell.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    const left = el.querySelector('.zf-cell[data-true="4"][data-pred="8"]')!;
    expect(document.activeElement).toBe(left);
    expect(el.querySelectorAll('[tabindex="0"]').length).toBe(1);
    left.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onCell).toHaveBeenCalledTimes(2); // an empty cell opens nothing
    // correct and empty cells open nothing
    expect(el.querySelector('.zf-cell[data-true="4"][data-pred="4"]')!.hasAttribute('data-action')).toBe(false);
    expect(el.querySelector('caption')!.textContent).toBe('900 of 907 test images correct. Most frequent mistake: 4 read as 9 (7 times).');
    el.remove();
  });

  it('rejects malformed matrices', () => {
    expect(() => confusionMatrix([[1]])).toThrow(/10 rows/);
    const bad = identityMatrix();
    bad[2][3] = -1;
    expect(() => confusionMatrix(bad)).toThrow(/matrix\[2\]\[3\]/);
  });
});

describe('digitGrid and networkDiagram', () => {
  it('draws one item per image with its label', () => {
    const img = new Uint8Array(784);
    img[0] = 1; img[783] = 1;
    const el = digitGrid([img, new Uint8Array(784)], [3, 8], { columns: 4 });
    const items = [...el.querySelectorAll('li')];
    expect(items.map((li) => li.getAttribute('data-label'))).toEqual(['3', '8']);
    expect(items[0].querySelector('path')!.getAttribute('d')).toBe('M0 0h1v1h-1zM27 27h1v1h-1z');
    expect((el.querySelector('ul') as HTMLElement).style.gridTemplateColumns).toContain('repeat(4');
    expect(() => digitGrid([new Uint8Array(5)])).toThrow(/images\[0\]/);
    expect(() => digitGrid([img], [1, 2])).toThrow(/labels/);
  });

  it('shows layer sizes, weights, num_sends and the parameter count', () => {
    const layers = [{ in: 784, out: 256, numSends: 1 }, { in: 256, out: 10, numSends: 3 }];
    expect(parameterCount(layers)).toBe(784 * 256 + 256 + 256 * 10 + 10);
    const el = networkDiagram({ layers });
    expect([...el.querySelectorAll('.zf-layer-size')].map((t) => t.textContent)).toEqual(['784', '256', '10']);
    expect(el.textContent).toContain('inputs sent 3×'); // num_sends in words; the code name in the table
    expect(el.querySelector('details.zf-data')!.textContent).toContain('(num_sends)');
    expect(el.querySelector('[data-parameters]')!.getAttribute('data-parameters')).toBe(String(parameterCount(layers)));
    expect(() => networkDiagram({ layers: [{ in: 784, out: 256, numSends: 1 }, { in: 100, out: 10, numSends: 1 }] })).toThrow(/layers\[1\]\.in/);
  });
});

describe('chip plots', () => {
  it('weightSweepPlot draws one line per neuron, before and after', () => {
    const weights = [-63, 0, 63];
    const el = weightSweepPlot({ weights, before: [[-100, 5, 110], [-90, -3, 95]], after: [[-100, 0, 100]] });
    expect(el.querySelectorAll('.zf-before path').length).toBe(2);
    expect(el.querySelectorAll('.zf-after path').length).toBe(1);
    expect(() => weightSweepPlot({ weights, before: [[1, 2]], after: [] })).toThrow(/before\[0\]/);
    // the numbers as a table: per weight the lowest / mean / highest output before and after
    const rows = [...el.querySelectorAll('details.zf-data tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows).toEqual([['-63', '-100 / -95 / -90', '-100 / -100 / -100'], ['0', '-3 / 1 / 5', '0 / 0 / 0'], ['63', '95 / 102.5 / 110', '100 / 100 / 100']]);
  });

  it('spreadPlot has offset and gain histograms; mockParamCompare shows both parameter sets', () => {
    const el = spreadPlot({ before: { offset: [-10, 0, 12], gain: [0.9, 1.1, 1] }, after: { offset: [0, 1, -1], gain: [1, 1.01, 0.99] } }, { cell: 'spread' });
    expect(el.getAttribute('data-cell')).toBe('spread');
    expect(el.querySelectorAll('figure.zf-plot').length).toBe(2);
    expect(el.querySelectorAll('.zf-before rect').length).toBeGreaterThan(0);
    expect(() => spreadPlot({ before: { offset: [NaN], gain: [] }, after: { offset: [], gain: [] } })).toThrow(/before\.offset\[0\]/);
    const cmp = mockParamCompare({ defaults: { gain: 0.002, noiseStd: 2 }, measured: { gain: 0.0019, noiseStd: 2.5 } });
    expect(cmp.querySelectorAll('rect').length).toBe(4);
    expect([...cmp.querySelectorAll('details.zf-data tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent))).toEqual([['gain', '0.002', '0.0019'], ['noise (LSB)', '2', '2.5']]);
    // histograms as tables: neurons per bin before and after, every neuron counted once
    const counts = [...el.querySelectorAll('figure.zf-plot')].map((fig) => [...fig.querySelectorAll('details.zf-data tbody tr')]
      .reduce((sum, tr) => [sum[0] + Number(tr.children[1].textContent), sum[1] + Number(tr.children[2].textContent)], [0, 0]));
    expect(counts).toEqual([[3, 3], [3, 3]]);
    const german = mockParamCompare({ defaults: { gain: 0.002, noiseStd: 2 }, measured: { gain: 0.0019, noiseStd: 2.5 } }, { lang: 'de' });
    expect(german.querySelector('details.zf-data summary')!.textContent).toBe('Als Tabelle zeigen');
    expect(german.querySelector('details.zf-data tbody tr')!.textContent).toBe('Verstärkung0,0020,0019');
    expect(() => mockParamCompare({ defaults: { gain: 0, noiseStd: 2 }, measured: { gain: 0.002, noiseStd: 2 } })).toThrow(/defaults\.gain/);
  });
});

describe('readableCell', () => {
  it('gives every confusion colour a text colour with at least 4.5:1 contrast', async () => {
    const { interpolateBlues } = await import('d3');
    for (let v = 0; v <= 1; v += 0.02) {
      const { fill, text } = readableCell(interpolateBlues(0.08 + 0.85 * v));
      const lum = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
      const [hi, lo] = [lum(fill), lum(text)].sort((a, b) => b - a);
      expect((hi + 0.05) / (lo + 0.05)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
