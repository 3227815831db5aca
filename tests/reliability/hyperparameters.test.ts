// @vitest-environment jsdom
/**
 * Bad hyperparameters from every entry point — control (typed text and `.value`), URL, `set()`, CLI `--set` —
 * are refused with a message naming the parameter and what is allowed, and the notebook keeps its last good
 * state. The page's own URL handling is checked in page.browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';
import { describeAllowed, paramSpec } from '../../lib/params';
import { HeadlessView } from '../../lib/runtime/headless-view';
import type { Host } from '../../lib/runtime/host';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { paramsFromSearch } from '../../lib/state/url';
import { allowedText, control } from '../../lib/ui/controls';
import { BAD_PARAMS, GOOD_VALUE, refusalPattern } from './badParams';

/** Parameters and model only: data and training are not reached by these tests and refuse loudly. */
function parameterHost(): Host {
  return {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset: () => Promise.reject(new Error('parameterHost has no dataset')),
    tfBackend: () => Promise.resolve('none'),
    runTraining: () => {
      throw new Error('parameterHost does not train');
    },
  };
}

const caseName = (c: (typeof BAD_PARAMS)[number]) => `${c.name}=${c.raw}`;

describe('bad hyperparameters: the control', () => {
  it.each(BAD_PARAMS.map((c) => [caseName(c), c] as const))('%s: typed text is held back with a note, .value assignment throws', (_label, c) => {
    const spec = paramSpec(c.name);
    const el = control(spec, GOOD_VALUE[c.name]);
    document.body.append(el);
    try {
      const emitted: unknown[] = [];
      el.addEventListener('input', () => emitted.push(el.value));
      const textField = el.querySelector<HTMLInputElement>('input[type=number]');
      if (textField) {
        textField.value = c.raw;
        textField.dispatchEvent(new Event('input', { bubbles: true }));
        const note = el.querySelector<HTMLElement>('.zf-note')!;
        // A number field cannot hold "NaN" or "Infinity": the DOM empties it, so there is nothing to explain.
        if (textField.value !== '') {
          expect(note.hidden).toBe(false);
          expect(note.textContent).toContain(allowedText(spec, 'en'));
        }
        expect(emitted).toEqual([]);
      }
      expect(() => (el.value = c.value)).toThrow(refusalPattern(c.name));
      expect(el.value).toBe(GOOD_VALUE[c.name]);
    } finally {
      el.remove();
    }
  });
});

describe('bad hyperparameters: the URL', () => {
  it.each(BAD_PARAMS.map((c) => [caseName(c), c] as const))('%s is rejected with a reason and not applied', (_label, c) => {
    const { values, rejected } = paramsFromSearch(`?${c.name}=${encodeURIComponent(c.raw)}&seed=7`);
    expect(values).toEqual({ seed: 7 });
    expect(rejected).toHaveLength(1);
    expect(rejected[0].name).toBe(c.name);
    expect(rejected[0].reason).toMatch(refusalPattern(c.name));
    expect(rejected[0].reason).toContain(describeAllowed(paramSpec(c.name)));
  });
});

describe('bad hyperparameters: notebook.set()', () => {
  let notebook: Notebook;
  /** Every value the dependant cell `modelConfig` took, kept computed by observing it. */
  const configs: unknown[] = [];
  beforeAll(() => {
    notebook = createNotebook(notebookCells, parameterHost());
    notebook.observe('modelConfig', (value) => configs.push(value));
  });
  afterAll(() => notebook.dispose());

  it.each(BAD_PARAMS.map((c) => [caseName(c), c] as const))('%s rejects; the parameter and its dependants keep the last good value', async (_label, c) => {
    const good = GOOD_VALUE[c.name];
    await notebook.set(c.name, good);
    await notebook.value('modelConfig');
    const seenBefore = configs.length;
    await expect(notebook.set(c.name, c.value)).rejects.toThrow(refusalPattern(c.name));
    expect(await notebook.value(c.name)).toBe(good);
    await notebook.value('modelConfig');
    expect(configs.length).toBe(seenBefore); // nothing downstream recomputed
  });

  it('the text form of a value ("64") is refused by set(), which takes typed values', async () => {
    await expect(notebook.set('hidden', '64')).rejects.toThrow(refusalPattern('hidden'));
  });
});

describe('bad hyperparameters: the CLI --set', () => {
  it.each(BAD_PARAMS.map((c) => [caseName(c), c] as const))('%s is a usage error naming the parameter (exit 2, nothing trained)', async (_label, c) => {
    expect(() => parseArgs(['run', '--set', `${c.name}=${c.raw}`])).toThrow(UsageError);
    const out: string[] = [];
    const err: string[] = [];
    const host = parameterHost();
    const code = await main(['run', '--set', `${c.name}=${c.raw}`], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, host);
    expect(code).toBe(2);
    expect(err.join('')).toMatch(refusalPattern(c.name));
    expect(out.join('')).toBe('');
  });
});
