// @vitest-environment jsdom
/**
 * Author cells (issue 13): define() adds a cell over ziffern's, checked like ziffern's; errors stay in the cell
 * and its dependants; generators are stopped when their inputs change; data shows with the Inspector.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { paramCells, testHost, until } from './helpers';

let notebook: Notebook | null = null;

/** Wait up to `ms` of wall time (generators yield once per animation frame). */
async function within(ms: number, condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
afterEach(() => notebook?.dispose());

function small(): Notebook {
  return createNotebook(
    [
      ...paramCells('hidden'),
      { name: 'double', inputs: ['hidden'], define: (h: number) => 2 * h },
      { name: 'history', inputs: ['hidden'], define: (h: number) => [{ epoch: 1, testAccuracy: 0.9, hidden: h }] },
    ],
    testHost(),
  );
}

describe('define (author cells)', () => {
  it('adds a cell that reads ziffern cells and parameters and follows them', async () => {
    notebook = small();
    notebook.define({ name: 'line', inputs: ['double', 'hidden'], define: (d: number, h: number) => `${h} neurons, doubled ${d}` });
    expect(notebook.names).toContain('line');
    expect(await notebook.value('line')).toBe('256 neurons, doubled 512');
    await notebook.set('hidden', 64);
    expect(await notebook.value('line')).toBe('64 neurons, doubled 128');
  });

  it('accepts a value, a promise, a generator and an async generator', async () => {
    notebook = small();
    notebook.define({ name: 'plain', inputs: [], define: () => 1 });
    notebook.define({ name: 'promised', inputs: ['hidden'], define: async (h: number) => h + 1 });
    notebook.define({ name: 'counted', inputs: [], define: function* () { yield 'a'; yield 'b'; } });
    notebook.define({ name: 'streamed', inputs: ['hidden'], define: async function* (h: number) { yield h; yield h * 10; } });
    const seen: Record<string, unknown[]> = { counted: [], streamed: [] };
    notebook.observe('counted', (value) => seen.counted.push(value));
    notebook.observe('streamed', (value) => seen.streamed.push(value));
    expect(await notebook.value('plain')).toBe(1);
    expect(await notebook.value('promised')).toBe(257);
    await until(() => seen.counted.includes('b') && seen.streamed.includes(2560), 'generator values');
    expect(seen.counted).toEqual(['a', 'b']);
    expect(seen.streamed).toEqual([256, 2560]);
  });

  it('never replaces a ziffern cell by accident; redefine does it on purpose', async () => {
    notebook = small();
    expect(() => notebook!.define({ name: 'double', inputs: [], define: () => 0 })).toThrow(
      /cell "double" is one of ziffern's cells; define\(\) only adds new cells\. To replace it on purpose, use redefine\("double"/,
    );
    notebook.define({ name: 'mine', inputs: [], define: () => 1 });
    expect(() => notebook!.define({ name: 'mine', inputs: [], define: () => 2 })).toThrow(/cell "mine" is already defined; use redefine/);
    notebook.redefine({ name: 'double', inputs: ['hidden'], define: (h: number) => 3 * h });
    expect(await notebook.value('double')).toBe(768);
  });

  it('refuses an unknown input or a cycle, naming the cell and the name; the notebook keeps working', async () => {
    notebook = small();
    expect(() => notebook!.define({ name: 'bad', inputs: ['hiden'], define: (h: number) => h })).toThrow(/cell "bad" has unknown input "hiden"/);
    expect(() => notebook!.define({ name: 'self', inputs: ['self'], define: (x: number) => x })).toThrow(/cycle: self → self/);
    notebook.define({ name: 'a', inputs: ['double'], define: (d: number) => d + 1 });
    expect(() => notebook!.redefine({ name: 'double', inputs: ['a'], define: (a: number) => a })).toThrow(/cycle: (double → a → double|a → double → a)/);
    expect(notebook.names).not.toContain('bad');
    expect(notebook.names).not.toContain('self');
    expect(await notebook.value('a')).toBe(513);
  });

  it('waitForInputs: cells may come in any order; an unknown input shows in the cell until defined; a cycle shows', async () => {
    notebook = small();
    const later = document.createElement('div');
    const typo = document.createElement('div');
    notebook.define({ name: 'later', inputs: ['earlier'], define: (e: number) => e + 1 }, { waitForInputs: true });
    notebook.define({ name: 'typo', inputs: ['hiden'], define: (h: number) => h }, { waitForInputs: true });
    notebook.mount('later', later);
    notebook.mount('typo', typo);
    await until(() => later.getAttribute('data-status') === 'error' && typo.getAttribute('data-status') === 'error', 'refusals shown');
    expect(later.textContent).toBe('cell "later" has unknown input "earlier"; inputs must be cells or builtins (host, invalidation)');
    notebook.define({ name: 'earlier', inputs: ['double'], define: (d: number) => d }, { waitForInputs: true });
    await until(() => later.textContent === '513', 'admitted once its input exists');
    expect(typo.textContent).toMatch(/cell "typo" has unknown input "hiden"/);
    // A cycle formed through a waiting cell shows in the cells that form it.
    const a = document.createElement('div');
    notebook.define({ name: 'a', inputs: ['b'], define: (b: number) => b }, { waitForInputs: true });
    notebook.define({ name: 'b', inputs: ['a'], define: (x: number) => x }, { waitForInputs: true });
    notebook.mount('a', a);
    await until(() => /cycle: a → b → a/.test(a.textContent ?? ''), 'cycle shown');
    expect(await notebook.value('later')).toBe(513);
  });

  it('an error thrown in an author cell shows in it and its dependants, never elsewhere', async () => {
    notebook = small();
    notebook.define({ name: 'thrower', inputs: ['hidden'], define: (h: number) => { throw new Error(`no ${h}`); } });
    notebook.define({ name: 'after', inputs: ['thrower'], define: (t: unknown) => t });
    notebook.define({ name: 'fine', inputs: ['hidden'], define: (h: number) => h + 1 });
    const thrower = document.createElement('div');
    const after = document.createElement('div');
    const fine = document.createElement('div');
    notebook.mount('thrower', thrower);
    notebook.mount('after', after);
    notebook.mount('fine', fine);
    await until(() => thrower.getAttribute('data-status') === 'error' && after.getAttribute('data-status') === 'error' && fine.textContent === '257', 'renders');
    expect(thrower.textContent).toBe('no 256');
    expect(after.textContent).toBe('no 256');
    await notebook.set('hidden', 8);
    await until(() => fine.textContent === '9' && thrower.textContent === 'no 8', 'after set');
  });

  it('a generator author cell is stopped (return and invalidation) when its inputs change', async () => {
    notebook = small();
    const log: string[] = [];
    notebook.define({
      name: 'ticker',
      inputs: ['hidden', 'invalidation'],
      define: async function* (h: number, invalidation: Promise<void>) {
        let stopped = false;
        invalidation.then(() => { stopped = true; log.push(`invalidated ${h}`); });
        try {
          for (let i = 0; !stopped; i++) {
            yield `${h}:${i}`;
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        } finally {
          log.push(`finally ${h}`);
        }
      },
    });
    const values: unknown[] = [];
    notebook.observe('ticker', (value) => values.push(value));
    await within(5000, () => values.includes('256:2'), 'first generator runs');
    await notebook.set('hidden', 32);
    await within(5000, () => values.includes('32:2'), 'second generator runs');
    await within(5000, () => log.includes('finally 256'), 'first generator ended');
    expect(log).toContain('invalidated 256');
    // Nothing from the first generator after the second one started.
    const firstOfSecond = values.indexOf('32:0');
    expect(values.slice(firstOfSecond).filter((v) => String(v).startsWith('256:'))).toEqual([]);
  });

  it('mount() shows data with the Inspector (expandable), strings as text, DOM as itself', async () => {
    notebook = small();
    const history = document.createElement('div');
    const hidden = document.createElement('div');
    notebook.mount('history', history);
    notebook.mount('hidden', hidden);
    await until(() => history.querySelector('.observablehq--inspect') !== null && hidden.textContent === '256', 'inspector render');
    expect(history.querySelector('.zf-inspect.observablehq')).not.toBeNull();
    expect(history.textContent).toMatch(/Array\(1\)/);
    expect(hidden.querySelector('.observablehq--number')?.textContent).toBe('256');
    expect(document.getElementById('zf-inspector-styles')).not.toBeNull();
  });
});
