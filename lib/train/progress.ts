/**
 * The one progress rule: which of trainModel's progress values (one per batch) a training hands on. Both
 * training hosts apply it in the same place (lib/train/run.ts runTraining: in-process in Node, inside the page's
 * training worker), so the page, embeds and the CLI see the same stream.
 *
 * Why not every batch: the tutorial model trains ~100 batches a second, and the notebook runtime re-runs every
 * dependent cell for each value (in the page, one value per animation frame): fed every batch, the page fell
 * seconds behind the worker, and copying each value out of the worker took time from training. Progress is
 * cumulative (all losses, all epochs, the newest weights), so the values in between are skipped without loss.
 */
import type { TrainProgress } from './train';

/** A running training is reported at most this often (ms), apart from the moments shouldReport always keeps. */
export const PROGRESS_INTERVAL_MS = 200;

/** The last progress handed on: when, and how many epochs it had finished. */
export interface ReportedProgress {
  at: number;
  epochsDone: number;
}

/**
 * Whether `progress` is handed on, given the last one that was (null: none yet), the time `now` and the interval:
 * - always: the first one (the run has started), every final state (done, cancelled, error), every epoch's
 *   results (the test pass ended), and an epoch's last batch (the test pass runs next, possibly for seconds);
 * - else a running batch only when `intervalMs` have passed since the last one handed on.
 */
export function shouldReport(progress: TrainProgress, last: ReportedProgress | null, now: number, intervalMs: number): boolean {
  if (progress.state !== 'running' || last === null) return true;
  if (progress.epochs.length !== last.epochsDone) return true;
  if (progress.batch === progress.batchesPerEpoch) return true;
  return now - last.at >= intervalMs;
}

/** Refuses an interval that is not a finite number of milliseconds ≥ 0 (hosts check their option with it). */
export function checkProgressInterval(intervalMs: number, name = 'progressIntervalMs'): number {
  if (!(typeof intervalMs === 'number' && Number.isFinite(intervalMs) && intervalMs >= 0)) {
    throw new RangeError(`${name} must be a finite number of milliseconds ≥ 0, got ${String(intervalMs)}`);
  }
  return intervalMs;
}

/** shouldReport with its memory: call it on every progress of one run, in order; true = hand this one on. */
export function progressThrottle(intervalMs: number = PROGRESS_INTERVAL_MS, clock: () => number = () => performance.now()): (progress: TrainProgress) => boolean {
  checkProgressInterval(intervalMs);
  let last: ReportedProgress | null = null;
  return (progress) => {
    const now = clock();
    if (!shouldReport(progress, last, now, intervalMs)) return false;
    last = { at: now, epochsDone: progress.epochs.length };
    return true;
  };
}
