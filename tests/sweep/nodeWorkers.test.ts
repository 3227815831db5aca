import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../../lib/data/types';
import { defaultParams } from '../../lib/params';
import { Rng } from '../../lib/random';
import { scheduleSweep, type SweepRow } from '../../lib/sweep/sweep';
import { workerRunOne } from '../../lib/sweep/nodeWorkers';

function toySplit(count: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    const top = 2 + Math.floor(2.5 * labels[i]);
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      images[i * 784 + p] = (row >= top && row < top + 2 ? rng.next() < 0.9 : rng.next() < 0.03) ? 1 : 0;
    }
  }
  return { images, labels, count };
}
const dataset: Dataset = { train: toySplit(100, 1), test: toySplit(50, 2) };
const params = { ...defaultParams(), epochs: 2, batchSize: 10, augment: 'none' as const, trainSize: 100 };
const mock = { noiseStd: 2, gain: 0.002 };

async function collect(rows: AsyncIterable<SweepRow>): Promise<SweepRow[]> {
  const out: SweepRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('workerRunOne (worker_threads)', () => {
  it('trains widths on worker threads in parallel, with live epoch rows', async () => {
    const rows = await collect(scheduleSweep([4, 8], 2, workerRunOne({ params, mock, dataset, engine: 'reference' })));
    const finals = rows.filter((row) => row.state !== 'running');
    expect(finals.map((row) => [row.state, row.error])).toEqual([['done', undefined], ['done', undefined]]);
    expect(finals.map((row) => row.hidden).sort()).toEqual([4, 8]);
    for (const row of finals) expect(row.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(rows.filter((row) => row.state === 'running').map((row) => row.progress).sort()).toEqual(['epoch 1', 'epoch 1', 'epoch 2', 'epoch 2']);
  });

  it('reports a failing worker as an error row and stops workers on abort', async () => {
    const failing = await collect(scheduleSweep([4], 1, workerRunOne({ params, mock: { noiseStd: 2, gain: 5 }, dataset, engine: 'reference' })));
    expect(failing.at(-1)).toMatchObject({ hidden: 4, state: 'error' });
    expect(failing.at(-1)!.error).toMatch(/gain/);

    const controller = new AbortController();
    const rows: SweepRow[] = [];
    for await (const row of scheduleSweep([4], 1, workerRunOne({ params: { ...params, epochs: 100 }, mock, dataset, engine: 'reference' }), controller.signal)) {
      rows.push(row);
      if (row.state === 'running') controller.abort();
    }
    expect(rows.at(-1)).toMatchObject({ hidden: 4, state: 'cancelled' });
  });

  it('refuses an unknown engine', () => {
    expect(() => workerRunOne({ params, mock, engine: 'gpu' as never })).toThrow(/sweep engine must be one of fast, reference, tfjs, got gpu/);
  });
});
