/**
 * Issue 16, the CLI's fault classes, in-process on a small synthetic dataset (real notebook, real training and
 * evaluation): which settings apply to which mode, a chip model, files that cannot be written or are the input,
 * unbounded inputs, refused calibrations, -0. Signals and the full disk need a real process: tests/cli/signals.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';
import type { Dataset } from '../../lib/data/types';
import { buildModel } from '../../lib/hagen/model';
import type { HagenModel } from '../../lib/hagen/types';
import { createNodeHost, readNightlyCalibration } from '../../lib/host/node';
import { serializeModelFile } from '../../lib/modelfile/modelFile';
import { defaultParams, validateParam, type ParamValues } from '../../lib/params';
import { Rng } from '../../lib/random';
import { evaluate } from '../../lib/train/evaluate';
import { trainModel } from '../../lib/train/train';
import { syntheticDataset } from '../train/synthetic';
import { notebookCells } from '../../cells/index';
import type { LoadedEvaluation, LoadedModel } from '../../cells/modelfile';
import { hostState } from '../../cells/state';
import { createNotebook } from '../../lib/runtime/notebook';

const dataset: Dataset = syntheticDataset(400, 300);
const dir = mkdtempSync(join(tmpdir(), 'ziffern-faults-'));

/** A Node host on the synthetic data that counts trainings. */
function countingHost(options: { calibrationRoot?: string } = {}) {
  const host = createNodeHost({ loadDataset: async () => dataset, ...options });
  const trainings: unknown[] = [];
  const runTraining = host.runTraining;
  host.runTraining = (model, data, opts) => {
    trainings.push(opts);
    return runTraining(model, data, opts);
  };
  return { host, trainings };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, out: () => out.join(''), err: () => err.join('') };
}

async function run(argv: string[], options: { calibrationRoot?: string } = {}) {
  const { host, trainings } = countingHost(options);
  const { io, out, err } = capture();
  const code = await main(argv, io, host);
  return { code, out: out(), err: err(), trainings };
}

/** A model trained a little on the synthetic data (so its accuracy is far from a fresh model's), saved as a file. */
async function trainedModelFile(name: string, backend: 'mock' | 'chip'): Promise<{ path: string; model: HagenModel; params: ParamValues }> {
  const params: ParamValues = { ...defaultParams(), backend, hidden: 16, layers: 1, epochs: 2, trainSize: 400, batchSize: 40, augment: 'none', seed: 4 };
  let model = buildModel({ hidden: 16, layers: 1, shift: 1 }, { backend: 'mock', mock: { noiseStd: 2, gain: 0.002 }, seed: 4 });
  for await (const progress of trainModel(model, dataset, { lr: 0.25, epochs: 2, batchSize: 40, augment: 'none', seed: 4, trainSize: 400, labelNoise: 0 })) model = progress.model;
  model = { ...model, backend };
  const path = join(dir, name);
  writeFileSync(path, serializeModelFile(model, params));
  return { path, model, params };
}

describe('run: the training status is the notebook\'s trainingStatus cell (issue 14)', () => {
  it('says when a run did not learn, and why, as the page does; the JSON summary carries the status line', async () => {
    const settings = ['--set', 'hidden=8', '--set', 'layers=1', '--set', 'epochs=1', '--set', 'batchSize=200', '--set', 'trainSize=400', '--set', 'augment=none', '--set', 'lr=0.0001'];
    const result = await run(['run', ...settings]);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/ziffern: Not learning: test accuracy \d+(\.\d)? %, no better than guessing \(10 %\)/);
    const json = await run(['run', ...settings, '--json']);
    const summary = JSON.parse(json.out.trim().split('\n').at(-1)!).summary;
    expect(summary.status).toMatch(/^Not learning: /);
    const learning = await run(['run', ...settings.slice(0, -2), '--set', 'epochs=2', '--set', 'batchSize=40', '--json']);
    expect(JSON.parse(learning.out.trim().split('\n').at(-1)!).summary.status).toMatch(/^Done: test accuracy \d+(\.\d)? %$/);
  }, 60_000);
});

