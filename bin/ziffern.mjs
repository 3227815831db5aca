#!/usr/bin/env node
// CLI entry. lib/cli/main.ts runs in THIS process (tsx's loader, a dependency, registered here), not in a child:
// a signal sent to the process the user started reaches the code that trains, and nothing is left running.
// Signals that arrive while the code loads (about a second) are recorded and stop the command before it starts.
const early = [];
const record = (name) => () => early.push(name);
const recorders = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((name) => [name, record(name)]);
for (const [name, handler] of recorders) process.on(name, handler);

const { register } = await import('tsx/esm/api');
register();
const { cliEntry } = await import(new URL('../lib/cli/main.ts', import.meta.url).href);
for (const [name, handler] of recorders) process.off(name, handler);
await cliEntry(process.argv.slice(2), early);
