/**
 * Section 7 "The trained model": a second canvas on the newest weights (training may still run), the
 * accuracy per digit, and the confusion matrix whose cells open the test digits behind a mistake.
 */
import { IMAGE_PIXELS, type Split } from '../../lib/data/types';
import { fastEngine } from '../../lib/hagen/fast/index';
import type { ChipDevice, HagenModel } from '../../lib/hagen/types';
import { Rng } from '../../lib/random';
import type { CellSpec } from '../../lib/runtime/cell';
import { Mutable } from '../../lib/runtime/generators';
import type { TrainProgress } from '../../lib/train/train';
import { element } from '../../lib/ui/dom';
import { tr, type Lang } from '../../lib/ui/i18n';
import { classAccuracyPlot } from '../../lib/ui/classAccuracy';
import { confusionMatrix, digitGrid } from '../../lib/ui/plots';
import { rankDigits } from '../../lib/ui/predictions';
import { padImages, padView, predictionsView } from './canvas';
import type { DrawingPad } from '../../lib/ui/drawing';
import { throttledRoot } from './shared';
import { trainingKey } from './training';

/** Test images per forward pass when looking for mistakes, and how many of them are shown. */
const MISTAKE_BATCH = 250;
export const MISTAKES_SHOWN = 40;

export interface Mistake { trueDigit: number; predictedDigit: number }

/**
 * Indices of the test images of `trueDigit` that `classify` (a batch of images → their top-1 digits)
 * reads as `predictedDigit`. Works in batches and yields to the page between them (a full pass takes
 * about a second).
 */
export async function findMistakes(split: Split, mistake: Mistake, classify: (images: Uint8Array, count: number) => ArrayLike<number>,
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 0))): Promise<number[]> {
  const { trueDigit, predictedDigit } = mistake;
  for (const [name, d] of [['trueDigit', trueDigit], ['predictedDigit', predictedDigit]] as const) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new RangeError(`${name} must be a whole number from 0 to 9, got ${d}`);
  }
  const candidates: number[] = [];
  for (let i = 0; i < split.count; i++) if (split.labels[i] === trueDigit) candidates.push(i);
  const found: number[] = [];
  for (let start = 0; start < candidates.length; start += MISTAKE_BATCH) {
    const chunk = candidates.slice(start, start + MISTAKE_BATCH);
    const images = new Uint8Array(chunk.length * IMAGE_PIXELS);
    chunk.forEach((index, k) => images.set(split.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS));
    const predicted = classify(images, chunk.length);
    chunk.forEach((index, k) => { if (predicted[k] === predictedDigit) found.push(index); });
    await pause();
  }
  return found;
}

/** Top-1 digits of a batch of binarised images under `model` (the tutorial's `model(image * 31)`), with fresh noise from `rng`. */
export function classifyBatch(model: HagenModel, images: Uint8Array, count: number, rng: Rng): number[] {
  const x = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) x[i] = images[i] * 31;
  const logits = fastEngine.forward(model, x, count, rng);
  return Array.from({ length: count }, (_, b) => rankDigits(logits.subarray(b * 10, (b + 1) * 10))[0]);
}

function mistakesView(split: Split, model: HagenModel, mistake: Mistake, rng: Rng, lang: Lang): HTMLElement {
  const { trueDigit: t, predictedDigit: p } = mistake;
  const root = element('div', { class: 'zf-mistakes', 'data-true': t, 'data-pred': p, 'aria-live': 'polite' }, [
    element('p', { class: 'zf-plot-note', text: tr(lang, { en: `Looking for test images of a ${t} read as ${p}…`, de: `Suche Testbilder einer ${t}, die als ${p} erkannt werden…` }) })]);
  findMistakes(split, mistake, (images, count) => classifyBatch(model, images, count, rng)).then((found) => {
    const shown = found.slice(0, MISTAKES_SHOWN);
    const heading = element('h3', { text: tr(lang, {
      en: `${found.length} test images of a ${t} read as ${p}${found.length > shown.length ? ` (first ${shown.length})` : ''}`,
      de: `${found.length} Testbilder einer ${t}, erkannt als ${p}${found.length > shown.length ? ` (die ersten ${shown.length})` : ''}` }) });
    const note = element('p', { class: 'zf-plot-note', text: tr(lang, {
      en: 'Found now with the newest weights and fresh analog noise, so the count can differ a little from the matrix.',
      de: 'Jetzt mit den neuesten Gewichten und frischem analogem Rauschen gesucht; die Zahl kann daher etwas von der Matrix abweichen.' }) });
    root.setAttribute('data-found', String(found.length));
    root.replaceChildren(heading, digitGrid(shown.map((i) => split.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)), null, { lang, columns: 10, pixelSize: 2 }), note);
  }, (error: Error) => {
    root.setAttribute('data-error', '');
    root.textContent = error.message;
  });
  return root;
}

