/** The `preset` parameter (lib/presets.ts): its values, the match, and that a preset goes first in links and on the command line. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../lib/cli/args';
import { defaultParams, parseParam, validateParam } from '../../lib/params';
import { PRESET_PARAMS, presetChanges, presetMatch, PRESETS, presetValues } from '../../lib/presets';
import { paramsFromSearch } from '../../lib/state/url';

describe('presets', () => {
  it('tutorial is every default (the seed\'s settings); recommended keeps the chip rules and mock defaults', () => {
    const defaults = defaultParams();
    for (const name of PRESET_PARAMS) expect(PRESETS.tutorial[name], name).toEqual(defaults[name]);
    expect(defaults.preset).toBe('tutorial');
    const r = presetValues('recommended');
    expect(r).toMatchObject({ backend: 'mock', noise: 2, gain: 0.002, mockSource: 'defaults', shift: 1, trainSize: 60000, labelNoise: 0, augment: 'none' });
    expect(r.conv as number).toBeGreaterThan(0);
    expect(r.epochs as number).toBeLessThanOrEqual(10);
  });

  it('is a parameter like any other: parsed and validated strictly, bad values named', () => {
    expect(parseParam('preset', 'recommended')).toBe('recommended');
    expect(() => validateParam('preset', 'best')).toThrow(/invalid value "best" for "preset": allowed is one of tutorial, recommended/);
    expect(() => presetValues('best')).toThrow(/unknown preset "best"; allowed are tutorial, recommended/);
  });

  it('matches while the named values are the preset\'s, and lists what changed afterwards', () => {
    const values = { ...presetValues('recommended') };
    expect(presetMatch('recommended', values)).toEqual({ preset: 'recommended', matches: true, changed: [] });
    expect(presetMatch('tutorial', values).matches).toBe(false);
    values.epochs = 3;
    values.hidden = 64;
    expect(presetMatch('recommended', values)).toEqual({ preset: 'recommended', matches: false, changed: ['hidden', 'epochs'] });
    // what choosing a preset changes: only the values that differ
    expect(presetChanges('recommended', values)).toEqual([{ name: 'hidden', value: presetValues('recommended').hidden }, { name: 'epochs', value: presetValues('recommended').epochs }]);
    expect(presetChanges('tutorial', defaultParams())).toEqual([]);
  });

  it('goes first in an address and on the command line, so the other values given there win', () => {
    const { values } = paramsFromSearch('?epochs=5&preset=recommended&hidden=64');
    expect(Object.keys(values)).toEqual(['preset', 'epochs', 'hidden']);
    const command = parseArgs(['run', '--set', 'epochs=5', '--set', 'preset=recommended', '--set', 'hidden=64']);
    expect(command.command === 'run' && command.sets.map((s) => s.name)).toEqual(['preset', 'epochs', 'hidden']);
  });
});
