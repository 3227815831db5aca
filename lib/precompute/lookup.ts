/**
 * Finding a precomputed result for the reader's parameters through the host (the page fetches
 * dist/precomputed/; Node has none and always trains). The index is read once per host; a missing or
 * broken file means "nothing precomputed" (the page trains live) and is reported once on the console.
 */
import { decodeTrainingRun, type TrainingRun } from './binary';
import type { ParamValues } from '../params';
import type { Host } from '../runtime/host';
import type { TrainProgress } from '../train/train';
import { parseIndex, parseSweep, precomputeKey, PRECOMPUTED_INDEX, sameRelevantParams, type IndexEntry, type PrecomputedIndex, type PrecomputedSweep, type RunSummary, type TrainingParams } from './files';

export interface PretrainedRun {
  source: 'precomputed' | 'file';
  /** precomputed: how it was computed (may be empty); file: the file name. */
  label: string;
  progress: TrainProgress;
}

const indexes = new WeakMap<Host, Promise<PrecomputedIndex>>();

function warn(message: string): void {
  // Not an error for the reader: the page simply trains live.
  console.warn(`ziffern: ${message}; training live instead`);
}

function precomputedIndex(host: Host): Promise<PrecomputedIndex> {
  let index = indexes.get(host);
  if (!index) {
    index = (async () => {
      if (!host.readPrecomputed) return { entries: [] };
      try {
        const text = await host.readPrecomputed(PRECOMPUTED_INDEX);
        return text === null ? { entries: [] } : parseIndex(text);
      } catch (error) {
        warn((error as Error).message);
        return { entries: [] };
      }
    })();
    indexes.set(host, index);
  }
  return index;
}

/** A shipped file read and parsed; a missing one is null, a damaged one null with its reason on the console. */
async function readEntry<R, T>(read: () => Promise<R | null>, parse: (raw: R) => T): Promise<T | null> {
  try {
    const raw = await read();
    return raw === null ? null : parse(raw);
  } catch (error) {
    warn((error as Error).message);
    return null;
  }
}

async function trainingEntry(host: Host, params: TrainingParams): Promise<IndexEntry | undefined> {
  const key = precomputeKey('training', params as ParamValues);
  return (await precomputedIndex(host)).entries.find((e) => e.kind === 'training' && e.key === key && sameRelevantParams('training', e.params, params as ParamValues));
}

/** Runs already asked for, per host and file: every cell that wants the same run shares one download. */
const runs = new WeakMap<Host, Map<string, Promise<TrainingRun | null>>>();

function readRun(host: Host, entry: IndexEntry): Promise<TrainingRun | null> {
  let byFile = runs.get(host);
  if (!byFile) runs.set(host, byFile = new Map());
  let run = byFile.get(entry.file);
  if (!run) {
    // A damaged file is refused with its reason (length, checksum, contents), and the page trains live.
    run = readEntry(() => host.readPrecomputedBytes!(entry.file), (bytes) => decodeTrainingRun(bytes, entry.file));
    byFile.set(entry.file, run);
  }
  return run;
}

/** The summary (model shape, accuracy per epoch) of the run precomputed for exactly these parameters, from the index alone; null if none. */
export async function lookupPrecomputedSummary(host: Host, params: TrainingParams): Promise<RunSummary | null> {
  return (await trainingEntry(host, params))?.summary ?? null;
}

/** The training progress ("done", with curves and weights) precomputed for exactly these parameters, or null. */
export async function lookupPrecomputedTraining(host: Host, params: TrainingParams): Promise<PretrainedRun | null> {
  const entry = await trainingEntry(host, params);
  if (!entry || !host.readPrecomputedBytes) return null;
  const stored = await readRun(host, entry);
  if (!stored || !sameRelevantParams('training', stored.params, params as ParamValues)) return null;
  const last = stored.losses.at(-1) ?? Number.NaN;
  const progress: TrainProgress = {
    state: 'done', epoch: stored.epochs.length, batch: stored.batchesPerEpoch, batchesPerEpoch: stored.batchesPerEpoch, loss: last, samplesPerSecond: 0,
    losses: stored.losses, epochs: stored.epochs, model: stored.model,
  };
  return { source: 'precomputed', label: entry.note ?? '', progress };
}

interface PrecomputedSweepResult extends PrecomputedSweep {
  /** How it differs from the reader's settings, e.g. "1 epoch on 10 000 images". */
  note: string;
  /** Whether it was computed with exactly the reader's sweep parameters. */
  exact: boolean;
}

/**
 * The sweep precomputed for these parameters; else, if `fallback`, the first one shipped (the page
 * shows it labelled with how it was computed until the reader runs a sweep). null if none.
 */
export async function lookupPrecomputedSweep(host: Host, params: Partial<ParamValues>, fallback: boolean): Promise<PrecomputedSweepResult | null> {
  const entries = (await precomputedIndex(host)).entries.filter((e) => e.kind === 'sweep');
  const key = precomputeKey('sweep', params);
  const exact = entries.find((e) => e.key === key && sameRelevantParams('sweep', e.params, params));
  const entry = exact ?? (fallback ? entries[0] : undefined);
  if (!entry) return null;
  const stored = await readEntry(() => host.readPrecomputed!(entry.file), (text) => parseSweep(text, entry.file));
  if (!stored) return null;
  return { ...stored, note: entry.note ?? '', exact: exact !== undefined };
}
