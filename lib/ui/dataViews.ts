/** Section "The data" on the page: counts per digit, a grid of random test digits with "new sample", and the augmentation before/after. */
import { augmentBatch, AUGMENT_SCALE, type AugmentMode } from '../data/augment';
import { imageOf, inkShare, sampleIndices } from '../data/sample';
import { IMAGE_PIXELS, type Split } from '../data/types';
import type { Rng } from '../random';
import { element } from './dom';
import { formatNumber, tr, type Lang } from './i18n';
import { digitGrid } from './plots';

/** Digits in the random grid (the tutorial shows 2 × 2; more show the variety of handwriting). */
export const GRID_DIGITS = 24;
/** Test digits in the augmentation preview, and crops shown per digit. */
export const AUGMENT_DIGITS = 4;
export const CROPS_PER_DIGIT = 4;

/** Images per digit of the training and the test split (`null`: still loading). */
export interface DigitCounts { train: { count: number; perDigit: number[] }; test: { count: number; perDigit: number[] } }

export function countsTable(summary: DigitCounts | null, lang: Lang): HTMLElement {
  const n = (v: number) => formatNumber(lang, v, 0);
  const head = element('tr', {}, [element('th', { scope: 'col', text: tr(lang, { en: 'digit', de: 'Ziffer' }) }),
    ...[...Array(10).keys()].map((d) => element('th', { scope: 'col', text: String(d) })), element('th', { scope: 'col', text: tr(lang, { en: 'all', de: 'alle' }) })]);
  const rows = (['train', 'test'] as const).map((name) => {
    const split = summary?.[name];
    return element('tr', {}, [
      element('th', { scope: 'row', text: tr(lang, name === 'train' ? { en: 'training', de: 'Training' } : { en: 'test', de: 'Test' }) }),
      ...[...Array(10).keys()].map((d) => element('td', { text: split ? n(split.perDigit[d]) : '…' })),
      element('td', { [`data-count-${name}`]: split?.count }, [element('strong', { text: split ? n(split.count) : '…' })]),
    ]);
  });
  return element('div', { class: 'zf-table-wrap' }, [element('table', { class: 'zf-counts' }, [
    element('caption', { text: tr(lang, { en: 'Images per digit', de: 'Bilder pro Ziffer' }) }), element('thead', {}, [head]), element('tbody', {}, rows)])]);
}

/** GRID_DIGITS random test digits and a "New sample" button that draws others from `rng`. */
export function digitSample(testSet: Split, rng: Rng, lang: Lang): HTMLElement {
  const holder = element('div', { class: 'zf-digit-sample' });
  const fill = () => {
    const indices = sampleIndices(testSet, GRID_DIGITS, rng);
    const grid = digitGrid(indices.map((i) => imageOf(testSet, i)), indices.map((i) => testSet.labels[i]), { lang, columns: 12, pixelSize: 2 });
    grid.querySelectorAll('li').forEach((item, k) => item.setAttribute('data-test-index', String(indices[k])));
    holder.replaceChildren(grid);
  };
  const button = element('button', { type: 'button', class: 'zf-new-sample', text: tr(lang, { en: 'New sample', de: 'Neue Auswahl' }) });
  button.addEventListener('click', fill);
  fill();
  return element('div', { class: 'zf-dataset' }, [holder, button]);
}

/** AUGMENT_DIGITS test digits, each beside CROPS_PER_DIGIT augmentations made as training makes them, and a "New crops" button. */
export function augmentPreview(testSet: Split, augment: AugmentMode, rng: Rng, lang: Lang): HTMLElement {
  const root = element('div', { class: 'zf-augment' });
  const holder = element('div');
  const fill = () => {
    const indices = sampleIndices(testSet, AUGMENT_DIGITS, rng);
    const originals = new Uint8Array(AUGMENT_DIGITS * CROPS_PER_DIGIT * IMAGE_PIXELS);
    indices.forEach((index, k) => {
      for (let c = 0; c < CROPS_PER_DIGIT; c++) originals.set(imageOf(testSet, index), (k * CROPS_PER_DIGIT + c) * IMAGE_PIXELS);
    });
    const crops = augmentBatch(originals, AUGMENT_DIGITS * CROPS_PER_DIGIT, augment, rng);
    const images: Uint8Array[] = [];
    const captions: string[] = [];
    indices.forEach((index, k) => {
      images.push(imageOf(testSet, index));
      captions.push(`${testSet.labels[index]}`);
      for (let c = 0; c < CROPS_PER_DIGIT; c++) {
        const crop = crops.subarray((k * CROPS_PER_DIGIT + c) * IMAGE_PIXELS, (k * CROPS_PER_DIGIT + c + 1) * IMAGE_PIXELS);
        images.push(crop);
        captions.push(inkShare(crop) === 0 ? tr(lang, { en: 'empty!', de: 'leer!' }) : '→');
      }
    });
    holder.replaceChildren(digitGrid(images, null, { lang, columns: CROPS_PER_DIGIT + 1, pixelSize: 2.5, captions }));
  };
  const scale = augment === 'none' ? null : AUGMENT_SCALE[augment];
  const note = element('p', { class: 'zf-plot-note', text: scale
    ? tr(lang, { en: `Each row: a test digit, then ${CROPS_PER_DIGIT} random crops of ${Math.round(scale[0] * 100)}–${Math.round(scale[1] * 100)} % of its area, scaled back to 28 × 28 and rounded to black and white.`,
      de: `Jede Zeile: eine Testziffer, dann ${CROPS_PER_DIGIT} zufällige Ausschnitte mit ${Math.round(scale[0] * 100)}–${Math.round(scale[1] * 100)} % ihrer Fläche, wieder auf 28 × 28 skaliert und auf Schwarz-Weiß gerundet.` })
    : tr(lang, { en: 'Augmentation is off: training sees the images unchanged.', de: 'Die Augmentierung ist aus: das Training sieht die Bilder unverändert.' }) });
  const button = element('button', { type: 'button', class: 'zf-new-sample', text: tr(lang, { en: 'New crops', de: 'Neue Ausschnitte' }) });
  button.addEventListener('click', fill);
  fill();
  root.append(element('h3', { text: tr(lang, { en: 'Augmentation: before → after', de: 'Augmentierung: vorher → nachher' }) }), note, holder, button);
  return root;
}