describe('run --load: which settings apply (issue 16: a fresh model reported as the loaded one)', () => {
  it('without --continue, a setting that changes training is refused before anything runs, and says what to do', async () => {
    const { path } = await trainedModelFile('mock-a.json', 'mock');
    const result = await run(['run', '--load', path, '--set', 'trainSize=2000', '--set', 'epochs=1']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--set trainSize changes training, but "ziffern run --load" without --continue only evaluates the loaded model.*Add --continue/);
    expect(result.out).toBe('');
    expect(result.trainings).toHaveLength(0);
    for (const name of ['lr', 'epochs', 'batchSize', 'augment', 'noise', 'gain', 'mockSource', 'labelNoise', 'trainSize']) {
      expect(() => parseArgs(['run', '--load', 'm.json', '--set', `${name}=${String(defaultParams()[name as keyof ParamValues])}`]), name).toThrow(UsageError);
    }
  });

  it('the accuracy reported is the loaded model\'s (evaluated directly), never a fresh training\'s; --set seed only reseeds the evaluation', async () => {
    const { path, model } = await trainedModelFile('mock-b.json', 'mock');
    for (const seed of [4, 9]) {
      const result = await run(['run', '--load', path, '--json', ...(seed === 9 ? ['--set', 'seed=9'] : [])]);
      expect(result.code, result.err).toBe(0);
      expect(result.trainings).toHaveLength(0);
      const { summary } = JSON.parse(result.out.trim());
      const expected = evaluate(model, dataset.test, { rng: Rng.derive(seed, 'noise/cli/load') });
      expect(summary).toMatchObject({ state: 'done', mode: 'evaluate', epochs: 0, testAccuracy: expected.accuracy, loaded: { testAccuracy: expected.accuracy, continued: false } });
      expect(expected.accuracy).toBeGreaterThan(0.5); // a trained model: a fresh one would be near 10 %
    }
  });

  it('reports the notebook\'s loadedEvaluation cell (what the page and embeds show), for the same file and seed', async () => {
    const { path } = await trainedModelFile('mock-e.json', 'mock');
    const report = join(dir, 'mock-e-report.json');
    const { host } = countingHost();
    const { io, out, err } = capture();
    expect(await main(['run', '--load', path, '--json', '--report', report], io, host), err()).toBe(0);
    // The CLI put the file where the page's Load button puts it; a notebook on that host evaluates it in the cell.
    const loaded = hostState<LoadedModel | null>(host, 'loadedModel', () => null).value;
    expect(loaded?.fileName).toBe('mock-e.json');
    const notebook = createNotebook(notebookCells, host);
    try {
      await notebook.set('seed', 4); // the file's seed, which the CLI set from it
      const cell = await new Promise<LoadedEvaluation>((resolve, reject) => notebook.observe('loadedEvaluation', (value, error) => {
        if (error) reject(error);
        else if ((value as LoadedEvaluation | null)?.state === 'done') resolve(value as LoadedEvaluation);
      }));
      const { summary } = JSON.parse(out().trim());
      const written = JSON.parse(readFileSync(report, 'utf8'));
      expect(summary.testAccuracy).toBe(cell.accuracy);
      expect(summary.testLoss).toBe(cell.loss);
      expect(written.loaded).toEqual({ file: 'mock-e.json', testAccuracy: cell.accuracy, testLoss: cell.loss, continued: false });
      expect(cell).toMatchObject({ fileName: 'mock-e.json', backend: 'mock', evaluated: 300, count: 300 });
    } finally {
      notebook.dispose();
    }
  });

  it('with --continue every training setting applies to the loaded weights', async () => {
    const { path } = await trainedModelFile('mock-c.json', 'mock');
    const result = await run(['run', '--load', path, '--continue', '--set', 'trainSize=200', '--set', 'epochs=1', '--json']);
    expect(result.code, result.err).toBe(0);
    expect(result.trainings).toMatchObject([{ trainSize: 200, epochs: 1 }]);
    const lines = result.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1).summary).toMatchObject({ state: 'done', mode: 'continue', epochs: 1, loaded: { continued: true } });
  });

  it('chip settings for a mock model, and another architecture, are refused naming the file', async () => {
    const { path } = await trainedModelFile('mock-d.json', 'mock');
    const chip = await run(['run', '--load', path, '--set', 'chipId=2']);
    expect(chip.code).toBe(2);
    expect(chip.err).toMatch(/--set chipId only applies to a model of backend chip, and "mock-d.json" is a mock model/);
    const arch = await run(['run', '--load', path, '--set', 'hidden=32']);
    expect(arch.code).toBe(2);
    expect(arch.err).toMatch(/--set hidden=32 does not fit the loaded model "mock-d.json" \(hidden = 16\)/);
  });

  it('preprocess and sweepWidths do not apply to run, preprocess not to sweep', () => {
    expect(() => parseArgs(['run', '--set', 'preprocess=false'])).toThrow(/preprocess only changes how the page centres digits/);
    expect(() => parseArgs(['run', '--set', 'sweepWidths=8,16'])).toThrow(/sweepWidths is the list of widths of "ziffern sweep"/);
    expect(() => parseArgs(['sweep', '--set', 'preprocess=true'])).toThrow(/ziffern sweep draws nothing/);
  });
});

