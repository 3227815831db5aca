/**
 * Capacity explorer: train the same network at several hidden widths and tabulate train vs test
 * accuracy, to see how many neurons the digits need and where a big model starts to memorise.
 *
 * The core is a host-neutral scheduler: `scheduleSweep` runs `runOne(width)` for every width with
 * at most `concurrency` at a time and yields a row whenever a width reports progress or finishes.
 * How one width is trained is the host's business: the browser passes a runOne that posts to one of
 * its Web Workers (concurrency = number of workers), Node passes one that trains in-process
 * (concurrency 1) or on worker_threads. `runOneFromTraining` adapts a lib/train-style async
 * generator of TrainProgress into a runOne.
 */
import { paramSpec, type IntParam } from '../params';

export const DEFAULT_SWEEP_WIDTHS: readonly number[] = [4, 8, 16, 32, 64, 128, 256, 512];

export interface WidthMetrics {
  trainAccuracy: number;
  testAccuracy: number;
  trainLoss: number;
  /** null when the runner could not measure it (lib/train's EpochResult has no test loss). */
  testLoss: number | null;
}

type SweepRowState = 'running' | 'done' | 'cancelled' | 'error';

export interface SweepRow {
  hidden: number;
  state: SweepRowState;
  /** Latest known metrics: partial while running, null if none were reported before it ended. */
  trainAccuracy: number | null;
  testAccuracy: number | null;
  trainLoss: number | null;
  testLoss: number | null;
  /** Wall-clock seconds since this width started (0 for widths cancelled before starting). */
  seconds: number;
  /** For 'running' rows: what the runner reported, e.g. "epoch 2/4". */
  progress?: string;
  error?: string;
}

interface RunOneContext {
  /** Aborted when the sweep is cancelled; the runner should stop within one batch. */
  signal: AbortSignal;
  /** Live numbers while the width trains (e.g. after each epoch); each call yields a 'running' row. */
  report(partial: Partial<WidthMetrics> & { progress?: string }): void;
}
export type RunOne = (hidden: number, context: RunOneContext) => Promise<WidthMetrics>;

function checkWidths(widths: readonly number[]): void {
  const spec = paramSpec('hidden') as IntParam;
  if (!Array.isArray(widths) || widths.length === 0) throw new RangeError('sweep widths must be a non-empty array of hidden widths');
  const seen = new Set<number>();
  for (const width of widths) {
    if (!Number.isInteger(width) || width < spec.min || width > spec.max) {
      throw new RangeError(`sweep width ${width} is not allowed: each width must be an integer from ${spec.min} to ${spec.max}`);
    }
    if (seen.has(width)) throw new RangeError(`sweep width ${width} appears twice; each width is one row of the table`);
    seen.add(width);
  }
}

function blankRow(hidden: number, state: SweepRowState, seconds: number): SweepRow {
  return { hidden, state, trainAccuracy: null, testAccuracy: null, trainLoss: null, testLoss: null, seconds };
}

/**
 * Run every width, at most `concurrency` at once, in the given order of starting. Yields a row each
 * time a width reports progress ('running') and exactly one final row per width ('done', 'error'
 * or 'cancelled'), in the order things happen. An error in one width is reported in its row and
 * the other widths carry on. After `signal` aborts, running widths are asked to stop (their rows end
 * 'cancelled') and widths not yet started are yielded as 'cancelled' rows. Breaking out of the loop
 * early also aborts the running widths.
 */
export async function* scheduleSweep(
  widths: readonly number[],
  concurrency: number,
  runOne: RunOne,
  signal?: AbortSignal,
): AsyncGenerator<SweepRow, void, undefined> {
  checkWidths(widths);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`sweep concurrency must be an integer ≥ 1, got ${concurrency}`);
  if (typeof runOne !== 'function') throw new TypeError('sweep runOne must be a function (hidden, context) => Promise<WidthMetrics>');

  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  // Rows produced by running widths wait here until the consumer asks for the next one.
  const queue: SweepRow[] = [];
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    wake?.();
    wake = null;
  };
  const push = (row: SweepRow) => {
    queue.push(row);
    wakeUp();
  };
  // An abort must also wake the loop, to emit the never-started widths.
  stop.signal.addEventListener('abort', wakeUp, { once: true });

  let nextIndex = 0;
  let running = 0;
  const start = (hidden: number) => {
    running++;
    const started = performance.now();
    const latest = blankRow(hidden, 'running', 0);
    let finished = false;
    const elapsed = () => (performance.now() - started) / 1000;
    const context: RunOneContext = {
      signal: stop.signal,
      report(partial) {
        if (finished) return;
        for (const key of ['trainAccuracy', 'testAccuracy', 'trainLoss', 'testLoss'] as const) {
          const value = partial[key];
          if (typeof value === 'number') latest[key] = value;
        }
        if (partial.progress !== undefined) latest.progress = String(partial.progress);
        push({ ...latest, seconds: elapsed() });
      },
    };
    const settle = (row: SweepRow) => {
      finished = true;
      running--;
      push(row);
    };
    let promise: Promise<WidthMetrics>;
    try {
      promise = Promise.resolve(runOne(hidden, context));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (metrics) => {
        const { progress: _progress, ...rest } = latest;
        let final: ReturnType<typeof pickMetrics>;
        try {
          final = pickMetrics(metrics);
        } catch (error) {
          settle({ ...rest, state: 'error', seconds: elapsed(), error: (error as Error).message });
          return;
        }
        settle({ ...rest, ...final, state: stop.signal.aborted ? 'cancelled' : 'done', seconds: elapsed() });
      },
      (error: unknown) => {
        const { progress: _progress, ...rest } = latest;
        if (stop.signal.aborted) settle({ ...rest, state: 'cancelled', seconds: elapsed() });
        else settle({ ...rest, state: 'error', seconds: elapsed(), error: error instanceof Error ? error.message : String(error) });
      },
    );
  };

  let finals = 0;
  try {
    while (finals < widths.length) {
      while (running < concurrency && nextIndex < widths.length && !stop.signal.aborted) start(widths[nextIndex++]);
      if (stop.signal.aborted) {
        while (nextIndex < widths.length) push(blankRow(widths[nextIndex++], 'cancelled', 0));
      }
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const row = queue.shift()!;
      if (row.state !== 'running') finals++;
      yield row;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Consumer left early (break/return/throw): stop whatever still runs.
    if (finals < widths.length) stop.abort(new Error('sweep closed'));
  }
}

