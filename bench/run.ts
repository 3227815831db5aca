/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each default-exports `async () => Record<string, unknown>`)
 * one after another and writes their results, keyed by file name, to bench/report.json.
 * Usage: npm run bench [-- name-filter]
 */
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
const reportPath = join(here, 'report.json');
// Merge into the existing report (re-read before every write) so partial runs and parallel runs keep each other's results.
const readReport = (): Record<string, unknown> => (existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : {});
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, date: new Date().toISOString() };
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`bench: ${name}…\n`);
  const started = performance.now();
  const mod = await import(pathToFileURL(join(here, file)).href);
  const result = await mod.default();
  const report = readReport();
  report.machine = machine;
  report[name] = result;
  process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
}
process.stderr.write(`bench: wrote ${reportPath}\n`);
