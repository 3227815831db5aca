import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/params';
import { buildModel } from '../../lib/hagen/model';
import type { TrainProgress } from '../../lib/train/train';
import {
  HISTORY_STORAGE_KEY,
  MAX_LOSS_POINTS,
  MAX_RUNS,
  addRun,
  clearHistory,
  createRunRecord,
  downsampleLosses,
  loadHistory,
  parseHistory,
  removeRun,
  saveHistory,
  serializeHistory,
  type FinishedTraining,
  type RunHistory,
  type StorageLike,
} from '../../lib/state/history';

function training(batches: number, state: FinishedTraining['state'] = 'done'): FinishedTraining {
  return {
    state,
    losses: Array.from({ length: batches }, (_, i) => 2 / (1 + i / 10)),
    epochs: [
      { epoch: 1, trainLoss: 0.9, trainAccuracy: 0.81, testAccuracy: 0.85, seconds: 12.5, backend: 'mock' },
      { epoch: 2, trainLoss: 0.5, trainAccuracy: 0.9, testAccuracy: 0.914, seconds: 12.1, backend: 'mock' },
    ],
  };
}

function historyOf(count: number): RunHistory {
  let history: RunHistory = [];
  for (let i = 0; i < count; i++) {
    history = addRun(history, createRunRecord(training(600), { ...defaultParams(), seed: i }, { timestamp: 1_700_000_000_000 + i * 1000, history }));
  }
  return history;
}

class MemoryStorage implements StorageLike {
  items = new Map<string, string>();
  constructor(private quota = Infinity) {}
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (value.length > this.quota) throw new Error('QuotaExceededError: the quota has been exceeded');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('run records', () => {
  it('are built from the final TrainProgress', () => {
    const params = { ...defaultParams(), hidden: 64 };
    const run = createRunRecord(training(600), params, { timestamp: 1_700_000_000_000 });
    expect(run).toMatchObject({ id: 'run-' + (1_700_000_000_000).toString(36), state: 'done', backend: 'mock', trainAccuracy: 0.9, testAccuracy: 0.914, batchesPerLossPoint: 1 });
    expect(run.params).toEqual(params);
    expect(run.params).not.toBe(params);
    expect(run.losses).toHaveLength(600);
    expect(run.epochs[1]).toEqual({ epoch: 2, trainLoss: 0.5, trainAccuracy: 0.9, testAccuracy: 0.914, seconds: 12.1 });
  });

  it('accept a lib/train TrainProgress as it is', () => {
    const model = buildModel({ hidden: 4, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 1 });
    const progress: TrainProgress = {
      state: 'done', epoch: 1, batch: 3, batchesPerEpoch: 3, loss: 0.5, samplesPerSecond: 100, losses: [0.9, 0.7, 0.5], model,
      epochs: [{ epoch: 1, trainLoss: 0.7, trainAccuracy: 0.6, testAccuracy: 0.65, seconds: 1, backend: 'mock', confusion: [[1]] }],
    };
    const run = createRunRecord(progress, defaultParams(), { timestamp: 7 });
    expect(run.epochs).toEqual([{ epoch: 1, trainLoss: 0.7, trainAccuracy: 0.6, testAccuracy: 0.65, seconds: 1 }]);
    expect(run.losses).toEqual([0.9, 0.7, 0.5]);
  });

  it('of a run stopped before its first epoch have null accuracies', () => {
    const run = createRunRecord({ state: 'cancelled', losses: [2.3, 2.2], epochs: [] }, defaultParams(), { timestamp: 5 });
    expect(run).toMatchObject({ state: 'cancelled', trainAccuracy: null, testAccuracy: null, backend: 'mock' });
  });

  it('refuse a run that is still running', () => {
    expect(() => createRunRecord(training(3, 'running'), defaultParams(), { timestamp: 1 })).toThrow(/finished run/);
  });

  it('get unique ids for the same timestamp', () => {
    let history: RunHistory = [];
    for (let i = 0; i < 3; i++) history = addRun(history, createRunRecord(training(3), defaultParams(), { timestamp: 1000, history }));
    expect(history.map((run) => run.id)).toEqual(['run-rs', 'run-rs-2', 'run-rs-3']);
    expect(() => addRun(history, history[0])).toThrow(/already in the history/);
  });

  it('average long loss curves down to at most MAX_LOSS_POINTS points', () => {
    const run = createRunRecord(training(60_000 * 4), defaultParams(), { timestamp: 1 });
    expect(run.losses.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(run.batchesPerLossPoint).toBe(240);
    expect(downsampleLosses([1, 2, 3, 4, 5], 2)).toEqual({ losses: [2, 4.5], batchesPerLossPoint: 3 });
    expect(downsampleLosses([1, 2], 5)).toEqual({ losses: [1, 2], batchesPerLossPoint: 1 });
  });

  it('refuse invalid params, naming them', () => {
    expect(() => createRunRecord(training(3), { ...defaultParams(), hidden: -3 }, { timestamp: 1 })).toThrow(/new run: invalid value -3 for "hidden"/);
  });
});

describe('history list', () => {
  it('adds, keeps at most MAX_RUNS (dropping the oldest), removes and clears', () => {
    const history = historyOf(MAX_RUNS + 3);
    expect(history).toHaveLength(MAX_RUNS);
    expect(history[0].params.seed).toBe(3);
    const fewer = removeRun(history, history[5].id);
    expect(fewer).toHaveLength(MAX_RUNS - 1);
    expect(fewer.some((run) => run.id === history[5].id)).toBe(false);
    expect(history).toHaveLength(MAX_RUNS); // immutable
    expect(clearHistory()).toEqual([]);
    expect(addRun(historyOf(3), historyOf(4)[3], 2)).toHaveLength(2);
  });
});

describe('history storage', () => {
  it('round-trips through JSON, keeping NaN losses of a diverged run', () => {
    const diverged: FinishedTraining = { ...training(4), losses: [2.3, Number.NaN, Infinity, 1.23456789] };
    const history = addRun(historyOf(2), createRunRecord(diverged, { ...defaultParams(), lr: 9 }, { timestamp: 99 }));
    const parsed = parseHistory(serializeHistory(history));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.history).toHaveLength(3);
    expect(parsed.history[2].losses).toEqual([2.3, Number.NaN, Number.NaN, 1.23457]);
    expect(parsed.history[0]).toEqual({ ...history[0], losses: history[0].losses.map((l) => Number(l.toPrecision(6))) });
  });

  it('reads nothing stored as an empty history without warnings', () => {
    expect(parseHistory(null)).toEqual({ history: [], warnings: [] });
    expect(parseHistory('')).toEqual({ history: [], warnings: [] });
  });

  it.each([
    ['{"format":"ziffern-history","version":1,"runs":[', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"format":"other","version":1,"runs":[]}', /format is "other"/],
    ['{"format":"ziffern-history","version":7,"runs":[]}', /version 7 is not 1/],
    ['{"format":"ziffern-history","version":1,"runs":{}}', /runs is not an array/],
  ])('drops a corrupt history with a warning: %s', (text, message) => {
    const parsed = parseHistory(text);
    expect(parsed.history).toEqual([]);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/^stored run history dropped: /);
    expect(parsed.warnings[0]).toMatch(message);
  });

  it('drops only the corrupt runs of an otherwise good history', () => {
    const json = JSON.parse(serializeHistory(historyOf(4)));
    json.runs[1].params.hidden = 'lots';
    json.runs[2].epochs[0].testAccuracy = 7;
    json.runs.push(json.runs[0]); // duplicate id
    json.runs.push('junk');
    const parsed = parseHistory(JSON.stringify(json));
    expect(parsed.history.map((run) => run.params.seed)).toEqual([0, 3]);
    expect(parsed.warnings).toHaveLength(4);
    expect(parsed.warnings[0]).toMatch(/stored run 1: invalid value "lots" for "hidden".*run dropped/);
    expect(parsed.warnings[1]).toMatch(/stored run 2: epochs\[0\] accuracies/);
    expect(parsed.warnings[2]).toMatch(/stored run 4: duplicate id/);
    expect(parsed.warnings[3]).toMatch(/stored run 5: must be an object/);
  });

  it('fills parameters added since a run was stored and ignores removed ones', () => {
    const json = JSON.parse(serializeHistory(historyOf(1)));
    delete json.runs[0].params.preprocess;
    json.runs[0].params.oldKnob = 1;
    const parsed = parseHistory(JSON.stringify(json));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.history[0].params).toEqual({ ...defaultParams(), seed: 0 });
  });

