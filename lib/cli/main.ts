/**
 * `ziffern run|sweep`: the same notebook as the page, headless. Builds it from cells/ with the Node host, applies
 * each --set through notebook.set() (the path the page's controls take), then observes the result until it ends.
 * Exit codes: 0 done, 1 failed, 2 usage error (bad option, parameter, value or file), 130 SIGINT, 143 SIGTERM.
 *
 * bin/ziffern.mjs runs this module in its own process (tsx's loader registered there), so the process the user
 * started is the one that trains: a signal to it stops the training, and nothing runs on after it exits.
 */
import { pathToFileURL } from 'node:url';
import type { Host } from '../runtime/host';
import { parseArgs, usage, UsageError } from './args';
import type { CliIo } from './run';

/** Exit code per signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

export async function main(argv: readonly string[], io: CliIo = process, host?: Host, signal?: AbortSignal): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`ziffern: ${error.message}\n`);
    return 2;
  }
  if (command.command === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  // Loaded only to run: --help and usage errors stay fast and do not start tfjs.
  const { runCommand } = await import('./run');
  const { sweepCommand } = await import('./sweep');
  const runHost = host ?? (await import('../host/node')).createNodeHost();
  return command.command === 'sweep' ? sweepCommand(command, io, runHost, signal) : runCommand(command, io, runHost, signal);
}

/**
 * The process's entry: runs main() with SIGINT/SIGTERM/SIGHUP handled. The first signal stops the work (the
 * training ends within a batch, no report is written) and the process exits 130/143/129; a second one exits at
 * once. `early` are signals that arrived while the code was still loading (bin/ziffern.mjs records them):
 * they stop the command before it starts. Errors never end in a stack trace (ZIFFERN_DEBUG=1 shows it).
 */
export async function cliEntry(argv: readonly string[], early: readonly StopSignal[] = []): Promise<never> {
  const interrupt = new AbortController();
  let received: StopSignal | null = null;
  const onSignal = (name: StopSignal): void => {
    if (received) process.exit(SIGNAL_EXIT_CODES[received]);
    received = name;
    process.stderr.write(`\nziffern: ${name} received: stopping (send it again to quit at once)\n`);
    interrupt.abort();
  };
  for (const name of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) process.on(name, () => onSignal(name));
  // `ziffern run | head -1`: the reader of stdout is gone. Stop the work quietly, as a SIGPIPE would (141).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return;
    interrupt.abort();
    process.exit(141);
  });
  if (early.length > 0) onSignal(early[0]);
  let code: number;
  try {
    code = received ? SIGNAL_EXIT_CODES[received] : await main(argv, process, undefined, interrupt.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ziffern: ${message}\n`);
    if (process.env.ZIFFERN_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('ziffern: this is a fault in ziffern, not in your input; ZIFFERN_DEBUG=1 shows where it happened\n');
    code = 1;
  }
  if (received) code = SIGNAL_EXIT_CODES[received];
  // Flush stdout (a pipe may be slow), then exit: the augmentation thread and timers must not keep the process alive.
  return new Promise<never>(() => process.stdout.write('', () => process.exit(code)));
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) void cliEntry(process.argv.slice(2));
