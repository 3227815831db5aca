import { afterEach, describe, expect, it } from 'vitest';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import type { CellSpec } from '../../lib/runtime/cell';
import { untilInvalidated } from '../../lib/runtime/cancel';
import { HeadlessView } from '../../lib/runtime/headless-view';
import { paramCells, testHost, until, nextFrame } from './helpers';

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});
const open = (cells: CellSpec[]): Notebook => (notebook = createNotebook(cells, testHost()));

describe('define and value', () => {
  it('computes a cell from its inputs, and only when something asks for it', async () => {
    let computedSum = 0;
    const nb = open([
      { name: 'a', inputs: [], define: () => 2 },
      { name: 'b', inputs: [], define: () => Promise.resolve(3) },
      { name: 'sum', inputs: ['a', 'b'], define: (a: number, b: number) => (computedSum++, a + b) },
    ]);
    await nextFrame();
    await nextFrame();
    expect(computedSum).toBe(0);
    expect(await nb.value('sum')).toBe(5);
    expect(computedSum).toBe(1);
  });

  it('gives the builtin host to cells', async () => {
    const nb = open([{ name: 'kind', inputs: ['host'], define: (host: { kind: string }) => host.kind }]);
    expect(await nb.value('kind')).toBe('node');
  });

  it('refuses unknown cells by name', () => {
    const nb = open([{ name: 'a', inputs: [], define: () => 1 }]);
    expect(() => nb.value('nope')).toThrow(/unknown cell "nope"; known cells: a/);
    expect(() => nb.observe('nope', () => {})).toThrow(/unknown cell "nope"/);
  });

  it('refuses a graph with unknown inputs instead of reading globals', () => {
    expect(() => createNotebook([{ name: 'w', inputs: ['window'], define: (w: unknown) => w }], testHost())).toThrow(/unknown input "window"/);
  });

  it('streams every yield of a generator cell to observers', async () => {
    const nb = open([
      {
        name: 'counter',
        inputs: [],
        define: function* () {
          for (let i = 1; i <= 3; i++) yield i;
        },
      },
    ]);
    const seen: unknown[] = [];
    nb.observe('counter', (v) => seen.push(v));
    await until(() => seen.length === 3, 'three values');
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('redefine', () => {
  it('re-runs dependants with the new definition', async () => {
    const nb = open([
      { name: 'a', inputs: [], define: () => 1 },
      { name: 'double', inputs: ['a'], define: (a: number) => a * 2 },
    ]);
    const seen: unknown[] = [];
    nb.observe('double', (v) => seen.push(v));
    await until(() => seen.length === 1, 'first value');
    nb.redefine({ name: 'a', inputs: [], define: () => 21 });
    await until(() => seen.length === 2, 'second value');
    expect(seen).toEqual([2, 42]);
    expect(await nb.value('double')).toBe(42);
  });

  it('rejects a redefinition that would form a cycle, leaving the old one', async () => {
    const nb = open([
      { name: 'a', inputs: [], define: () => 1 },
      { name: 'b', inputs: ['a'], define: (a: number) => a + 1 },
    ]);
    expect(() => nb.redefine({ name: 'a', inputs: ['b'], define: (b: number) => b })).toThrow(/cycle: a → b → a/);
    expect(await nb.value('b')).toBe(2);
  });
});

describe('parameters and set()', () => {
  it('set() validates, updates the view and re-runs dependants (observed or not)', async () => {
    const nb = open([...paramCells('hidden'), { name: 'width', inputs: ['hidden'], define: (h: number) => h * 2 }]);
    expect(await nb.value('width')).toBe(512);
    await nb.set('hidden', 16);
    expect(await nb.value('hidden')).toBe(16);
    expect(await nb.value('width')).toBe(32);
    const seen: unknown[] = [];
    nb.observe('width', (v) => seen.push(v));
    await until(() => seen.length === 1, 'first width');
    await nb.set('hidden', 100);
    expect(await nb.value('width')).toBe(200);
    await until(() => seen.length === 2, 'second width');
    expect(seen).toEqual([32, 200]);
    const view = (await nb.value('viewof hidden')) as HeadlessView<number>;
    expect(view).toBeInstanceOf(HeadlessView);
    expect(view.value).toBe(100);
  });

  it('a bad value throws naming the parameter and allowed values, and changes nothing', async () => {
    const nb = open([...paramCells('hidden'), ...paramCells('augment')]);
    await nb.set('hidden', 64);
    await expect(nb.set('hidden', 0)).rejects.toThrow(/"hidden": allowed is an integer from 1 to 1024/);
    await expect(nb.set('hidden', 2.5)).rejects.toThrow(/hidden/);
    await expect(nb.set('hidden', '64')).rejects.toThrow(/hidden/);
    await expect(nb.set('augment', 'sideways')).rejects.toThrow(/"augment": allowed is one of crop, mild, none/);
    expect(await nb.value('hidden')).toBe(64);
    expect(await nb.value('augment')).toBe('crop');
  });

  it('an unknown parameter name is refused with the known ones', async () => {
    const nb = open(paramCells('hidden'));
    await expect(nb.set('hiden', 3)).rejects.toThrow(/unknown parameter "hiden"; known parameters: hidden/);
    await expect(nb.set('epochs', 3)).rejects.toThrow(/parameter "epochs" has no view cell/);
  });

  it('keeps one view per parameter even when it stops and starts being observed', async () => {
    const nb = open(paramCells('epochs'));
    const stop = nb.observe('epochs', () => {});
    const first = await nb.value('viewof epochs');
    await nb.set('epochs', 7);
    stop();
    await nextFrame();
    const again: unknown[] = [];
    nb.observe('epochs', (v) => again.push(v));
    await until(() => again.length === 1, 'epochs again');
    expect(again).toEqual([7]);
    expect(await nb.value('viewof epochs')).toBe(first);
  });

  it('set, value and observe work detached from the notebook object (window.ziffern)', async () => {
    const { set, value, observe } = open(paramCells('layers'));
    const seen: unknown[] = [];
    observe('layers', (v) => seen.push(v));
    await set('layers', 3);
    expect(await value('layers')).toBe(3);
    await until(() => seen.includes(3), 'observer to see 3');
  });

  it('an input event from the view itself (a control) updates the cell like set()', async () => {
    const nb = open(paramCells('lr'));
    const seen: unknown[] = [];
    nb.observe('lr', (v) => seen.push(v));
    await until(() => seen.length === 1, 'lr');
    const view = (await nb.value('viewof lr')) as HeadlessView<number>;
    view.value = 0.5;
    view.dispatchEvent(new Event('input'));
    await until(() => seen.length === 2, 'lr after input');
    expect(seen).toEqual([0.25, 0.5]);
  });
});

describe('errors', () => {
  it('an error reaches dependants as a rejection and fixing the input recovers', async () => {
    const nb = open([
      ...paramCells('hidden'),
      {
        name: 'checked',
        inputs: ['hidden'],
        define: (h: number) => {
          if (h > 100) throw new Error(`too wide: ${h}`);
          return h;
        },
      },
      { name: 'dependant', inputs: ['checked'], define: (c: number) => c + 1 },
    ]);
    const seen: { value?: unknown; error?: string }[] = [];
    nb.observe('dependant', (value, error) => seen.push(error ? { error: error.message } : { value }));
    await until(() => seen.length === 1, 'initial (error)');
    expect(seen[0]).toEqual({ error: 'too wide: 256' });
    await expect(nb.value('dependant')).rejects.toThrow('too wide: 256');
    await nb.set('hidden', 10);
    expect(await nb.value('dependant')).toBe(11);
    await until(() => seen.length === 2, 'recovered');
    expect(seen[1]).toEqual({ value: 11 });
  });

  it('a rejected promise and a throwing generator propagate too', async () => {
    const nb = open([
      { name: 'rejects', inputs: [], define: () => Promise.reject(new Error('no data')) },
      { name: 'usesRejects', inputs: ['rejects'], define: (r: unknown) => r },
      {
        name: 'breaks',
        inputs: [],
        define: function* () {
          yield 1;
          throw new Error('broke after one');
        },
      },
      { name: 'usesBreaks', inputs: ['breaks'], define: (b: number) => b * 10 },
    ]);
    await expect(nb.value('usesRejects')).rejects.toThrow('no data');
    const seen: { value?: unknown; error?: string }[] = [];
    nb.observe('usesBreaks', (value, error) => seen.push(error ? { error: error.message } : { value }));
    await until(() => seen.length === 2, 'value then error');
    expect(seen).toEqual([{ value: 10 }, { error: 'broke after one' }]);
  });
});

describe('cancellation', () => {
  it('redefining an input stops the running long cell within one step; exactly one new run proceeds', async () => {
    const STEPS = 10_000;
    const runs: { seed: number; steps: number; sawAbort: boolean; finished: boolean }[] = [];
    const nb = open([
      ...paramCells('seed'),
      {
        name: 'long',
        inputs: ['seed', 'invalidation'],
        define: (seed: number, invalidation: Promise<void>) =>
          untilInvalidated(invalidation, async function* (signal) {
            const run = { seed, steps: 0, sawAbort: false, finished: false };
            runs.push(run);
            try {
              for (let step = 0; step < STEPS; step++) {
                if (signal.aborted) return;
                await new Promise<void>((resolve) => setImmediate(resolve));
                run.steps++;
                yield { seed, step };
              }
            } finally {
              run.finished = true;
              run.sawAbort = signal.aborted;
            }
          }),
      },
    ]);
    const seen: { seed: number; step: number }[] = [];
    nb.observe('long', (v, error) => {
      if (error) throw error;
      seen.push(v as { seed: number; step: number });
    });
    await until(() => seen.length >= 5, 'first run to make progress');
    await nb.set('seed', 2);
    await until(() => runs.length === 2 && runs[0].finished, 'old run to stop');
    const oldStepsAtStop = runs[0].steps;
    await until(() => runs[1].steps >= oldStepsAtStop + 20, 'new run to make progress');

    expect(runs.map((r) => r.seed)).toEqual([1, 2]);
    expect(runs[0].steps).toBe(oldStepsAtStop);
    expect(runs[0].steps).toBeLessThan(STEPS);
    // The old run saw its signal aborted when it ended (whether it stopped at the loop check or was closed at a yield).
    expect(runs[0].sawAbort).toBe(true);
    expect(runs[1].sawAbort).toBe(false);
    const afterSwitch = seen.slice(seen.findIndex((v) => v.seed === 2));
    expect(afterSwitch.every((v) => v.seed === 2)).toBe(true);
    expect(afterSwitch.map((v) => v.step)).toEqual(afterSwitch.map((_, i) => i));

    nb.dispose();
    notebook = null;
    await until(() => runs[1].finished, 'second run to stop on dispose');
    expect(runs[1].steps).toBeLessThan(STEPS);
    expect(runs[1].sawAbort).toBe(true);
    expect(runs.length).toBe(2);
  });

  it('the abort is seen inside a step that is already running', async () => {
    let resolveStep: () => void = () => {};
    const observed: string[] = [];
    const nb = open([
      ...paramCells('seed'),
      {
        name: 'slow',
        inputs: ['seed', 'invalidation'],
        define: (seed: number, invalidation: Promise<void>) =>
          untilInvalidated(invalidation, async function* (signal) {
            yield `start ${seed}`;
            await new Promise<void>((resolve) => (resolveStep = resolve));
            observed.push(`seed ${seed} aborted=${signal.aborted}`);
            if (!signal.aborted) yield `finished ${seed}`;
          }),
      },
    ]);
    const seen: unknown[] = [];
    nb.observe('slow', (v) => seen.push(v));
    await until(() => seen.length === 1, 'start');
    await nextFrame();
    const pendingStep = resolveStep;
    await nb.set('seed', 5);
    pendingStep();
    await until(() => observed.length === 1 && seen.includes('start 5'), 'old step to end');
    expect(observed[0]).toBe('seed 1 aborted=true');
    expect(seen).not.toContain('finished 1');
  });
});
