import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { summariseDataset } from '../../cells/data';
import { historyOf } from '../../cells/training';
import type { Dataset, Split } from '../../lib/data/types';
import type { HagenModel } from '../../lib/hagen/types';
import { PARAMS } from '../../lib/params';
import { BUILTIN_NAMES } from '../../lib/runtime/cell';
import { checkGraph, parameterNames } from '../../lib/runtime/graph';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import type { TrainOptions, TrainProgress } from '../../lib/train/train';

function tinySplit(labels: number[]): Split {
  return { images: new Uint8Array(labels.length * 784).map((_, i) => i % 3 === 0 ? 1 : 0), labels: Uint8Array.from(labels), count: labels.length };
}
const tinyDataset: Dataset = { train: tinySplit([0, 1, 1, 2, 9, 9, 9]), test: tinySplit([3, 3, 7]) };

/** A host whose training is scripted: `steps` progress values, one per event-loop turn, watching the signal. */
function scriptedHost(steps: number, calls: { opts: TrainOptions; sawAbort: boolean; yielded: number }[]): Host {
  return {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: async () => tinyDataset,
    tfBackend: async () => 'none',
    runTraining: (model: HagenModel, _data: Dataset, opts: TrainOptions) =>
      (async function* (): AsyncGenerator<TrainProgress> {
        const call = { opts, sawAbort: false, yielded: 0 };
        calls.push(call);
        const losses: number[] = [];
        try {
          for (let batch = 1; batch <= steps; batch++) {
            if (opts.signal?.aborted) return;
            await new Promise((r) => setImmediate(r));
            losses.push(1 / batch);
            const done = batch === steps;
            const epochs = done
              ? [{ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, testAccuracy: 0.75, seconds: 1, backend: 'none', confusion: [[1]] }]
              : [];
            call.yielded++;
            yield {
              state: done ? 'done' : 'running', epoch: 1, batch, batchesPerEpoch: steps, loss: 1 / batch,
              samplesPerSecond: 100, losses: [...losses], epochs, model,
            };
          }
        } finally {
          call.sawAbort = opts.signal?.aborted ?? false;
        }
      })(),
  };
}

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

describe('cells/ graph', () => {
  it('every cell declares inputs matching its function parameters', () => {
    for (const cell of notebookCells) {
      const names = parameterNames(cell.define);
      expect(names.length, `arity of cell "${cell.name}"`).toBe(cell.inputs.length);
      cell.inputs.forEach((input, i) => {
        // "viewof x" is not an identifier; such inputs are taken by a parameter named view….
        if (input.startsWith('viewof ')) expect(names[i], `cell "${cell.name}" input ${i}`).toMatch(/^view/);
        else expect(names[i], `cell "${cell.name}" input ${i}`).toBe(input);
      });
    }
  });

  it('has no unknown names, no duplicates and no cycles', () => {
    expect(() => checkGraph(notebookCells, BUILTIN_NAMES)).not.toThrow();
  });

  it('has a view and a value cell for every parameter', () => {
    const byName = new Map(notebookCells.map((c) => [c.name, c]));
    for (const p of PARAMS) {
      expect(byName.get(`viewof ${p.name}`)?.view).toBe(p.name);
      expect(byName.get(p.name)?.inputs).toEqual([`viewof ${p.name}`]);
    }
  });
});

