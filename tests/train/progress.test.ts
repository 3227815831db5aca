/** The one progress rule (lib/train/progress.ts): which progress values a training hands on. */
import { describe, expect, it } from 'vitest';
import type { HagenModel } from '../../lib/hagen/types';
import { checkProgressInterval, PROGRESS_INTERVAL_MS, progressThrottle, shouldReport } from '../../lib/train/progress';
import type { TrainProgress } from '../../lib/train/train';

const epochResult = (epoch: number): TrainProgress['epochs'][number] => ({ epoch, trainLoss: 1, trainAccuracy: 0.5, testAccuracy: 0.5, seconds: 1, backend: 'mock', confusion: [] });
function progress(over: Partial<TrainProgress> = {}): TrainProgress {
  return { state: 'running', epoch: 1, batch: 3, batchesPerEpoch: 10, loss: 1, samplesPerSecond: 1, losses: [], epochs: [], model: null as unknown as HagenModel, ...over };
}

describe('shouldReport', () => {
  const last = { at: 1000, epochsDone: 0 };
  it('always hands on the first progress, every final state, epoch results and an epoch\'s last batch', () => {
    expect(shouldReport(progress(), null, 0, 1e9)).toBe(true);
    for (const state of ['done', 'cancelled', 'error'] as const) expect(shouldReport(progress({ state }), last, 1001, 1e9), state).toBe(true);
    expect(shouldReport(progress({ epoch: 2, batch: 0, epochs: [epochResult(1)] }), last, 1001, 1e9)).toBe(true);
    expect(shouldReport(progress({ batch: 10 }), last, 1001, 1e9)).toBe(true);
  });
  it('hands on other running batches only once the interval has passed since the last one handed on', () => {
    expect(shouldReport(progress(), last, 1199, 200)).toBe(false);
    expect(shouldReport(progress(), last, 1200, 200)).toBe(true);
    expect(shouldReport(progress(), last, 1000, 0)).toBe(true); // 0: every batch
  });
});

describe('progressThrottle', () => {
  it('remembers what it handed on: a batch stream at 30 ms a batch, 200 ms interval', () => {
    let now = 0;
    const report = progressThrottle(200, () => now);
    const kept: number[] = [];
    for (let batch = 1; batch <= 20; batch++) {
      now = 30 * batch;
      if (report(progress({ batch, batchesPerEpoch: 20 }))) kept.push(batch);
    }
    // the first; then each batch 200 ms after the last one kept; the epoch's last batch
    expect(kept).toEqual([1, 8, 15, 20]);
    expect(report(progress({ state: 'done', batch: 20, batchesPerEpoch: 20 }))).toBe(true);
  });
  it('defaults to PROGRESS_INTERVAL_MS and refuses an interval that is not a number of milliseconds ≥ 0', () => {
    expect(PROGRESS_INTERVAL_MS).toBe(200);
    for (const bad of [-1, NaN, Infinity, '100' as unknown as number]) {
      expect(() => progressThrottle(bad)).toThrow(/progressIntervalMs must be a finite number of milliseconds ≥ 0/);
      expect(() => checkProgressInterval(bad)).toThrow(RangeError);
    }
    expect(checkProgressInterval(0)).toBe(0);
  });
});