  it('saves to and loads from a Storage, removing a corrupt entry', () => {
    const storage = new MemoryStorage();
    const history = historyOf(3);
    expect(saveHistory(storage, history)).toEqual({ history, saved: history, warnings: [] });
    expect(loadHistory(storage).history.map((run) => run.id)).toEqual(history.map((run) => run.id));
    storage.setItem(HISTORY_STORAGE_KEY, '{broken');
    const loaded = loadHistory(storage);
    expect(loaded.history).toEqual([]);
    expect(loaded.warnings[0]).toMatch(/dropped/);
    expect(storage.getItem(HISTORY_STORAGE_KEY)).toBeNull();
  });

  it('when storage is full, saves the newest runs that fit, keeps listing all, and reports failures without throwing', () => {
    const history = historyOf(5);
    const oneRun = serializeHistory(history.slice(-2)).length;
    const storage = new MemoryStorage(oneRun + 10);
    const saved = saveHistory(storage, history);
    expect(saved.saved.map((run) => run.id)).toEqual(history.slice(-2).map((run) => run.id));
    expect(loadHistory(storage).history.map((run) => run.id)).toEqual(history.slice(-2).map((run) => run.id));
    // Issue 16: the list after a run must not lose runs because storage is full.
    expect(saved.history).toEqual(history);
    expect(saved.warnings).toEqual(['storage is full: the 3 oldest run(s) are listed until you leave this page, but not saved']);
    expect(saveHistory(new MemoryStorage(oneRun + 10), history, undefined, 'de').warnings[0]).toMatch(/^Der Speicher ist voll: Die 3 ältesten Läufe/);

    const broken: StorageLike = {
      getItem: () => { throw new Error('SecurityError: storage disabled'); },
      setItem: () => { throw new Error('SecurityError: storage disabled'); },
      removeItem: () => undefined,
    };
    expect(loadHistory(broken).warnings[0]).toMatch(/could not read the run history: SecurityError/);
    const failed = saveHistory(broken, history);
    expect(failed.history).toEqual(history);
    expect(failed.saved).toEqual([]);
    expect(failed.warnings).toEqual(['could not save the run history (SecurityError: storage disabled); the runs are listed until you leave this page']);
  });
});
