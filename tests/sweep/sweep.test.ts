import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SWEEP_WIDTHS,
  capacitySweep,
  runOneFromTraining,
  scheduleSweep,
  smallestSufficientWidth,
  sweepTable,
  type RunOne,
  type SweepRow,
  type SweepTrainProgress,
  type WidthMetrics,
} from '../../lib/sweep/sweep';

const metricsFor = (hidden: number): WidthMetrics => ({
  trainAccuracy: Math.min(1, 0.5 + hidden / 1000),
  testAccuracy: Math.min(0.98, 0.5 + hidden / 1100),
  trainLoss: 1 / hidden,
  testLoss: 1.1 / hidden,
});

/** A fake runner: each width takes `delays[hidden]` ms (default: hidden / 8 ms), honours abort. */
function fakeRunner(options: { delays?: Record<number, number>; failing?: number[]; log?: string[] } = {}) {
  let active = 0;
  let maxActive = 0;
  const aborted: number[] = [];
  const runOne: RunOne = (hidden, { signal, report }) =>
    new Promise((resolve, reject) => {
      active++;
      maxActive = Math.max(maxActive, active);
      options.log?.push(`start ${hidden}`);
      report({ progress: 'epoch 1', trainAccuracy: 0.1 });
      const onAbort = () => {
        aborted.push(hidden);
        clearTimeout(timer);
        active--;
        reject(new Error('aborted'));
      };
      const timer = setTimeout(() => {
        active--;
        signal.removeEventListener('abort', onAbort);
        if (options.failing?.includes(hidden)) reject(new Error(`out of memory at ${hidden}`));
        else resolve(metricsFor(hidden));
      }, options.delays?.[hidden] ?? hidden / 8);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  return { runOne, maxActive: () => maxActive, active: () => active, aborted: () => [...aborted] };
}

async function collect(rows: AsyncIterable<SweepRow>): Promise<SweepRow[]> {
  const out: SweepRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
const finals = (rows: SweepRow[]) => rows.filter((row) => row.state !== 'running');

describe('scheduleSweep', () => {
  it('runs every width once, in sequence with concurrency 1, and yields rows as they finish', async () => {
    const log: string[] = [];
    const runner = fakeRunner({ log });
    const rows = await collect(scheduleSweep([32, 4, 16], 1, runner.runOne));
    expect(runner.maxActive()).toBe(1);
    expect(log).toEqual(['start 32', 'start 4', 'start 16']);
    expect(finals(rows).map((row) => [row.hidden, row.state])).toEqual([[32, 'done'], [4, 'done'], [16, 'done']]);
    const row32 = finals(rows)[0];
    expect(row32).toMatchObject({ ...metricsFor(32), state: 'done' });
    expect(row32.seconds).toBeGreaterThan(0);
    expect(row32.progress).toBeUndefined();
    // Each width first reports a live 'running' row.
    expect(rows.filter((row) => row.state === 'running')).toHaveLength(3);
    expect(rows.find((row) => row.state === 'running')).toMatchObject({ hidden: 32, progress: 'epoch 1', trainAccuracy: 0.1, testAccuracy: null });
  });

  it('never runs more than `concurrency` widths at once, and finish order follows speed', async () => {
    const runner = fakeRunner({ delays: { 4: 400, 8: 5, 16: 5, 32: 5, 64: 30 } });
    const rows = await collect(scheduleSweep([4, 8, 16, 32, 64], 2, runner.runOne));
    expect(runner.maxActive()).toBe(2);
    const order = finals(rows).map((row) => row.hidden);
    expect(order.slice(0, 3)).toEqual([8, 16, 32]);
    expect(order.sort((a, b) => a - b)).toEqual([4, 8, 16, 32, 64]);
  });

  it('uses all the concurrency it is given', async () => {
    const runner = fakeRunner({ delays: { 1: 20, 2: 20, 3: 20, 4: 20 } });
    await collect(scheduleSweep([1, 2, 3, 4], 3, runner.runOne));
    expect(runner.maxActive()).toBe(3);
  });

  it('reports an error in one width and carries on with the others', async () => {
    const runner = fakeRunner({ failing: [16] });
    const rows = finals(await collect(scheduleSweep([8, 16, 32], 1, runner.runOne)));
    expect(rows.map((row) => row.state)).toEqual(['done', 'error', 'done']);
    expect(rows[1].error).toBe('out of memory at 16');
    expect(rows[1].trainAccuracy).toBe(0.1); // the last live value is kept
    expect(rows[1].testAccuracy).toBeNull();
  });

  it('treats a runner that throws synchronously or resolves to junk as an error of that width', async () => {
    const runOne: RunOne = (hidden) => {
      if (hidden === 4) throw new Error('sync boom');
      if (hidden === 8) return Promise.resolve(null as unknown as WidthMetrics);
      return Promise.resolve(metricsFor(hidden));
    };
    const rows = finals(await collect(scheduleSweep([4, 8, 16], 2, runOne)));
    expect(rows.map((row) => [row.hidden, row.state])).toEqual([[4, 'error'], [8, 'error'], [16, 'done']]);
    expect(rows[0].error).toBe('sync boom');
  });

  it('cancels on abort: running widths stop, unstarted ones are reported cancelled', async () => {
    const controller = new AbortController();
    const runner = fakeRunner({ delays: { 4: 5, 8: 10_000, 16: 10_000, 32: 10 } });
    const rows: SweepRow[] = [];
    for await (const row of scheduleSweep([4, 8, 16, 32], 2, runner.runOne, controller.signal)) {
      rows.push(row);
      if (row.hidden === 4 && row.state === 'done') controller.abort();
    }
    // The running widths were told to stop (not left to run out their 10 s).
    expect(runner.aborted().sort((a, b) => a - b)).toEqual([8, 16]);
    expect(finals(rows).map((row) => [row.hidden, row.state])).toEqual([[4, 'done'], [32, 'cancelled'], [8, 'cancelled'], [16, 'cancelled']]);
    expect(runner.active()).toBe(0);
  });

  it('yields only cancelled rows for an already aborted signal', async () => {
    const runner = fakeRunner();
    const rows = await collect(scheduleSweep([4, 8], 2, runner.runOne, AbortSignal.abort()));
    expect(rows.map((row) => [row.hidden, row.state, row.seconds])).toEqual([[4, 'cancelled', 0], [8, 'cancelled', 0]]);
    expect(runner.maxActive()).toBe(0);
  });

  it('stops running widths when the consumer breaks out early', async () => {
    const runner = fakeRunner({ delays: { 4: 1, 8: 10_000, 16: 10_000 } });
    for await (const row of scheduleSweep([4, 8, 16], 3, runner.runOne)) {
      if (row.state === 'done') break;
    }
    expect(runner.aborted().sort((a, b) => a - b)).toEqual([8, 16]);
    expect(runner.active()).toBe(0);
  });

  it.each([
    [[], 1, /non-empty/],
    [[0], 1, /sweep width 0 is not allowed: each width must be an integer from 1 to 1024/],
    [[2000], 1, /2000 is not allowed/],
    [[3.5], 1, /3.5 is not allowed/],
    [[8, 8], 1, /appears twice/],
    [[8], 0, /concurrency must be an integer ≥ 1, got 0/],
    [[8], 1.5, /concurrency/],
  ])('refuses widths %j with concurrency %d', async (widths, concurrency, message) => {
    await expect(collect(scheduleSweep(widths, concurrency, fakeRunner().runOne))).rejects.toThrow(message);
  });
});

function fakeTraining(hidden: number, signal: AbortSignal, fail = false): AsyncIterable<SweepTrainProgress<{ hidden: number }>> {
  return (async function* () {
    const epochs: SweepTrainProgress['epochs'] = [];
    for (let epoch = 1; epoch <= 3; epoch++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (signal.aborted) {
        yield { state: 'cancelled', epoch, epochs, model: { hidden } };
        return;
      }
      if (fail && epoch === 2) {
        yield { state: 'error', epoch, epochs, model: { hidden }, error: 'NaN loss' };
        return;
      }
      yield { state: 'running', epoch, epochs: [...epochs], model: { hidden } };
      epochs.push({ epoch, trainLoss: 1 / epoch, trainAccuracy: 0.8 + epoch / 100, testAccuracy: 0.7 + epoch / 100 });
    }
    yield { state: 'done', epoch: 3, epochs, model: { hidden } };
  })();
}

describe('runOneFromTraining / capacitySweep', () => {
  it('reports each epoch live and uses the last epoch when there is no measure()', async () => {
    const rows = await collect(capacitySweep({ train: (hidden, signal) => fakeTraining(hidden, signal) }, { widths: [8] }));
    expect(rows.filter((row) => row.state === 'running').map((row) => row.progress)).toEqual(['epoch 1', 'epoch 2', 'epoch 3']);
    expect(rows.at(-1)).toMatchObject({ hidden: 8, state: 'done', trainAccuracy: 0.8 + 3 / 100, testAccuracy: 0.7 + 3 / 100, trainLoss: 1 / 3, testLoss: null });
  });

  it('uses measure() for the final numbers', async () => {
    const measured: number[] = [];
    const rows = await collect(capacitySweep({
      train: (hidden, signal) => fakeTraining(hidden, signal),
      measure: (model) => {
        measured.push(model.hidden);
        return metricsFor(model.hidden);
      },
    }, { widths: [4, 8], concurrency: 2 }));
    expect(measured.sort()).toEqual([4, 8]);
    expect(finals(rows).find((row) => row.hidden === 8)).toMatchObject({ ...metricsFor(8), state: 'done' });
  });

  it('turns a training error into an error row naming the width', async () => {
    const runOne = runOneFromTraining({ train: (hidden, signal) => fakeTraining(hidden, signal, hidden === 16) });
    const rows = finals(await collect(scheduleSweep([16, 32], 1, runOne)));
    expect(rows[0]).toMatchObject({ hidden: 16, state: 'error', error: 'training hidden=16 failed: NaN loss' });
    expect(rows[1].state).toBe('done');
  });

  it('defaults to the widths 4…512', async () => {
    expect(DEFAULT_SWEEP_WIDTHS).toEqual([4, 8, 16, 32, 64, 128, 256, 512]);
    const seen: number[] = [];
    const rows = await collect(capacitySweep({ train: (hidden, signal) => { seen.push(hidden); return fakeTraining(hidden, signal); } }));
    expect(seen).toEqual([...DEFAULT_SWEEP_WIDTHS]);
    expect(finals(rows)).toHaveLength(8);
  });
});

describe('sweepTable / smallestSufficientWidth', () => {
  const row = (hidden: number, state: SweepRow['state'], testAccuracy: number | null): SweepRow =>
    ({ hidden, state, testAccuracy, trainAccuracy: null, trainLoss: null, testLoss: null, seconds: 1 });

  it('keeps the latest row per width in width order, pending for the rest', () => {
    const table = sweepTable([64, 8, 16], [row(16, 'running', 0.5), row(64, 'done', 0.9), row(16, 'done', 0.8)]);
    expect(table.map((r) => [r.hidden, r.state])).toEqual([[8, 'pending'], [16, 'done'], [64, 'done']]);
  });

  it('finds the smallest width within tolerance of the best finished one', () => {
    const rows = [row(8, 'done', 0.85), row(16, 'done', 0.905), row(32, 'done', 0.91), row(64, 'error', null), row(4, 'cancelled', 0.99)];
    expect(smallestSufficientWidth(rows, 0.01)).toBe(16);
    expect(smallestSufficientWidth(rows, 0)).toBe(32);
    expect(smallestSufficientWidth([row(4, 'error', null)])).toBeNull();
    expect(() => smallestSufficientWidth(rows, -1)).toThrow(/tolerance/);
  });
});
