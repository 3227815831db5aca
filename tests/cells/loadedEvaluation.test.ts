// @vitest-environment jsdom
/**
 * The loaded model's evaluation as a cell (cells/modelfile.ts `loadedEvaluation`): every host gets it (the CLI's
 * `run --load` reports it: tests/cli/faults.test.ts), and the page's model file panel says it in both languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { LOADED_EVALUATION_NOISE, loadedEvaluationText, modelFileCells, type LoadedEvaluation, type LoadedModel } from '../../cells/modelfile';
import { hostState } from '../../cells/state';
import { buildModel } from '../../lib/hagen/model';
import { createNodeHost } from '../../lib/host/node';
import { defaultParams, PARAMS } from '../../lib/params';
import { relevantParamNames } from '../../lib/precompute/files';
import { Rng } from '../../lib/random';
import { HeadlessView } from '../../lib/runtime/headless-view';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { evaluate } from '../../lib/train/evaluate';
import { syntheticDataset } from '../train/synthetic';

const data = syntheticDataset(200, 2500);
const params = { ...defaultParams(), hidden: 16, layers: 1, seed: 7 };
const loaded: LoadedModel = {
  fileName: 'm.json', params, warnings: [], savedAt: null,
  model: buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 2 }),
};

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

function values(nb: Notebook, until: (v: LoadedEvaluation | null) => boolean): Promise<(LoadedEvaluation | null)[]> {
  const seen: (LoadedEvaluation | null)[] = [];
  return new Promise((resolve, reject) => nb.observe('loadedEvaluation', (value, error) => {
    if (error) return reject(error);
    seen.push(value as LoadedEvaluation | null);
    if (until(value as LoadedEvaluation | null)) resolve(seen);
  }));
}

describe('loadedEvaluation', () => {
  it('is null until a model is loaded, then tests it on the test images like evaluate() with the seed\'s noise', async () => {
    let loads = 0;
    const host = createNodeHost({ loadDataset: async () => (loads++, data) });
    notebook = createNotebook(notebookCells, host);
    await notebook.set('seed', 7);
    expect(await notebook.value('loadedEvaluation')).toBeNull();
    expect(loads).toBe(0); // nothing loaded: no test images needed
    hostState<LoadedModel | null>(host, 'loadedModel', () => null).value = loaded;
    const seen = await values(notebook, (v) => v?.state === 'done');
    const done = seen.at(-1)!;
    const expected = evaluate(loaded.model, data.test, { rng: Rng.derive(7, LOADED_EVALUATION_NOISE) });
    expect(done).toEqual({ state: 'done', fileName: 'm.json', backend: 'mock', evaluated: 2500, count: 2500, accuracy: expected.accuracy, loss: expected.loss, confusion: expected.confusion });
    // batch by batch: running values on the way
    expect(seen.filter((v) => v?.state === 'running').map((v) => v!.evaluated)).toEqual(expect.arrayContaining([0, 1000, 2000]));
  });

  it('a failure is a value with its reason (the panel that shows it stays usable)', async () => {
    const host = createNodeHost({ loadDataset: async () => { throw new Error('no test images here'); } });
    notebook = createNotebook(notebookCells, host);
    hostState<LoadedModel | null>(host, 'loadedModel', () => null).value = loaded;
    const seen = await values(notebook, (v) => v?.state === 'error');
    expect(seen.at(-1)).toMatchObject({ state: 'error', fileName: 'm.json', error: 'no test images here' });
  });

  it('says the result in English and German (du), and how far it is while running', () => {
    const done: LoadedEvaluation = { state: 'done', fileName: 'm.json', backend: 'mock', evaluated: 10000, count: 10000, accuracy: 0.8468, loss: 0.5, confusion: [] };
    expect(loadedEvaluationText('en', done)).toBe('Loaded model: 84.7 % correct on the 10,000 test images.');
    expect(loadedEvaluationText('de', done)).toBe('Geladenes Modell: 84,7 % richtig bei den 10.000 Testbildern.');
    const running = { ...done, state: 'running' as const, evaluated: 3000, accuracy: null };
    expect(loadedEvaluationText('en', running)).toBe('Testing the loaded model: 3,000 of 10,000 test images…');
    expect(loadedEvaluationText('de', running)).toBe('Das geladene Modell wird getestet: 3.000 von 10.000 Testbildern…');
    expect(loadedEvaluationText('de', { ...done, state: 'error', error: 'kaputt' })).toMatch(/^Das geladene Modell konnte nicht getestet werden: kaputt/);
    expect(loadedEvaluationText('en', null)).toBeNull();
  });

  it('the model file panel shows it while the loaded model is the one shown, and updates in place', () => {
    const host = createNodeHost({ loadDataset: async () => data });
    const cell = modelFileCells.find((c) => c.name === 'modelFile')!;
    const views = relevantParamNames('training').map((name) => new HeadlessView(PARAMS.find((p) => p.name === name)!.default));
    const state = [hostState(host, 'loadedModel', () => null), hostState(host, 'trainLive', () => false)];
    const fromFile = { source: 'file', label: 'm.json', progress: {} };
    const running: LoadedEvaluation = { state: 'running', fileName: 'm.json', backend: 'mock', evaluated: 0, count: 10000, accuracy: null, loss: null, confusion: null };
    const panel = cell.define.call(undefined, host, fromFile, null, running, params, ...state, ...views) as HTMLElement;
    const line = () => panel.querySelector<HTMLElement>('.zf-model-tested')!;
    expect(line().hidden).toBe(false);
    expect(line().textContent).toMatch(/Testing the loaded model: 0 of 10,000/);
    const again = cell.define.call(panel, host, fromFile, null, { ...running, state: 'done', evaluated: 10000, accuracy: 0.9, loss: 0.3, confusion: [] }, params, ...state, ...views);
    expect(again).toBe(panel);
    expect(line().textContent).toBe('Loaded model: 90 % correct on the 10,000 test images.');
    expect(line().dataset.accuracy).toBe('0.9');
    const live = cell.define.call(undefined, host, null, null, running, params, ...state, ...views) as HTMLElement;
    expect(live.querySelector<HTMLElement>('.zf-model-tested')!.hidden).toBe(true);
  });
});
