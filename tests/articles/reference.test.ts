/**
 * The cell reference (dist/cells.html) is generated from the cells: every cell of the notebook is listed with
 * its inputs as defined, a type read by TypeScript, and what it holds where someone wrote it down.
 */
import { describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { cellReference, referencePage } from '../../notebook/articles/reference';

describe('cell reference', () => {
  it('lists every cell with its inputs and type, and renders them as a page', async () => {
    const reference = await cellReference({ cache: false }); // read by TypeScript now, not from .cache
    expect(reference.map((cell) => cell.name)).toEqual(notebookCells.map((cell) => cell.name));
    for (const cell of reference) {
      expect(cell.inputs, cell.name).toEqual(notebookCells.find((c) => c.name === cell.name)!.inputs);
      expect(cell.type, cell.name).not.toBe('');
      expect(cell.type, cell.name).not.toBe('unknown');
      expect(cell.doc, `${cell.name} has no doc (CellSpec.doc or a comment above it)`).not.toBe('');
    }
    const byName = new Map(reference.map((cell) => [cell.name, cell]));
    // Read from the code, not written here: a generator's yield, a promise's value, a parameter's range.
    expect(byName.get('training')!.type).toBe('TrainProgress');
    expect(byName.get('testAccuracy')!.type).toMatch(/number/);
    expect(byName.get('hidden')!.type).toBe('number (integer 1–1024)');
    expect(byName.get('hidden')!.doc).toMatch(/^Hidden neurons per layer: /);
    expect(byName.get('testAccuracy')!.doc).toMatch(/^Test accuracy/);
    const page = referencePage(reference);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<th scope="row"><code>testAccuracy</code></th>');
    expect(page.match(/<tr id=/g)!.length).toBe(notebookCells.length);
  }, 120_000);
});
