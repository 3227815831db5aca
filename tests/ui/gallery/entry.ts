/**
 * A static gallery page that renders every lib/ui component with realistic data, for the screenshot
 * check (tests/ui/gallery/shoot.ts). Data: real MNIST test digits injected as `window.GALLERY_DIGITS`,
 * everything else synthetic from the seeded RNG.
 */

import { paramSpec } from '../../../lib/params';
import { Rng } from '../../../lib/random';
import { control } from '../../../lib/ui/controls';
import { drawingPad } from '../../../lib/ui/drawing';
import { predictionsList } from '../../../lib/ui/predictions';
import { accuracyPlot, capacityPlot, confusionMatrix, digitGrid, lossCurve, networkDiagram } from '../../../lib/ui/plots';
import { mockParamCompare, spreadPlot, weightSweepPlot } from '../../../lib/ui/chipPlots';
import { trainingStatus } from '../../../lib/ui/trainingStatus';
import { injectStyles } from '../../../lib/ui/styles';
import type { Lang } from '../../../lib/ui/i18n';

declare global {
  interface Window { GALLERY_DIGITS: { images: number[][]; labels: number[] }; galleryReady?: boolean; galleryErrors: string[] }
}

const lang = (new URLSearchParams(location.search).get('lang') ?? 'en') as Lang;
injectStyles(document);
document.body.className = 'zf-page';
const article = document.createElement('main');
article.className = 'zf-article';
document.body.append(article);
const width = Math.min(article.clientWidth - 2 * parseFloat(getComputedStyle(article).paddingLeft), 1040);
const rng = new Rng(7);

function add(node: Node) { article.append(node); }
function heading(text: string, level = 2) { const h = document.createElement(`h${level}`); h.textContent = text; add(h); }
function prose(text: string) { const p = document.createElement('p'); p.textContent = text; add(p); }

heading(lang === 'de' ? 'Ziffern erkennen mit einem analogen Chip' : 'Reading digits with an analog chip', 1);
prose('A reactive notebook about handwritten-digit recognition on BrainScaleS-2 in hagen mode. Draw a digit, watch the network guess, train it, and see what the chip really computes.');

heading('Draw a digit');
const digits = window.GALLERY_DIGITS;
const byClass = new Map<number, number[][]>();
digits.labels.forEach((l, i) => { if (!byClass.has(l)) byClass.set(l, []); byClass.get(l)!.push(digits.images[i]); });
const results = document.createElement('div');
const pad = drawingPad({
  lang, cell: 'drawing',
  sampleDigit: (d) => { const list = byClass.get(d); return list ? Uint8Array.from(list[rng.int(list.length)]) : null; },
  onImage: () => {},
});
const row = document.createElement('div');
row.className = 'zf-wide';
row.style.display = 'flex'; row.style.flexWrap = 'wrap'; row.style.gap = '1.5rem';
row.append(pad, results);
add(row);
pad.paste(byClass.get(7)![0]);
results.append(predictionsList([3.2, -10, 41.6, 7, 0, 12.4, -3, 55.5, 12.4, 1], { lang, cell: 'predictions', spread: [0, 0, 3, 0, 0, 0, 0, 16, 1, 0] }));

heading('Parameters');
for (const name of ['hidden', 'lr', 'epochs', 'backend', 'preprocess', 'seed']) add(control(paramSpec(name), undefined, lang));

heading('Training');
add(trainingStatus({ state: 'running', epoch: 2, epochs: 4, batch: 120, batchesPerEpoch: 300, loss: 0.0123, samplesPerSecond: 3412 }, { lang, cell: 'training', onStop: () => {} }));
add(document.createElement('br'));
add(trainingStatus({ state: 'error', epoch: 1, epochs: 4, batch: 20, batchesPerEpoch: 300, loss: 0.03, samplesPerSecond: 0, error: 'The emulated chip is not calibrated for chip id 42.' }, { lang, onRestart: () => {} }));
const losses: number[] = [];
for (let i = 0; i < 1200; i++) losses.push(0.036 * Math.exp(-i / 150) + 0.006 + Math.abs(rng.normal()) * 0.003);
const earlier = losses.map((v, i) => v * 1.2 + 0.001 * Math.sin(i));
add(lossCurve(losses, 300, { lang, width, overlays: [{ label: 'previous run (lr 0.5)', losses: earlier, batchesPerEpoch: 300 }] }));
const epochs = [1, 2, 3, 4].map((e) => ({ epoch: e, trainAccuracy: 0.83 + 0.03 * e - 0.002 * e * e, testAccuracy: 0.86 + 0.025 * e - 0.002 * e * e }));
add(accuracyPlot(epochs, { lang, width, overlays: [{ label: 'hidden 32', epochs: epochs.map((e) => ({ ...e, testAccuracy: e.testAccuracy - 0.05 })) }] }));

heading('Where it goes wrong');
const matrix = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? 900 + rng.int(100) : rng.next() < 0.5 ? rng.int(8) : rng.int(30) * (rng.next() < 0.15 ? 1 : 0))));
add(confusionMatrix(matrix, { lang, width, onCell: () => {} }));
add(digitGrid(digits.images.slice(0, 16).map((d) => Uint8Array.from(d)), digits.labels.slice(0, 16), { lang, columns: width < 480 ? 6 : 8, captions: digits.labels.slice(0, 16).map((l) => (l === 9 ? '→ 4' : '')) }));

heading('The network');
add(networkDiagram({ layers: [{ in: 784, out: 256, numSends: 1 }, { in: 256, out: 256, numSends: 2 }, { in: 256, out: 10, numSends: 2 }] }, { lang, width }));
add(capacityPlot([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024].map((h) => ({ hidden: h, trainAccuracy: Math.min(0.999, 0.2 + 0.16 * Math.log2(h + 1)), testAccuracy: Math.min(0.97, 0.2 + 0.15 * Math.log2(h + 1)) - (h > 256 ? 0.01 * Math.log2(h / 256) : 0) })), { lang, width }));

heading('The chip');
const weights = Array.from({ length: 127 }, (_, i) => i - 63);
const before = Array.from({ length: 32 }, () => { const g = 1 + 0.1 * rng.normal(), o = 10 * rng.normal(); return weights.map((w) => Math.max(-128, Math.min(127, g * w * 1.6 + o))); });
const after = Array.from({ length: 32 }, () => { const g = 1 + 0.03 * rng.normal(), o = rng.normal(); return weights.map((w) => Math.max(-128, Math.min(127, g * w * 1.6 + o))); });
add(weightSweepPlot({ weights, before, after }, { lang, width }));
const n = 256;
add(spreadPlot({
  before: { offset: Array.from({ length: n }, () => 10 * rng.normal()), gain: Array.from({ length: n }, () => 1 + 0.1 * rng.normal()) },
  after: { offset: Array.from({ length: n }, () => rng.normal()), gain: Array.from({ length: n }, () => 1 + 0.03 * rng.normal()) },
}, { lang, width: width < 620 ? width : (width - 24) / 2 }));
add(mockParamCompare({ defaults: { gain: 0.002, noiseStd: 2 }, measured: { gain: 0.00187, noiseStd: 2.43 } }, { lang, width: Math.min(width, 560) }));

window.galleryReady = true;
