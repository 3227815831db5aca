import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { createNodeHost } from '../../lib/host/node';
import type { HagenModel } from '../../lib/hagen/types';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import type { TrainOptions, TrainProgress } from '../../lib/train/train';

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

describe('the notebook on the Node host (real MNIST, real training)', () => {
  it('loads MNIST once per host and summarises it', async () => {
    const host = createNodeHost();
    expect(host.loadDataset()).toBe(host.loadDataset());
    notebook = createNotebook(notebookCells, host);
    const summary = (await notebook.value('datasetSummary')) as { train: { count: number; perDigit: number[] }; test: { count: number } };
    expect(summary.train.count).toBe(60000);
    expect(summary.test.count).toBe(10000);
    expect(summary.train.perDigit.reduce((a, b) => a + b, 0)).toBe(60000);
  });

  it('trains in-process; a parameter change mid-run stops that run and one new run finishes', async () => {
    const host = createNodeHost();
    const runs: { opts: TrainOptions; batches: number; abortedAtEnd: boolean | null }[] = [];
    const runTraining = host.runTraining;
    host.runTraining = (model: HagenModel, data, opts) =>
      (async function* () {
        const run = { opts, batches: 0, abortedAtEnd: null as boolean | null };
        runs.push(run);
        try {
          for await (const progress of runTraining(model, data, opts)) {
            run.batches++;
            yield progress;
          }
        } finally {
          run.abortedAtEnd = opts.signal?.aborted ?? false;
        }
      })();
    notebook = createNotebook(notebookCells, host);
    for (const [name, value] of [['trainSize', 200], ['hidden', 8], ['epochs', 1], ['batchSize', 20], ['augment', 'none']] as const) {
      await notebook.set(name, value);
    }
    let switched = false;
    const final = await new Promise<TrainProgress>((resolve, reject) => {
      notebook!.observe('training', (value, error) => {
        if (error) return reject(error);
        const progress = value as TrainProgress;
        if (!switched && progress.batch >= 2) {
          switched = true;
          void notebook!.set('lr', 0.1);
        }
        if (switched && progress.state === 'done') resolve(progress);
      });
    });
    expect(runs).toHaveLength(2);
    expect(runs[0].abortedAtEnd).toBe(true);
    expect(runs[0].batches).toBeLessThan(10);
    expect(runs[1].opts.lr).toBe(0.1);
    expect(final.epochs).toHaveLength(1);
    expect(final.model.layers[0].outFeatures).toBe(8);
    expect(await notebook.value('testAccuracy')).toBe(final.epochs[0].testAccuracy);
  });
});
