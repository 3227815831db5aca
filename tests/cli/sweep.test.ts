/**
 * `ziffern sweep` and `ziffern run --load`, on a small synthetic dataset (real training, real
 * evaluation, a few hundred images) so they run in seconds; plus the strict list parameter.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';
import type { SweepReport } from '../../lib/cli/sweep';
import type { Dataset } from '../../lib/data/types';
import { syntheticDataset } from '../train/synthetic';
import { buildModel } from '../../lib/hagen/model';
import { createNodeHost } from '../../lib/host/node';
import { serializeModelFile } from '../../lib/modelfile/modelFile';
import { defaultParams, parseParam, validateParam } from '../../lib/params';

const dataset: Dataset = syntheticDataset(300, 200);
const host = () => createNodeHost({ loadDataset: async () => dataset });

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, out: () => out.join(''), err: () => err.join('') };
}

const SMALL = ['--set', 'epochs=1', '--set', 'trainSize=300', '--set', 'batchSize=50', '--set', 'augment=none'];

describe('sweepWidths: a strict list parameter', () => {
  it('parses comma lists into ascending distinct widths', () => {
    expect(parseParam('sweepWidths', ' 32, 8,128 ')).toEqual([8, 32, 128]);
    expect(validateParam('sweepWidths', [512, 4])).toEqual([4, 512]);
  });
  it.each(['', '8,,32', '8;32', '8,8', '0,8', '8,2000', '1e2', '8,32,<script>', '-8', Array.from({ length: 13 }, (_, i) => i + 1).join(',')])('refuses %j naming the parameter', (raw) => {
    expect(() => parseParam('sweepWidths', raw)).toThrow(/"sweepWidths".*comma-separated list/);
  });
  it('refuses non-lists and non-integers', () => {
    for (const bad of [8, [], [8.5], ['8'], [NaN], null]) expect(() => validateParam('sweepWidths', bad)).toThrow(/sweepWidths/);
  });
});

describe('ziffern sweep: arguments', () => {
  it('takes the widths from --set hidden=a,b,c', () => {
    expect(parseArgs(['sweep', '--set', 'hidden=128,8,32', '--report', 'r.json'])).toEqual({
      command: 'sweep', sets: [{ name: 'sweepWidths', value: [8, 32, 128] }], json: false, reportPath: 'r.json',
    });
  });
  it('refuses bad widths, --load and unknown options as usage errors', () => {
    expect(() => parseArgs(['sweep', '--set', 'hidden=8,0'])).toThrow(/hidden.*list of widths/);
    expect(() => parseArgs(['sweep', '--load', 'm.json'])).toThrow(UsageError);
    expect(() => parseArgs(['run', '--continue'])).toThrow(/--continue needs --load/);
  });
});

describe('ziffern sweep', () => {
  it('trains one model per width, prints the table and writes the JSON report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ziffern-sweep-'));
    const reportPath = join(dir, 'sweep.json');
    const { io, out } = capture();
    const code = await main(['sweep', '--set', 'hidden=4,16', ...SMALL, '--report', reportPath], io, host());
    expect(code).toBe(0);
    expect(out()).toMatch(/hidden 4: done, train accuracy/);
    expect(out()).toMatch(/hidden\s+train acc\s+test acc\s+train loss\s+test loss/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SweepReport;
    expect(report.state).toBe('done');
    expect(report.widths).toEqual([4, 16]);
    expect(report.rows.map((r) => [r.hidden, r.state])).toEqual([[4, 'done'], [16, 'done']]);
    for (const row of report.rows) {
      for (const key of ['trainAccuracy', 'testAccuracy'] as const) expect(row[key]).toBeGreaterThanOrEqual(0);
      expect(row.testLoss).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('ziffern run --load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ziffern-load-'));
  const params = { ...defaultParams(), hidden: 16, epochs: 1, trainSize: 300, batchSize: 50, augment: 'none' };
  const model = buildModel({ hidden: 16, layers: 2, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 3 });
  const good = join(dir, 'model.json');
  writeFileSync(good, serializeModelFile(model, params));

  it('evaluates a saved model with its parameters, without training', async () => {
    const reportPath = join(dir, 'run.json');
    const { io, out } = capture();
    expect(await main(['run', '--load', good, '--report', reportPath], io, host())).toBe(0);
    expect(out()).toMatch(/loaded model "model.json" \(mock\): test accuracy \d+\.\d+ %, test loss \d+\.\d+; evaluated, not trained/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report.params.hidden).toBe(16);
    expect(report.epochs).toEqual([]);
    expect(report.loaded.testAccuracy).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('continues training from the loaded weights with --continue', async () => {
    const { io, out } = capture();
    expect(await main(['run', '--load', good, '--continue'], io, host())).toBe(0);
    expect(out()).toMatch(/epoch 1\/1: train loss/);
  }, 60_000);

  it('refuses truncated, malformed and mismatched files with a message naming the problem', async () => {
    const text = readFileSync(good, 'utf8');
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, text.slice(0, text.length / 2));
    const wrongFormat = join(dir, 'other.json');
    writeFileSync(wrongFormat, JSON.stringify({ format: 'something-else' }));
    const cases: [string[], RegExp][] = [
      [['run', '--load', truncated], /model file "truncated.json": not valid JSON/],
      [['run', '--load', wrongFormat], /model file "other.json": format must be "ziffern-model"/],
      [['run', '--load', join(dir, 'missing.json')], /cannot read model file/],
      [['run', '--load', good, '--set', 'hidden=64'], /hidden=64 does not fit the loaded model "model.json" \(hidden = 16\)/],
    ];
    for (const [argv, message] of cases) {
      const { io, err, out } = capture();
      expect(await main(argv, io, host()), argv.join(' ')).toBe(2);
      expect(err()).toMatch(message);
      expect(out()).toBe('');
    }
  }, 60_000);
});
