import { describe, expect, it } from 'vitest';
import { parseArgs, parseSet, usage, UsageError } from '../../lib/cli/args';
import { PARAMS } from '../../lib/params';

describe('parseArgs', () => {
  it('reads run with sets, --json and --report (both spellings)', () => {
    expect(parseArgs(['run', '--set', 'hidden=16', '--set=epochs=2', '--json', '--report', 'out.json'])).toEqual({
      command: 'run',
      mode: 'train',
      sets: [{ name: 'hidden', value: 16 }, { name: 'epochs', value: 2 }],
      json: true,
      reportPath: 'out.json',
      loadPath: null,
      continueTraining: false,
    });
    expect(parseArgs(['run', '--report=r.json'])).toMatchObject({ reportPath: 'r.json', json: false, sets: [] });
  });

  it('parses values by parameter kind', () => {
    expect(parseSet('augment=none')).toEqual({ name: 'augment', value: 'none' });
    expect(parseSet('preprocess=false')).toEqual({ name: 'preprocess', value: false });
    expect(parseSet('lr=1e-2')).toEqual({ name: 'lr', value: 0.01 });
  });

  it('help', () => {
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['run', '--help'])).toEqual({ command: 'help' });
    for (const p of PARAMS) expect(usage()).toContain(p.name);
  });

  it('bad input is a UsageError naming what is wrong and what is allowed', () => {
    const fails = (argv: string[], message: RegExp) => {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(message);
    };
    fails(['train'], /unknown command "train"; commands: run/);
    fails(['run', '--set', 'hiden=3'], /unknown parameter "hiden"; known parameters: preset, backend, hidden/);
    fails(['run', '--set', 'hidden=abc'], /invalid value "abc" for "hidden": allowed is an integer from 1 to 1024/);
    fails(['run', '--set', 'augment=rotate'], /"augment": allowed is one of crop, mild, none/);
    fails(['run', '--set', 'lr=0'], /"lr": allowed is a number greater than 0/);
    fails(['run', '--set', 'hidden'], /--set expects name=value, got "hidden"/);
    fails(['run', '--set'], /--set needs name=value/);
    fails(['run', '--verbose'], /unknown option "--verbose"/);
    fails(['run', '--json=yes'], /--json takes no value/);
  });
});
