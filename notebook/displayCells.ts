/**
 * Display cells the page needs that cells/ does not (yet) provide. The page adds one of these only when
 * the notebook has no cell of that name, so cells/ can take any of them over without touching the page.
 */
import type { Dataset, Split } from '../lib/data/types';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../lib/data/types';
import { Rng } from '../lib/random';
import type { CellSpec } from '../lib/runtime/cell';
import type { TrainProgress } from '../lib/train/train';
import type { Lang } from '../lib/ui/i18n';
import { accuracyPlot, lossCurve } from '../lib/ui/plots';

/** Images in the grid of random digits (the tutorial shows 2 × 2; a bigger grid shows the variety better). */
export const GRID_DIGITS = 16;

/** `count` distinct image indices of `split`, drawn from `rng`. */
export function sampleIndices(split: Split, count: number, rng: Rng): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const wanted = Math.min(count, split.count);
  const chosen = new Set<number>();
  while (chosen.size < wanted) chosen.add(rng.int(split.count));
  return [...chosen];
}

function digitCanvas(doc: Document, split: Split, index: number, scale: number): HTMLCanvasElement {
  const canvas = doc.createElement('canvas');
  canvas.width = IMAGE_SIDE;
  canvas.height = IMAGE_SIDE;
  canvas.style.width = canvas.style.height = `${IMAGE_SIDE * scale}px`;
  canvas.className = 'zf-digit-image';
  const context = canvas.getContext('2d');
  if (context) {
    const pixels = context.createImageData(IMAGE_SIDE, IMAGE_SIDE);
    const offset = index * IMAGE_PIXELS;
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const ink = split.images[offset + i] ? 0 : 255; // tutorial: cmap 'Greys', ink is dark
      pixels.data.set([ink, ink, ink, 255], i * 4);
    }
    context.putImageData(pixels, 0, 0);
  }
  return canvas;
}

const TEXT = {
  en: { train: 'training images', test: 'test images', newSample: 'New sample', label: 'label' },
  de: { train: 'Trainingsbilder', test: 'Testbilder', newSample: 'Neue Auswahl', label: 'Ziffer' },
} as const;

/** Counts of both splits and a grid of random test digits with a "new sample" button. */
export function datasetView(doc: Document, dataset: Dataset, seed: number, lang: Lang): HTMLElement {
  const text = TEXT[lang];
  const root = doc.createElement('div');
  root.className = 'zf-dataset';
  const counts = doc.createElement('p');
  counts.className = 'zf-dataset-counts';
  const format = (n: number) => n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB');
  for (const [name, split] of [['train', dataset.train], ['test', dataset.test]] as const) {
    const strong = doc.createElement('strong');
    strong.textContent = format(split.count);
    strong.setAttribute(`data-count-${name}`, String(split.count));
    counts.append(strong, ` ${text[name]}  `);
  }
  const grid = doc.createElement('div');
  grid.className = 'zf-digit-grid';
  const rng = Rng.derive(seed, 'page/digit-grid');
  const fill = () => {
    grid.replaceChildren(...sampleIndices(dataset.test, GRID_DIGITS, rng).map((index) => {
      const figure = doc.createElement('figure');
      figure.dataset.digit = String(dataset.test.labels[index]);
      figure.dataset.index = String(index);
      const caption = doc.createElement('figcaption');
      caption.textContent = `${text.label} ${dataset.test.labels[index]}`;
      figure.append(digitCanvas(doc, dataset.test, index, 3), caption);
      return figure;
    }));
  };
  const button = doc.createElement('button');
  button.type = 'button';
  button.textContent = text.newSample;
  button.className = 'zf-new-sample';
  button.addEventListener('click', fill);
  fill();
  root.append(counts, grid, button);
  return root;
}

/** The page's display cells (need a DOM, so they only run when mounted). */
export function pageDisplayCells(doc: Document, lang: Lang): CellSpec[] {
  return [
    { name: 'datasetView', inputs: ['dataset', 'seed'], define: (dataset: Dataset, seed: number) => datasetView(doc, dataset, seed, lang) },
    {
      name: 'lossPlot', inputs: ['training'],
      define: (training: TrainProgress | null) => lossCurve(training?.losses ?? [], Math.max(1, training?.batchesPerEpoch ?? 1), { lang }),
    },
    {
      name: 'accuracyPlot', inputs: ['training'],
      define: (training: TrainProgress | null) => accuracyPlot(training?.epochs ?? [], { lang }),
    },
  ];
}