describe('data and model cells', () => {
  it('datasetSummary counts images per digit', async () => {
    notebook = createNotebook(notebookCells, scriptedHost(1, []));
    expect(await notebook.value('datasetSummary')).toEqual({
      train: { count: 7, perDigit: [1, 2, 1, 0, 0, 0, 0, 0, 0, 3] },
      test: { count: 3, perDigit: [0, 0, 0, 2, 0, 0, 0, 1, 0, 0] },
    });
    expect(() => summariseDataset({ ...tinyDataset, test: { ...tinyDataset.test, count: 4 } })).toThrow(/split "test" has 3 labels for count 4/);
  });

  it('model follows hidden, layers, shift, backend, noise, gain and seed', async () => {
    notebook = createNotebook(notebookCells, scriptedHost(1, []));
    await notebook.set('hidden', 16);
    await notebook.set('layers', 3);
    await notebook.set('noise', 0);
    await notebook.set('gain', 0.004);
    await notebook.set('backend', 'ideal');
    const model = (await notebook.value('model')) as HagenModel;
    expect(model.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[784, 16], [16, 16], [16, 16], [16, 10]]);
    expect(model.shift).toBe(1);
    expect(model.backend).toBe('ideal');
    expect(model.mock).toEqual({ noiseStd: 0, gain: 0.004 });
    const again = (await notebook.value('model')) as HagenModel;
    await notebook.set('seed', 2);
    const reseeded = (await notebook.value('model')) as HagenModel;
    expect(Array.from(again.layers[0].weight)).toEqual(Array.from(model.layers[0].weight));
    expect(Array.from(reseeded.layers[0].weight)).not.toEqual(Array.from(model.layers[0].weight));
  });

  it('mockSource "measured" takes measure_mock_parameter from the environment section', async () => {
    notebook = createNotebook(notebookCells, scriptedHost(1, []));
    await notebook.set('mockSource', 'measured');
    await notebook.set('noise', 0);
    const measured = (await notebook.value('measuredMockParameter')) as { noiseStd: number; gain: number };
    expect(measured.noiseStd).toBeGreaterThan(0);
    expect(await notebook.value('mockParameter')).toEqual({ noiseStd: measured.noiseStd, gain: measured.gain });
    expect(((await notebook.value('model')) as HagenModel).mock).toEqual({ noiseStd: measured.noiseStd, gain: measured.gain });
    await notebook.set('mockSource', 'defaults');
    expect(await notebook.value('mockParameter')).toEqual({ noiseStd: 0, gain: 0.002 });
  });
});

describe('training cells', () => {
  it('passes the parameters to host.runTraining and derives history, accuracy, confusion, trained model', async () => {
    const calls: { opts: TrainOptions; sawAbort: boolean; yielded: number }[] = [];
    notebook = createNotebook(notebookCells, scriptedHost(3, calls));
    await notebook.set('hidden', 8);
    await notebook.set('lr', 0.5);
    await notebook.set('augment', 'none');
    await notebook.set('trainSize', 600);
    const states: string[] = [];
    const done = new Promise<void>((resolve) =>
      notebook!.observe('history', (h) => {
        states.push((h as { state: string }).state);
        if ((h as { state: string }).state === 'done') resolve();
      }),
    );
    await done;
    expect(states).toEqual(['running', 'running', 'done']);
    expect(calls).toHaveLength(1);
    expect(calls[0].opts).toMatchObject({ lr: 0.5, epochs: 4, batchSize: 200, augment: 'none', seed: 1, trainSize: 600, labelNoise: 0 });
    expect(calls[0].opts.signal).toBeInstanceOf(AbortSignal);
    expect(calls[0].opts.chip).toBeUndefined();
    expect(await notebook.value('testAccuracy')).toBe(0.75);
    expect(await notebook.value('confusion')).toEqual([[1]]);
    expect(((await notebook.value('trainedModel')) as HagenModel).layers[0].outFeatures).toBe(8);
    expect(await notebook.value('history')).toEqual({
      state: 'done',
      epochs: [{ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, testAccuracy: 0.75, seconds: 1, backend: 'none' }],
      losses: [1, 0.5, 1 / 3],
    });
  });

  it('the chip backend trains on the environment section\'s chip device', async () => {
    const calls: { opts: TrainOptions; sawAbort: boolean; yielded: number }[] = [];
    notebook = createNotebook(notebookCells, scriptedHost(1, calls));
    await notebook.set('backend', 'chip');
    await notebook.set('chipId', 3);
    await notebook.set('hidden', 4);
    await notebook.value('training');
    expect(calls).toHaveLength(1);
    expect(calls[0].opts.chip).toBe(await notebook.value('chipDevice'));
    expect(calls[0].opts.chip?.id).toBe(3);
  });

  it('changing a parameter during training aborts the old run and starts exactly one new run', async () => {
    const calls: { opts: TrainOptions; sawAbort: boolean; yielded: number }[] = [];
    notebook = createNotebook(notebookCells, scriptedHost(10_000, calls));
    await notebook.set('hidden', 4);
    const seen: TrainProgress[] = [];
    notebook.observe('training', (p) => seen.push(p as TrainProgress));
    for (let i = 0; seen.length < 3 && i < 10_000; i++) await new Promise((r) => setImmediate(r));
    await notebook.set('lr', 0.1);
    for (let i = 0; (calls.length < 2 || calls[1].yielded < 5) && i < 10_000; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    expect(calls[0].sawAbort).toBe(true);
    expect(calls[0].yielded).toBeLessThan(10_000);
    expect(calls[1].opts.lr).toBe(0.1);
    expect(calls[1].sawAbort).toBe(false);
    expect(historyOf(seen[seen.length - 1]).state).toBe('running');
  });
});