const mistakeKeys = new WeakMap<Element, string>();

export const trainedDisplayCells: CellSpec[] = [
  { name: 'trainedDrawing', inputs: ['testSet', 'lang'], define: (testSet: Split, lang: Lang) => padView(testSet, lang, true) },
  { name: 'trainedDrawingImage', inputs: ['trainedDrawing', 'preprocess'], define: (trainedDrawing: DrawingPad, preprocess: boolean) => padImages(trainedDrawing, preprocess) },
  { name: 'trainedDrawingNoise', inputs: ['seed'], define: (seed: number) => Rng.derive(seed, 'page/trainedDrawing/inference-noise') },
  {
    // On the newest weights of the run, while it trains.
    name: 'trainedPredictions',
    inputs: ['trainedDrawingImage', 'training', 'chipDevice', 'trainedDrawingNoise', 'lang'],
    define: function (this: unknown, trainedDrawingImage: Float32Array, training: TrainProgress | null, chipDevice: ChipDevice, trainedDrawingNoise: Rng, lang: Lang) {
      return predictionsView(this, trainedDrawingImage, training, chipDevice, trainedDrawingNoise, lang);
    },
  },
  {
    name: 'perClassAccuracy',
    inputs: ['confusion', 'lang', 'width'],
    define: function (this: unknown, confusion: number[][] | null, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${JSON.stringify(confusion?.map((row, t) => row[t]))}:${width}`, 60_000, () => confusion
        ? classAccuracyPlot(confusion, { lang, width })
        : element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'The accuracy per digit appears after the first epoch.', de: 'Die Genauigkeit pro Ziffer erscheint nach der ersten Epoche.' }) }));
    },
  },
  // The confusion cell the reader clicked (null: none).
  { name: 'mistakeSelection', inputs: [], define: () => new Mutable<Mistake | null>(null) },
  { name: 'selectedMistake', inputs: ['mistakeSelection'], define: (mistakeSelection: Mutable<Mistake | null>) => mistakeSelection.changes() },
  {
    name: 'confusionMatrix',
    inputs: ['confusion', 'mistakeSelection', 'lang', 'width'],
    define: function (this: unknown, confusion: number[][] | null, mistakeSelection: Mutable<Mistake | null>, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${JSON.stringify(confusion)}:${width}`, 60_000, () => confusion
        ? confusionMatrix(confusion, { lang, width: Math.min(width, 520), onCell: (trueDigit, predictedDigit) => { mistakeSelection.value = { trueDigit, predictedDigit }; } })
        : element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'The confusion matrix appears after the first epoch.', de: 'Die Verwechslungsmatrix erscheint nach der ersten Epoche.' }) }));
    },
  },
  {
    // The test digits behind the clicked mistake, searched again when another epoch ends.
    name: 'misclassified',
    inputs: ['selectedMistake', 'training', 'testSet', 'seed', 'lang'],
    define: function (this: unknown, selectedMistake: Mistake | null, training: TrainProgress | null, testSet: Split, seed: number, lang: Lang) {
      const mistake = selectedMistake;
      const key = mistake && training ? `${mistake.trueDigit}:${mistake.predictedDigit}:${trainingKey(training)}` : 'none';
      if (this instanceof Element && mistakeKeys.get(this) === key) return this;
      const view = mistake && training
        ? mistakesView(testSet, training.model, mistake, Rng.derive(seed, `page/mistakes/${key}`), lang)
        : element('div', { class: 'zf-mistakes' });
      mistakeKeys.set(view, key);
      return view;
    },
  },
];
