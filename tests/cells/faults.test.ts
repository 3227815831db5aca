// @vitest-environment jsdom
/**
 * Issue 16 in the cells: a model upload's size is checked before it is read; its warnings stay until dismissed or
 * replaced (they vanished when loading the model rebuilt the panel); the run history lists a run even when
 * storage cannot keep it, and says so.
 */
import { describe, expect, it } from 'vitest';
import { RunHistoryStore, type RunHistoryState } from '../../cells/history';
import { modelFileCells } from '../../cells/modelfile';
import { hostState } from '../../cells/state';
import { buildModel } from '../../lib/hagen/model';
import { readModelUpload, serializeModelFile } from '../../lib/modelfile/modelFile';
import { defaultParams, PARAMS } from '../../lib/params';
import { relevantParamNames } from '../../lib/precompute/files';
import { Mutable } from '../../lib/runtime/generators';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import type { TrainProgress } from '../../lib/train/train';

const host = (extra: Partial<Host> = {}): Host => ({
  kind: 'browser', lang: 'en',
  view: (spec) => new HeadlessView(spec.default),
  loadDataset: async () => { throw new Error('no data here'); },
  tfBackend: async () => 'none',
  runTraining: () => { throw new Error('no training here'); },
  ...extra,
});

/** A fake File: `text()` records that it was read. */
function fakeFile(name: string, size: number, text = '') {
  const file = { name, size, read: false, async text() { file.read = true; return text; } };
  return file;
}

describe('model upload (page)', () => {
  it('a 1 GB file is refused by its size, never read', async () => {
    const huge = fakeFile('huge.json', 1024 ** 3);
    await expect(readModelUpload(huge)).rejects.toThrow(/model file "huge.json": 1073\.7 MB is larger than any model ziffern writes/);
    expect(huge.read).toBe(false);
  });

  it('warnings stay through the panel\'s rebuild until dismissed; a new message replaces them', async () => {
    const h = host();
    const cell = modelFileCells.find((c) => c.name === 'modelFile')!;
    const names = relevantParamNames('training');
    const views = names.map((name) => new HeadlessView(PARAMS.find((p) => p.name === name)!.default));
    const loaded = hostState(h, 'loadedModel', () => null);
    const live = hostState(h, 'trainLive', () => false);
    const params = { ...defaultParams() };
    const panel = (pretrained: unknown) => cell.define.call(undefined, h, pretrained, null, null, params, loaded, live, ...views) as HTMLElement;
    const note = (root: HTMLElement) => root.querySelector<HTMLElement>('.zf-note')!;

    const first = panel(null);
    const model = buildModel({ hidden: 8, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 1 });
    const json = JSON.parse(serializeModelFile(model, { ...defaultParams(), hidden: 8, layers: 1 }));
    json.params.oldKnob = 3; // tolerated, with a warning
    const text = JSON.stringify(json);
    const input = first.querySelector<HTMLInputElement>('input.zf-load-model')!;
    Object.defineProperty(input, 'files', { value: [fakeFile('old.json', text.length, text)], configurable: true });
    input.dispatchEvent(new Event('change'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(views[names.indexOf('hidden')].value).toBe(8); // the model's parameters were applied
    expect(note(first).hidden).toBe(false);

    // Loading changed the parameters, so the page builds a new panel: the warning is still there.
    const second = panel({ source: 'file', label: 'old.json', progress: {} });
    expect(note(second).hidden).toBe(false);
    expect(note(second).textContent).toMatch(/ignored unknown parameter "oldKnob"/);
    note(second).querySelector('button')!.click();
    expect(note(second).hidden).toBe(true);
    expect(note(panel(null)).hidden).toBe(true);

    // A refused upload replaces it (and is not read).
    const third = panel(null);
    const big = fakeFile('big.json', 1024 ** 3);
    const bigInput = third.querySelector<HTMLInputElement>('input.zf-load-model')!;
    Object.defineProperty(bigInput, 'files', { value: [big], configurable: true });
    bigInput.dispatchEvent(new Event('change'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(big.read).toBe(false);
    expect(note(panel(null)).textContent).toMatch(/^Not loaded: model file "big.json": 1073\.7 MB is larger/);
  });

  it('on the German page the library\'s English message follows a German sentence, marked as English', async () => {
    const h = host({ lang: 'de' });
    const cell = modelFileCells.find((c) => c.name === 'modelFile')!;
    const names = relevantParamNames('training');
    const views = names.map((name) => new HeadlessView(PARAMS.find((p) => p.name === name)!.default));
    const root = cell.define.call(undefined, h, null, null, null, { ...defaultParams() }, hostState(h, 'loadedModel', () => null), hostState(h, 'trainLive', () => false), ...views) as HTMLElement;
    const big = fakeFile('big.json', 1024 ** 3);
    const input = root.querySelector<HTMLInputElement>('input.zf-load-model')!;
    Object.defineProperty(input, 'files', { value: [big], configurable: true });
    input.dispatchEvent(new Event('change'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const note = root.querySelector<HTMLElement>('.zf-note')!;
    expect(note.textContent).toMatch(/^Nicht geladen\. Die Meldung \(englisch\): model file "big\.json": 1073\.7 MB is larger/);
    expect(note.querySelector('[lang="en"]')!.textContent).toMatch(/^model file "big\.json"/);
  });
});

describe('run history with full storage', () => {
  const finished = (loss: number): TrainProgress => ({
    state: 'done', epoch: 1, batch: 1, batchesPerEpoch: 1, loss, samplesPerSecond: 1, losses: [loss],
    epochs: [{ epoch: 1, trainLoss: loss, trainAccuracy: 0.5, testAccuracy: 0.4, seconds: 1, backend: 'mock', confusion: [] }], model: null as never,
  });

  it.each(['en', 'de'] as const)('lists the run after a run and says it could not be saved (%s)', (lang) => {
    const full = { getItem: () => null, setItem: () => { throw new DOMException('quota exceeded', 'QuotaExceededError'); }, removeItem: () => undefined };
    const h = host({ storage: full, lang });
    const state = new Mutable<RunHistoryState>({ runs: [], overlaid: [], warnings: [] });
    const store = RunHistoryStore.load(h, state);
    store.record(finished(0.3), defaultParams(), 1000);
    store.record(finished(0.2), defaultParams(), 2000);
    expect(state.value.runs).toHaveLength(2);
    expect(state.value.warnings).toEqual([lang === 'en'
      ? 'could not save the run history (quota exceeded); the runs are listed until you leave this page'
      : 'Die Läufe konnten nicht gespeichert werden (quota exceeded); sie stehen nur bis zum Verlassen der Seite in der Liste.']);
  });
});
