#!/usr/bin/env node
/**
 * `npm test`'s first step (package.json "pretest"), so the README's test command is all a newcomer on a
 * fresh Debian machine with only Node needs: installs the locked dependencies when node_modules is
 * missing, and Debian's Chromium for the browser tests when it is missing (as root), or says exactly what
 * to run. Plain Node, no dependencies: it runs before anything is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(command, args) {
  console.log(`[prepare] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[prepare] \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.env.CHROMIUM_PATH === undefined && isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('[prepare] Chromium is missing; installing Debian\'s chromium for the browser tests.');
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium']);
  } else {
    console.error(`[prepare] The browser tests need Chromium at ${chromium}. Install Debian's: \`sudo apt-get update && sudo apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium binary.`);
    process.exit(1);
  }
}
