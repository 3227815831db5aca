// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';
import { input } from '../../lib/runtime/generators';
import { paramCells, testHost, until } from './helpers';

let notebook: Notebook | null = null;
afterEach(() => notebook?.dispose());

describe('mount', () => {
  it('renders DOM values, text values and errors into the element, with data-cell', async () => {
    notebook = createNotebook(
      [
        ...paramCells('hidden'),
        { name: 'label', inputs: ['hidden'], define: (h: number) => `${h} neurons` },
        {
          name: 'box',
          inputs: ['hidden'],
          define: (h: number) => {
            const div = document.createElement('div');
            div.className = 'box';
            div.textContent = String(h);
            return div;
          },
        },
        {
          name: 'failing',
          inputs: ['hidden'],
          define: (h: number) => {
            if (h < 100) throw new Error(`too few: ${h}`);
            return h;
          },
        },
      ],
      testHost(),
    );
    const label = document.createElement('span');
    const box = document.createElement('section');
    const failing = document.createElement('p');
    notebook.mount('label', label);
    notebook.mount('box', box);
    notebook.mount('failing', failing);
    expect(label.getAttribute('data-cell')).toBe('label');
    await until(() => label.textContent === '256 neurons' && box.querySelector('.box') !== null, 'first render');
    expect(box.querySelector('.box')!.textContent).toBe('256');
    expect(failing.getAttribute('data-status')).toBe('fulfilled');
    await notebook.set('hidden', 10);
    await until(() => failing.getAttribute('data-status') === 'error', 'error render');
    expect(failing.textContent).toBe('too few: 10');
    await until(() => label.textContent === '10 neurons', 'second render');
    expect(box.querySelectorAll('.box').length).toBe(1);
  });

  it('set() drives a DOM control (typed .value, like Inputs) with an input event of its own realm', async () => {
    // A control as lib/ui builds them: an element whose .value is the typed parameter value.
    const control = Object.assign(document.createElement('form'), { value: 60000 }) as HTMLFormElement & { value: number };
    const host = { ...testHost(), kind: 'browser' as const, view: () => control };
    notebook = createNotebook(
      [
        { name: 'viewof trainSize', inputs: ['host'], define: (host: { view(): unknown }) => host.view(), view: 'trainSize' },
        { name: 'trainSize', inputs: ['viewof trainSize'], define: (view: typeof control) => input(view) },
      ],
      host,
    );
    const events: Event[] = [];
    control.addEventListener('input', (event) => events.push(event));
    expect(await notebook.value('trainSize')).toBe(60000);
    await notebook.set('trainSize', 600);
    expect(events.length).toBe(1);
    expect(events[0]).toBeInstanceOf(window.Event);
    expect(events[0].bubbles).toBe(true);
    expect(control.value).toBe(600);
    expect(await notebook.value('trainSize')).toBe(600);
  });
});
