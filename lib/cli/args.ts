/**
 * Command-line parsing for `ziffern`, separate from running so it can be tested without training.
 *
 * This is the one place that knows which settings apply to which command and mode; everything it lets
 * through is used, everything else is refused here (exit 2) before any data is loaded or trained:
 *   run                      every training parameter (not preprocess, not sweepWidths)
 *   run --load m.json        evaluates the loaded model: only seed (the evaluation's noise) and, for a chip model,
 *                            chipId and calibration; backend/hidden/layers/shift only with the file's own values
 *   run --load m --continue  trains the loaded model further: every training parameter, the architecture as in the file
 *   sweep                    every training parameter; `hidden=a,b,c` (or sweepWidths) are the widths
 */
import { describeAllowed, PARAMS, parseParam, type ParamName, type ParamValues } from '../params';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type ParamSet = { name: ParamName; value: ParamValues[ParamName] };

/** What `ziffern run` does: train a new model, evaluate a loaded one, or train a loaded one further. */
export type RunMode = 'train' | 'evaluate' | 'continue';

export interface RunCommand {
  command: 'run';
  mode: RunMode;
  /** In the order given (a `preset` first); a later --set of the same name wins. */
  sets: ParamSet[];
  json: boolean;
  reportPath: string | null;
  /** A model file to evaluate (or, with --continue, to train further) instead of a fresh model. */
  loadPath: string | null;
  continueTraining: boolean;
}
/** `ziffern sweep`: one training per hidden width (`--set hidden=8,32,128` sets the widths). */
export interface SweepCommand {
  command: 'sweep';
  sets: ParamSet[];
  json: boolean;
  reportPath: string | null;
}
export type Command = RunCommand | SweepCommand | { command: 'help' };

const COMMANDS = ['run', 'sweep'] as const;

/** Parameters that fix a model's shape: with --load they must equal the file's (checked once it is read). */
export const ARCHITECTURE_PARAMS: readonly ParamName[] = ['backend', 'hidden', 'layers', 'shift'];
/** What `run --load` without --continue still reads: the evaluation's noise seed, and the emulated chip of a chip model. */
const EVALUATION_PARAMS: readonly ParamName[] = ['seed', 'chipId', 'calibration'];
/** Settings of the emulated chip: they matter to a chip model (or to mockSource=measured when training). */
export const CHIP_PARAMS: readonly ParamName[] = ['chipId', 'calibration'];

/** Why `name` does not apply to this command and mode, or null if it does. */
function notApplicable(name: ParamName, command: 'run' | 'sweep', mode: RunMode = 'train'): string | null {
  if (name === 'preprocess') return `--set preprocess only changes how the page centres digits drawn on its canvas; ziffern ${command} draws nothing`;
  if (command === 'run' && name === 'sweepWidths') return '--set sweepWidths is the list of widths of "ziffern sweep"; ziffern run trains one width (--set hidden=…)';
  if (command === 'run' && mode === 'evaluate' && !EVALUATION_PARAMS.includes(name) && !ARCHITECTURE_PARAMS.includes(name)) {
    return `--set ${name} changes training, but "ziffern run --load" without --continue only evaluates the loaded model ` +
      '(settings it reads: seed, and chipId/calibration for a chip model). Add --continue to train the loaded model further ' +
      `with ${name}, or leave out --set ${name}`;
  }
  return null;
}

