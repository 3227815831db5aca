/** Command-line parsing for `ziffern`, separate from running so it can be tested without training. */
import { describeAllowed, PARAMS, parseParam, type ParamName, type ParamValues } from '../params';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunCommand {
  command: 'run';
  /** In the order given (a `preset` first); a later --set of the same name wins. */
  sets: { name: ParamName; value: ParamValues[ParamName] }[];
  json: boolean;
  reportPath: string | null;
  /** A model file to evaluate (or, with --continue, to train further) instead of a fresh model. */
  loadPath: string | null;
  continueTraining: boolean;
}
/** `ziffern sweep`: one training per hidden width (`--set hidden=8,32,128` sets the widths). */
export interface SweepCommand {
  command: 'sweep';
  sets: { name: ParamName; value: ParamValues[ParamName] }[];
  json: boolean;
  reportPath: string | null;
}
export type Command = RunCommand | SweepCommand | { command: 'help' };

export const COMMANDS = ['run', 'sweep'] as const;

export function usage(): string {
  const params = PARAMS.map((p) => `  ${p.name.padEnd(12)} ${describeAllowed(p)} (default ${String(p.default)})`).join('\n');
  return `Usage: ziffern run [--set name=value]… [--load model.json [--continue]] [--json] [--report out.json]
       ziffern sweep [--set hidden=8,32,128] [--set name=value]… [--json] [--report out.json]
       ziffern --help

Runs the ziffern notebook headless in Node: loads MNIST, builds the hagen-mode model and trains it,
exactly as the page does with the same parameters.

run     trains one model and prints accuracy per epoch.
sweep   the capacity sweep: trains one model per hidden width (one after the other) and prints
        train/test accuracy and loss per width; --set hidden=a,b,c (or sweepWidths=a,b,c) picks the widths.

Options:
  --set name=value   set a parameter (repeatable)
  --load file        run: evaluate a saved model file (its parameters apply; --set may change the others)
  --continue         run with --load: train further from the loaded weights
  --json             JSON lines on stdout (run: one per epoch; sweep: one per finished width), then a summary
  --report file      write a JSON report (parameters, results, timing) to file
  -h, --help         show this help

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
  const sets: RunCommand['sets'] = [];
  let json = false;
  let reportPath: string | null = null;
  let loadPath: string | null = null;
  let continueTraining = false;
  const options = command === 'run' ? '--set name=value, --load file, --continue, --json, --report file, --help' : '--set name=value, --json, --report file, --help';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case '--set':
        sets.push(command === 'sweep' ? parseSweepSet(takeValue()) : parseSet(takeValue()));
        break;
      case '--json':
        noValue();
        json = true;
        break;
      case '--report':
        reportPath = takeValue();
        if (reportPath === '') throw new UsageError('--report needs a file name');
        break;
      case '--load':
        if (command !== 'run') throw new UsageError(`--load belongs to "ziffern run"; options of ${command}: ${options}`);
        loadPath = takeValue();
        if (loadPath === '') throw new UsageError('--load needs a file name');
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
  if (command === 'sweep') return { command, sets, json, reportPath };
  if (continueTraining && loadPath === null) throw new UsageError('--continue needs --load model.json (the model to continue from)');
  return { command, sets, json, reportPath, loadPath, continueTraining };
}

/**
 * `--set` for the sweep: `hidden` takes the list of widths (`hidden=8,32,128`, the same as
 * `sweepWidths=8,32,128`); every other parameter as for run.
 */
export function parseSweepSet(text: string): { name: ParamName; value: ParamValues[ParamName] } {
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

/** `name=value` → a validated parameter value; errors name the parameter and what is allowed. */
export function parseSet(text: string): { name: ParamName; value: ParamValues[ParamName] } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects name=value, got "${text}"`);
  const name = text.slice(0, eq).trim();
  try {
    const value = parseParam(name, text.slice(eq + 1));
    return { name: name as ParamName, value };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
