// @vitest-environment jsdom
/** How a mounted cell shows a failure (lib/ui/renderCell.ts): the message; on a German page after a German sentence, marked English. */
import { describe, expect, it } from 'vitest';
import { renderCell } from '../../lib/ui/renderCell';

describe('renderCell', () => {
  it('shows a failure as its message, marked as English after a German sentence on a German page', () => {
    const en = document.createElement('div');
    renderCell(en, undefined, new Error('cannot load data/mnist-test.bin.gz: HTTP 404'));
    expect(en.getAttribute('data-status')).toBe('error');
    expect(en.textContent).toBe('cannot load data/mnist-test.bin.gz: HTTP 404');
    const page = document.createElement('section');
    page.lang = 'de';
    const de = page.appendChild(document.createElement('div'));
    renderCell(de, undefined, new Error('cannot load data/mnist-test.bin.gz: HTTP 404'));
    expect(de.textContent).toBe('Das hat nicht geklappt. Die Meldung (englisch): cannot load data/mnist-test.bin.gz: HTTP 404');
    expect(de.querySelector('[lang="en"]')!.textContent).toBe('cannot load data/mnist-test.bin.gz: HTTP 404');
    renderCell(de, 'wieder da');
    expect(de.textContent).toBe('wieder da');
    expect(de.getAttribute('data-status')).toBe('fulfilled');
  });
});
