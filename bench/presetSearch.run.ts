/**
 * One run of the recommended-model search (issue 12): trains a configuration in Node as the page
 * would (fast engine, augmentation thread, test pass after every epoch) and appends one JSON line
 * to bench/presets-search.jsonl.
 *   npx tsx bench/presetSearch.run.ts '{"conv":20,"hidden":128,"layers":1,"augment":"none","lr":0.25,"epochs":4}' [seed] [note]
 * Keys: hidden, layers, shift, conv, convKernel, convStride (the model), lr, epochs, batchSize,
 * augment, lrSchedule ('constant' | 'cosine' | 'step'), noise, gain (defaults: the tutorial's).
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainConfig, type SearchConfig } from './presetSearch';

const config = JSON.parse(process.argv[2] ?? '{}') as SearchConfig;
const seed = Number(process.argv[3] ?? 1);
const note = process.argv[4] ?? '';
const result = await trainConfig(config, seed, (line) => console.log(line));
const out = join(dirname(fileURLToPath(import.meta.url)), 'presets-search.jsonl');
appendFileSync(out, JSON.stringify({ ...result, note }) + '\n');
console.log(JSON.stringify({ final: result.final, best: result.best, seconds: result.seconds }));
process.exit(0);