function pickMetrics(metrics: WidthMetrics): Pick<SweepRow, 'trainAccuracy' | 'testAccuracy' | 'trainLoss' | 'testLoss'> {
  if (typeof metrics !== 'object' || metrics === null) throw new TypeError('sweep runOne must resolve to { trainAccuracy, testAccuracy, trainLoss, testLoss }');
  const number = (value: unknown) => (typeof value === 'number' && !Number.isNaN(value) ? value : null);
  return {
    trainAccuracy: number(metrics.trainAccuracy),
    testAccuracy: number(metrics.testAccuracy),
    trainLoss: number(metrics.trainLoss),
    testLoss: number(metrics.testLoss),
  };
}

/** The parts of lib/train's TrainProgress the sweep reads (the full TrainProgress fits this). */
export interface SweepTrainProgress<Model = unknown> {
  state: 'running' | 'done' | 'cancelled' | 'error';
  epoch: number;
  epochs: { epoch: number; trainLoss: number; trainAccuracy: number; testAccuracy: number }[];
  model: Model;
  error?: string;
}

export interface TrainingAdapter<Model = unknown> {
  /** Train a fresh model of this width (lib/train trainModel on buildModel({ ...config, hidden })). */
  train(hidden: number, signal: AbortSignal): AsyncIterable<SweepTrainProgress<Model>>;
  /**
   * Final numbers for the trained model, e.g. lib/train evaluate() on the (unaugmented) training
   * subset and the test set. Without it, the last epoch's numbers are used and testLoss is null.
   */
  measure?(model: Model, hidden: number): WidthMetrics | Promise<WidthMetrics>;
}

/** A runOne that trains through `adapter`, reporting every finished epoch live. */
export function runOneFromTraining<Model>(adapter: TrainingAdapter<Model>): RunOne {
  return async (hidden, { signal, report }) => {
    let last: SweepTrainProgress<Model> | null = null;
    let reportedEpochs = 0;
    for await (const progress of adapter.train(hidden, signal)) {
      last = progress;
      if (progress.epochs.length > reportedEpochs) {
        reportedEpochs = progress.epochs.length;
        const epoch = progress.epochs[reportedEpochs - 1];
        report({ trainAccuracy: epoch.trainAccuracy, testAccuracy: epoch.testAccuracy, trainLoss: epoch.trainLoss, progress: `epoch ${epoch.epoch}` });
      }
      if (progress.state === 'error') throw new Error(`training hidden=${hidden} failed: ${progress.error ?? 'unknown error'}`);
      if (progress.state === 'cancelled') throw new Error(`training hidden=${hidden} was cancelled`);
      if (progress.state === 'done') break;
    }
    if (!last || last.state !== 'done') throw new Error(`training hidden=${hidden} ended without finishing`);
    if (adapter.measure) return adapter.measure(last.model, hidden);
    const final = last.epochs[last.epochs.length - 1];
    if (!final) throw new Error(`training hidden=${hidden} finished without any epoch`);
    return { trainAccuracy: final.trainAccuracy, testAccuracy: final.testAccuracy, trainLoss: final.trainLoss, testLoss: null };
  };
}

/** Convenience: the capacity sweep over lib/train, defaulting to the tutorial's widths. */
export function capacitySweep<Model>(
  adapter: TrainingAdapter<Model>,
  options: { widths?: readonly number[]; concurrency?: number; signal?: AbortSignal } = {},
): AsyncGenerator<SweepRow, void, undefined> {
  return scheduleSweep(options.widths ?? DEFAULT_SWEEP_WIDTHS, options.concurrency ?? 1, runOneFromTraining(adapter), options.signal);
}

/** Latest row per width, in width order: fold the sweep's rows into the table the page shows. */
export function sweepTable(widths: readonly number[], rows: Iterable<SweepRow>): (SweepRow | { hidden: number; state: 'pending' })[] {
  const latest = new Map<number, SweepRow>();
  for (const row of rows) latest.set(row.hidden, row);
  return [...widths].sort((a, b) => a - b).map((hidden) => latest.get(hidden) ?? { hidden, state: 'pending' as const });
}

/**
 * The smallest finished width whose test accuracy is within `tolerance` (absolute, e.g. 0.01 = one
 * percentage point) of the best finished width: "how many neurons are enough". null if none finished.
 */
export function smallestSufficientWidth(rows: Iterable<SweepRow>, tolerance = 0.01): number | null {
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError(`tolerance must be a finite number ≥ 0, got ${tolerance}`);
  const done = [...rows].filter((row): row is SweepRow & { testAccuracy: number } => row.state === 'done' && row.testAccuracy !== null);
  if (done.length === 0) return null;
  const best = Math.max(...done.map((row) => row.testAccuracy));
  return Math.min(...done.filter((row) => row.testAccuracy >= best - tolerance).map((row) => row.hidden));
}
