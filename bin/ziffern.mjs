#!/usr/bin/env node
// CLI entry: runs lib/cli/main.ts under tsx (a dependency), resolved relative to this package, not the cwd.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageRoot, 'package.json'));
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const mainScript = join(packageRoot, 'lib', 'cli', 'main.ts');

const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C already reaches the child through the terminal's process group (forwarding it would deliver it twice):
// ignore it here and wait for the child to stop cleanly. SIGTERM is sent to this process only, so forward it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
