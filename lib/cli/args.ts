/** Command-line parsing for `ziffern`, separate from running so it can be tested without training. */
import { describeAllowed, PARAMS, parseParam, type ParamName, type ParamValues } from '../params';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunCommand {
  command: 'run';
  /** In the order given; a later --set of the same name wins. */
  sets: { name: ParamName; value: ParamValues[ParamName] }[];
  json: boolean;
  reportPath: string | null;
}
export type Command = RunCommand | { command: 'help' };

export const COMMANDS = ['run'] as const;

export function usage(): string {
  const params = PARAMS.map((p) => `  ${p.name.padEnd(12)} ${describeAllowed(p)} (default ${String(p.default)})`).join('\n');
  return `Usage: ziffern run [--set name=value]… [--json] [--report out.json]
       ziffern --help

Runs the ziffern notebook headless in Node: loads MNIST, builds the hagen-mode model and trains it,
exactly as the page does with the same parameters.

Options:
  --set name=value   set a parameter (repeatable)
  --json             one JSON object per epoch on stdout, then a summary line
  --report file      write a JSON report (parameters, epochs, losses, timing) to file
  -h, --help         show this help

Parameters:
${params}
`;
}

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'run') {
    throw new UsageError(`unknown command "${command}"; commands: ${COMMANDS.join(', ')} (see ziffern --help)`);
  }
  const result: RunCommand = { command: 'run', sets: [], json: false, reportPath: null };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--set':
        result.sets.push(parseSet(takeValue()));
        break;
      case '--json':
        if (inline !== undefined) throw new UsageError('--json takes no value');
        result.json = true;
        break;
      case '--report':
        result.reportPath = takeValue();
        if (result.reportPath === '') throw new UsageError('--report needs a file name');
        break;
      default:
        throw new UsageError(`unknown option "${arg}"; options: --set name=value, --json, --report file, --help`);
    }
  }
  return result;
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
