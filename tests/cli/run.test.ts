import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { progressText } from '../../lib/cli/run';
import type { Dataset } from '../../lib/data/types';
import type { HagenModel } from '../../lib/hagen/types';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import type { TrainOptions, TrainProgress } from '../../lib/train/train';

const emptySplit = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0 };

/** Training scripted per epoch: two batches each; `failAtEpoch` ends in state 'error'. */
function scriptedHost(seenOptions: TrainOptions[], failAtEpoch = 0): Host {
  return {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: async (): Promise<Dataset> => ({ train: emptySplit, test: emptySplit }),
    tfBackend: async () => 'scripted',
    async *runTraining(model: HagenModel, _data: Dataset, opts: TrainOptions): AsyncGenerator<TrainProgress> {
      seenOptions.push(opts);
      const epochs: TrainProgress['epochs'] = [];
      const losses: number[] = [];
      const base = { batchesPerEpoch: 2, samplesPerSecond: 1000, model, losses, epochs };
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        for (let batch = 1; batch <= 2; batch++) {
          losses.push(1 / (epoch + batch));
          if (epoch === failAtEpoch) {
            yield { ...base, state: 'error', epoch, batch, loss: NaN, error: 'loss became NaN' };
            return;
          }
          if (batch === 2) {
            epochs.push({ epoch, trainLoss: 0.5 / epoch, trainAccuracy: 0.5 + epoch / 10, testAccuracy: 0.4 + epoch / 10, seconds: 0.25, backend: 'scripted', confusion: [[epoch]] });
          }
          yield { ...base, state: epoch === opts.epochs && batch === 2 ? 'done' : 'running', epoch, batch, loss: 1 / (epoch + batch), epochs: [...epochs], losses: [...losses] };
        }
      }
    },
  };
}

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } },
  };
}

describe('ziffern run (in-process, scripted training)', () => {
  it('--json prints one object per epoch with the documented fields, then a summary; --report writes the run', async () => {
    const seen: TrainOptions[] = [];
    const { out, io } = capture();
    const reportPath = join(mkdtempSync(join(tmpdir(), 'ziffern-cli-')), 'report.json');
    const code = await main(['run', '--set', 'epochs=3', '--set', 'lr=0.5', '--json', '--report', reportPath], io, scriptedHost(seen));
    expect(code).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ epochs: 3, lr: 0.5 });
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    lines.slice(0, 3).forEach((line, i) => {
      expect(Object.keys(line)).toEqual(['epoch', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'seconds', 'backend']);
      expect(line.epoch).toBe(i + 1);
    });
    expect(lines[2].testAccuracy).toBeCloseTo(0.7);
    expect(lines[3].summary).toMatchObject({ state: 'done', epochs: 3, backend: 'scripted' });
    expect(lines[3].summary.testAccuracy).toBeCloseTo(0.7);
    expect(lines[3].summary.params).toMatchObject({ epochs: 3, lr: 0.5, hidden: 256 });
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report).toMatchObject({ tool: 'ziffern', command: 'run', state: 'done', backend: 'scripted' });
    expect(report.epochs.map((e: { confusion: number[][] }) => e.confusion)).toEqual([[[1]], [[2]], [[3]]]);
    expect(report.losses).toHaveLength(6);
  });

  it('without --json prints readable epoch lines', async () => {
    const { out, io } = capture();
    expect(await main(['run', '--set', 'epochs=1'], io, scriptedHost([]))).toBe(0);
    expect(out.stdout).toMatch(/^epoch 1\/1: train loss 0\.5000, train accuracy 60\.00 %, test accuracy 50\.00 %, 0\.3 s \(scripted\)\n/);
    expect(out.stdout).toMatch(/done: 1 epoch\(s\), test accuracy 50\.00 %/);
  });

  it('a failed training exits 1 and says why', async () => {
    const { out, io } = capture();
    expect(await main(['run', '--set', 'epochs=3', '--json'], io, scriptedHost([], 2))).toBe(1);
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch ?? 'summary')).toEqual([1, 'summary']);
    expect(lines[1].summary).toMatchObject({ state: 'error', error: 'loss became NaN' });
    expect(out.stderr).toContain('training failed: loss became NaN');
  });

  it('usage errors exit 2 before anything runs', async () => {
    const seen: TrainOptions[] = [];
    const { out, io } = capture();
    expect(await main(['run', '--set', 'batchSize=0'], io, scriptedHost(seen))).toBe(2);
    expect(out.stderr).toBe('ziffern: invalid value 0 for "batchSize": allowed is an integer from 1 to 10000\n');
    expect(seen).toHaveLength(0);
  });

  it('--help prints usage and exits 0 without running', async () => {
    const seen: TrainOptions[] = [];
    const { out, io } = capture();
    expect(await main(['--help'], io, scriptedHost(seen))).toBe(0);
    expect(out.stdout).toMatch(/^Usage: ziffern run \[--set name=value\]… \[--load model\.json \[--continue\]\] \[--json\] \[--report out\.json\]/);
    expect(out.stdout).toMatch(/trainSize\s+an integer from 10 to 60000 \(default 60000\)/);
    expect(seen).toHaveLength(0);
  });

  it('formats the progress bar', () => {
    const text = progressText({ state: 'running', epoch: 2, batch: 150, batchesPerEpoch: 300, loss: 0.12345, samplesPerSecond: 1234.4, losses: [], epochs: [], model: null as unknown as HagenModel }, 4);
    expect(text).toBe('epoch 2/4 [##########----------] batch 150/300 loss 0.1235 1234 samples/s');
  });
});