export function usage(): string {
  const params = PARAMS.map((p) => `  ${p.name.padEnd(12)} ${describeAllowed(p)} (default ${String(p.default)})`).join('\n');
  return `Usage: ziffern run [--set name=value]… [--load model.json [--continue]] [--json] [--report out.json]
       ziffern sweep [--set hidden=8,32,128] [--set name=value]… [--json] [--report out.json]
       ziffern --help

Runs the ziffern notebook headless in Node: loads MNIST, builds the hagen-mode model and trains it,
exactly as the page does with the same parameters.

run     trains one model and prints accuracy per epoch.
run --load model.json
        evaluates a saved model file (the page's "Save model" writes them) on the test set, with the
        parameters stored in the file; nothing is trained. Only --set seed (the evaluation's noise) and,
        for a model of backend chip, --set chipId / calibration apply; other settings are refused.
        A chip model runs on the emulated chip (software; no hardware is attached).
run --load model.json --continue
        trains the loaded model further; every training setting applies, the architecture
        (backend, hidden, layers, shift) stays the file's.
sweep   the capacity sweep: trains one model per hidden width (one after the other) and prints
        train/test accuracy and loss per width; --set hidden=a,b,c (or sweepWidths=a,b,c) picks the widths.

Options:
  --set name=value   set a parameter (repeatable)
  --load file        run: evaluate a saved model file (see above)
  --continue         run with --load: train further from the loaded weights
  --json             JSON lines on stdout (run: one per epoch; sweep: one per finished width), then a summary
  --report file      write a JSON report (parameters, results, timing) to file; checked before anything runs
                     (its folder must be writable, it may not be the --load file), written whole or not at all
  -h, --help         show this help

Exit codes: 0 done, 1 failed, 2 usage error (bad option, parameter, value or file),
130 / 143 stopped by Ctrl-C (SIGINT) / SIGTERM: the training stops and no report is written.

Parameters:
${params}
`;
}

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'sweep') {
    throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.join(', ')} (see ziffern --help)`);
  }
  const sets: ParamSet[] = [];
  let json = false;
  let reportPath: string | null = null;
  let loadPath: string | null = null;
  let continueTraining = false;
  const options = command === 'run' ? '--set name=value, --load file, --continue, --json, --report file, --help' : '--set name=value, --json, --report file, --help';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = (what: string): string => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs ${what}`);
      // "--report --load x" would otherwise write the report to a file named "--load" and lose the option.
      if (next.startsWith('-') && next.length > 1) {
        throw new UsageError(`${flag} needs ${what}, but the next argument is the option "${next}"` +
          (what === 'a file name' ? ` (for a file whose name starts with "-", write ./${next})` : ''));
      }
      return next;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    const fileName = (current: string | null): string => {
      if (current !== null) throw new UsageError(`${flag} given twice ("${current}" and another); give it once`);
      const value = takeValue('a file name');
      if (value === '') throw new UsageError(`${flag} needs a file name`);
      return value;
    };
    switch (flag) {
      case '--set':
        sets.push(command === 'sweep' ? parseSweepSet(takeValue('name=value')) : parseSet(takeValue('name=value')));
        break;
      case '--json':
        noValue();
        json = true;
        break;
      case '--report':
        reportPath = fileName(reportPath);
        break;
      case '--load':
        if (command !== 'run') throw new UsageError(`--load belongs to "ziffern run"; options of ${command}: ${options}`);
        loadPath = fileName(loadPath);
        break;
      case '--continue':
        if (command !== 'run') throw new UsageError(`--continue belongs to "ziffern run --load"; options of ${command}: ${options}`);
        noValue();
        continueTraining = true;
        break;
      default:
        throw new UsageError(`unknown option "${arg}"; options: ${options}`);
    }
  }
  // A preset sets several parameters: it goes first, so the other --set values win (lib/presets.ts).
  sets.sort((a, b) => Number(b.name === 'preset') - Number(a.name === 'preset'));
  if (command === 'sweep') {
    for (const { name } of sets) {
      const why = notApplicable(name, 'sweep');
      if (why) throw new UsageError(why);
    }
    return { command, sets, json, reportPath };
  }
  if (continueTraining && loadPath === null) throw new UsageError('--continue needs --load model.json (the model to continue from)');
  const mode: RunMode = loadPath === null ? 'train' : continueTraining ? 'continue' : 'evaluate';
  for (const { name } of sets) {
    const why = notApplicable(name, 'run', mode);
    if (why) throw new UsageError(why);
  }
  return { command, mode, sets, json, reportPath, loadPath, continueTraining };
}

/**
 * `--set` for the sweep: `hidden` takes the list of widths (`hidden=8,32,128`, the same as
 * `sweepWidths=8,32,128`); every other parameter as for run.
 */
function parseSweepSet(text: string): ParamSet {
  const eq = text.indexOf('=');
  if (eq > 0 && text.slice(0, eq).trim() === 'hidden') {
    try {
      return { name: 'sweepWidths', value: parseParam('sweepWidths', text.slice(eq + 1)) };
    } catch (error) {
      throw new UsageError(`--set hidden: in a sweep, hidden is the list of widths: ${(error as Error).message.replace('"sweepWidths"', '"hidden"')}`);
    }
  }
  return parseSet(text);
}

/** `name=value` → a validated parameter value (-0 is 0); errors name the parameter and what is allowed. */
export function parseSet(text: string): ParamSet {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects name=value, got "${text}"`);
  const name = text.slice(0, eq).trim();
  try {
    const value = parseParam(name, text.slice(eq + 1));
    // "-0" parses to -0, which prints as 0 but is not the same setting to Object.is (precomputed and loaded runs).
    return { name: name as ParamName, value: typeof value === 'number' && value === 0 ? 0 : value };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
