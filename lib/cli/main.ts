/**
 * `ziffern run`: the same notebook as the page, headless. Builds it from cells/ with the Node host, applies each
 * --set through notebook.set() (the path the page's controls take), then observes `training` until it ends.
 * Exit codes: 0 done, 1 training failed, 2 usage error (bad option, parameter or value), 130 interrupted.
 */
import { pathToFileURL } from 'node:url';
import type { Host } from '../runtime/host';
import { parseArgs, usage, UsageError } from './args';
import type { CliIo } from './run';

export async function main(argv: readonly string[], io: CliIo = process, host?: Host): Promise<number> {
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
  // First Ctrl-C or SIGTERM: stop training, print the summary and write the report (exit 130). A second one
  // exits at once.
  const interrupt = new AbortController();
  const onSignal = (): void => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return command.command === 'sweep'
      ? await sweepCommand(command, io, runHost, interrupt.signal)
      : await runCommand(command, io, runHost, interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (error: unknown) => {
      process.stderr.write(`ziffern: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
