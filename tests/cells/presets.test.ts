/** The preset in the notebook (Node host): set('preset') sets the named parameters through their views; presetMatch follows. */
import { afterEach, describe, expect, it } from 'vitest';
import { notebookCells } from '../../cells/index';
import { createNodeHost } from '../../lib/host/node';
import { defaultParams } from '../../lib/params';
import { PRESET_PARAMS, presetValues } from '../../lib/presets';
import { createNotebook, type Notebook } from '../../lib/runtime/notebook';

let notebook: Notebook | null = null;
afterEach(() => {
  notebook?.dispose();
  notebook = null;
});

describe('the preset parameter in the notebook', () => {
  it('sets the values it names, shows when one is changed afterwards, and goes back', async () => {
    notebook = createNotebook(notebookCells, createNodeHost());
    expect(await notebook.value('presetMatch')).toEqual({ preset: 'tutorial', matches: true, changed: [] });
    await notebook.set('preset', 'recommended');
    const recommended = presetValues('recommended');
    for (const name of PRESET_PARAMS) expect(await notebook.value(name), name).toEqual(recommended[name]);
    expect(await notebook.value('seed')).toBe(1); // not named by the preset: left alone
    expect(await notebook.value('presetMatch')).toEqual({ preset: 'recommended', matches: true, changed: [] });
    const config = await notebook.value('modelConfig');
    expect(config).toMatchObject({ conv: recommended.conv, convKernel: recommended.convKernel, convStride: recommended.convStride, hidden: recommended.hidden });

    await notebook.set('epochs', 3);
    expect(await notebook.value('presetMatch')).toEqual({ preset: 'recommended', matches: false, changed: ['epochs'] });
    const status = await notebook.value('presetMatch');
    expect(status).toMatchObject({ matches: false });

    await notebook.set('preset', 'tutorial');
    const defaults = defaultParams();
    for (const name of PRESET_PARAMS) expect(await notebook.value(name), name).toEqual(defaults[name]);
    expect(await notebook.value('modelConfig')).toEqual({ hidden: 256, layers: 2, shift: 1 });
  });
});
