/**
 * The test digits behind a clicked cell of the confusion matrix: which images of one digit the newest weights
 * read as another (`findMistakes`, `classifyBatch`: no DOM), and their view.
 */
import { IMAGE_PIXELS, type Split } from '../data/types';
import type { HagenModel } from '../hagen/types';
import { fastEngine } from '../hagen/fast/index';
import type { Rng } from '../random';
import { element } from './dom';
import { tr, type Lang } from './i18n';
import { digitGrid } from './plots';
import { rankDigits } from './predictions';

/** Test images per forward pass when looking for mistakes, and how many of them are shown. */
const MISTAKE_BATCH = 250;

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

/** How many of the found images are shown. */
export const MISTAKES_SHOWN = 40;

export function mistakesView(split: Split, model: HagenModel, mistake: Mistake, rng: Rng, lang: Lang): HTMLElement {
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