describe('a chip-backend model file (as the page saves it) in the CLI', () => {
  it('is evaluated on the emulated chip, and says so', async () => {
    const { path } = await trainedModelFile('chip.json', 'chip');
    const result = await run(['run', '--load', path]);
    expect(result.code, result.err).toBe(0);
    expect(result.err).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(result.out).toMatch(/loaded model "chip.json" \(chip, on the emulated chip 1 \(calibration nightly\)\): test accuracy \d+\.\d+ %/);
    const json = await run(['run', '--load', path, '--json', '--set', 'calibration=none']);
    expect(JSON.parse(json.out).summary).toMatchObject({ backend: 'chip (emulated chip 1)', chip: { emulated: true, id: 1, calibration: 'none', calibrated: false } });
  }, 60_000);

  it('a chip without a nightly calibration, or a damaged one, is reported by the CLI (the chip runs uncalibrated)', async () => {
    const { path } = await trainedModelFile('chip-2.json', 'chip');
    const missing = await run(['run', '--load', path, '--set', 'chipId=2', '--json']);
    expect(missing.code, missing.err).toBe(0);
    expect(missing.err).toMatch(/ziffern: calibration "nightly" of emulated chip 2 refused: the nightly calibration for chip 2 could not be loaded: there is no file .*nightly-chip2\.json — the chip runs uncalibrated/);
    expect(JSON.parse(missing.out).summary.chip).toMatchObject({ id: 2, calibrated: false, refused: expect.stringMatching(/could not be loaded/) });

    const root = join(dir, 'site');
    mkdirSync(join(root, 'calibration'), { recursive: true });
    const good = readFileSync(join(__dirname, '..', '..', 'notebook', 'calibration', 'nightly-chip1.json'), 'utf8');
    writeFileSync(join(root, 'calibration', 'nightly-chip1.json'), good.replace(/("neuronGain": \[)([\d.]+)/, (_m, head: string, value: string) => head + (Number(value) === 1 ? '1.01' : '1')));
    const damaged = await run(['run', '--load', path], { calibrationRoot: root });
    expect(damaged.code).toBe(0);
    expect(damaged.err).toMatch(/calibration "nightly" of emulated chip 1 refused: calibration file refused: checksum mismatch/);
    expect(damaged.out).toMatch(/on the emulated chip 1 \(uncalibrated\)/);
  }, 60_000);

  it('training on the chip reports a refused calibration too', async () => {
    const result = await run(['run', '--set', 'backend=chip', '--set', 'chipId=3', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'trainSize=40', '--set', 'batchSize=40', '--set', 'augment=none']);
    expect(result.err).toMatch(/calibration "nightly" of emulated chip 3 refused: the nightly calibration for chip 3 could not be loaded/);
    expect(result.code, result.err).toBe(0);
  }, 60_000);
});

describe('output files: checked before work, never the input, written whole', () => {
  it('an unwritable --report is refused before anything is trained', async () => {
    const cases: [string, RegExp][] = [
      [join(dir, 'no-such-folder', 'r.json'), /--report ".*r\.json" cannot be written: no such file or folder/],
      [dir, /--report ".*" is a folder; give a file name/],
      [join('/proc', 'r.json'), /--report "\/proc\/r\.json" cannot be written/],
    ];
    for (const [report, message] of cases) {
      const result = await run(['run', '--set', 'epochs=1', '--report', report]);
      expect(result.code, report).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.trainings).toHaveLength(0);
    }
  });

  it('--report naming the --load file (also through a link) is refused and the model file stays as it was', async () => {
    const { path } = await trainedModelFile('keep.json', 'mock');
    const before = readFileSync(path, 'utf8');
    const link = join(dir, 'keep-link.json');
    symlinkSync(path, link);
    for (const report of [path, link, join(dir, '.', 'keep.json')]) {
      const result = await run(['run', '--load', path, '--report', report]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/--report ".*" is the model file given to --load .*: it would be overwritten/);
    }
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('an option where a file name belongs is refused, not taken as the name', () => {
    expect(() => parseArgs(['run', '--report', '--load', 'x.json'])).toThrow('--report needs a file name, but the next argument is the option "--load" (for a file whose name starts with "-", write ./--load)');
    expect(() => parseArgs(['run', '--load', '--json'])).toThrow(/--load needs a file name, but the next argument is the option "--json"/);
    expect(() => parseArgs(['run', '--set', '--json'])).toThrow(/--set needs name=value, but the next argument is the option "--json"/);
    expect(() => parseArgs(['run', '--report', 'a.json', '--report', 'b.json'])).toThrow(/--report given twice/);
    expect(parseArgs(['run', '--report', './--load'])).toMatchObject({ reportPath: './--load' });
  });

  it('a report is written atomically: no temporary file is left next to it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ziffern-report-'));
    const result = await run(['run', '--set', 'epochs=1', '--set', 'trainSize=100', '--set', 'hidden=8', '--report', join(folder, 'r.json')]);
    expect(result.code, result.err).toBe(0);
    expect(readdirSync(folder)).toEqual(['r.json']);
    expect(JSON.parse(readFileSync(join(folder, 'r.json'), 'utf8'))).toMatchObject({ state: 'done', mode: 'train' });
  });
});

