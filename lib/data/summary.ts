/**
 * How many images of each digit a split holds. The page shows the training split's counts without
 * downloading it: the build ships them (data/summary.json, `summaryJson`), the page reads them back
 * strictly (`parseSummary`).
 */
import { NUM_CLASSES, type Dataset, type Split } from './types';

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

export const SUMMARY_FILE = 'data/summary.json';

export function summaryJson(summary: DatasetSummary): string {
  return JSON.stringify(summary);
}

/** The shipped summary, checked: per split a whole count and ten whole counts per digit that add up to it. */
export function parseSummary(text: string, where: string = SUMMARY_FILE): DatasetSummary {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const split = (name: 'train' | 'test'): SplitSummary => {
    const raw = (json as Record<string, unknown> | null)?.[name] as { count?: unknown; perDigit?: unknown } | undefined;
    const count = raw?.count;
    const perDigit = raw?.perDigit;
    if (!Number.isInteger(count) || (count as number) < 1) throw new Error(`${where}: ${name}.count must be a whole number ≥ 1`);
    if (!Array.isArray(perDigit) || perDigit.length !== NUM_CLASSES || perDigit.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new Error(`${where}: ${name}.perDigit must be ${NUM_CLASSES} whole numbers ≥ 0`);
    }
    const sum = (perDigit as number[]).reduce((a, b) => a + b, 0);
    if (sum !== count) throw new Error(`${where}: ${name}.perDigit adds up to ${sum}, not ${name}.count ${count}`);
    return { count: count as number, perDigit: [...(perDigit as number[])] };
  };
  return { train: split('train'), test: split('test') };
}
