import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../../lib/data/types';
import { referenceEngine } from '../../lib/hagen/referenceEngine';
import { defaultParams } from '../../lib/params';
import { Rng } from '../../lib/random';
import { capacitySweep, type SweepRow } from '../../lib/sweep/sweep';
import { trainingAdapter } from '../../lib/sweep/training';

/** A learnable toy "MNIST": digit d lights a thick horizontal band at row 2 + 2.5·d, plus pixel noise. */
function toySplit(count: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    labels[i] = digit;
    const top = 2 + Math.floor(2.5 * digit);
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      const on = row >= top && row < top + 2 ? rng.next() < 0.9 : rng.next() < 0.03;
      images[i * 784 + p] = on ? 1 : 0;
    }
  }
  return { images, labels, count };
}
const data: Dataset = { train: toySplit(200, 1), test: toySplit(100, 2) };
const params = { ...defaultParams(), epochs: 3, batchSize: 10, augment: 'none' as const, trainSize: 200, lr: 0.25 };

async function collect(rows: AsyncIterable<SweepRow>): Promise<SweepRow[]> {
  const out: SweepRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('trainingAdapter (lib/train behind the sweep)', () => {
  it('trains each width and measures train and test numbers on the trained model', async () => {
    const adapter = trainingAdapter({ params, mock: { noiseStd: 2, gain: 0.002 }, data, engine: referenceEngine });
    const rows = await collect(capacitySweep(adapter, { widths: [4, 16] }));
    const finals = rows.filter((row) => row.state !== 'running');
    expect(finals.map((row) => [row.hidden, row.state, row.error])).toEqual([[4, 'done', undefined], [16, 'done', undefined]]);
    for (const row of finals) {
      for (const value of [row.trainAccuracy, row.testAccuracy]) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of [row.trainAccuracy, row.testAccuracy]) expect(value).toBeLessThanOrEqual(1);
      expect(Number.isFinite(row.trainLoss)).toBe(true);
      expect(Number.isFinite(row.testLoss)).toBe(true);
    }
    // The toy digits are easy: the wider net learns them (0.8 at this seed), the 4-wide one barely (0.44).
    expect(finals[1].testAccuracy).toBeGreaterThan(0.6);
    expect(finals[1].testAccuracy).toBeGreaterThan(finals[0].testAccuracy!);
    expect(rows.filter((row) => row.state === 'running').map((row) => [row.hidden, row.progress])).toEqual([[4, 'epoch 1'], [4, 'epoch 2'], [4, 'epoch 3'], [16, 'epoch 1'], [16, 'epoch 2'], [16, 'epoch 3']]);
  });

  it('is deterministic for the same seed', async () => {
    const run = () => collect(capacitySweep(trainingAdapter({ params, mock: { noiseStd: 2, gain: 0.002 }, data, engine: referenceEngine }), { widths: [8] }));
    const [a, b] = [await run(), await run()];
    const strip = (rows: SweepRow[]) => rows.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
  });

  it('stops the running width on abort', async () => {
    const controller = new AbortController();
    const adapter = trainingAdapter({ params: { ...params, epochs: 50 }, mock: { noiseStd: 2, gain: 0.002 }, data, engine: referenceEngine });
    const rows: SweepRow[] = [];
    for await (const row of capacitySweep(adapter, { widths: [8, 16], signal: controller.signal })) {
      rows.push(row);
      if (row.state === 'running') controller.abort();
    }
    expect(rows.filter((row) => row.state !== 'running').map((row) => [row.hidden, row.state])).toEqual([[16, 'cancelled'], [8, 'cancelled']]);
  });
});