describe('inputs are bounded before they are read', () => {
  it('a 1 GB --load file is refused by its size, unread, at once', async () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 1024 ** 3); // sparse: no disk space
    const started = performance.now();
    const before = process.memoryUsage().rss;
    const result = await run(['run', '--load', huge]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`ziffern: model file "${huge}" is 1073.7 MB, larger than any model file can be (at most 67.1 MB); not read\n`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a binary file, a folder and a missing file are refused with a message, never a stack trace', async () => {
    const binary = join(dir, 'binary.json');
    writeFileSync(binary, new Uint8Array([0xff, 0xfe, 0x00, 0x81]));
    for (const [path, message] of [[binary, /not text \(UTF-8\)/], [dir, /it is a folder/], [join(dir, 'missing.json'), /cannot read model file .*: no such file or folder/]] as const) {
      const result = await run(['run', '--load', path]);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
  });

  it('calibration files are bounded too', async () => {
    const root = join(dir, 'bigcal');
    mkdirSync(join(root, 'calibration'), { recursive: true });
    const file = join(root, 'calibration', 'nightly-chip1.json');
    writeFileSync(file, '');
    truncateSync(file, 1024 ** 3);
    await expect(readNightlyCalibration(root, 1)).rejects.toThrow(/calibration file ".*nightly-chip1.json" is 1073\.7 MB, larger than any calibration file can be .*not read/);
  });
});

describe('-0 is 0', () => {
  it('in --set and in every validated value', async () => {
    expect(Object.is((parseArgs(['run', '--set', 'labelNoise=-0']) as { sets: { value: unknown }[] }).sets[0].value, 0)).toBe(true);
    for (const name of ['noise', 'labelNoise', 'shift', 'seed', 'chipId']) expect(Object.is(validateParam(name, -0), 0), name).toBe(true);
    const result = await run(['run', '--set', 'noise=-0', '--set', 'labelNoise=-0.0', '--set', 'epochs=1', '--set', 'trainSize=100', '--set', 'hidden=8', '--json']);
    expect(result.code, result.err).toBe(0);
    expect(Object.is((result.trainings[0] as { labelNoise: number }).labelNoise, 0)).toBe(true);
  });
});
