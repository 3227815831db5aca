/** Running `ziffern run` on a notebook: progress, per-epoch output, summary and report. */
import { basename } from 'node:path';
import type { LoadedEvaluation, LoadedModel } from '../../cells/modelfile';
import type { TrainingStatus } from '../../cells/training';
import { notebookCells } from '../../cells/index';
import { MAX_MODEL_FILE_CHARS, parseModelFile } from '../modelfile/modelFile';
import { relevantParamNames } from '../precompute/files';
import { PARAMS, sameParamValue, type ParamName } from '../params';
import type { Lazy, ChipCalibration } from '../chip/session';
import { checkOutputFile, FileProblem, readFileBounded, writeFileAtomic } from '../host/node-files';
import type { Mutable } from '../runtime/generators';
import type { Host } from '../runtime/host';
import { createNotebook } from '../runtime/notebook';
import type { TrainProgress } from '../train/train';
import { ARCHITECTURE_PARAMS, CHIP_PARAMS, type RunCommand } from './args';

type EpochResult = TrainProgress['epochs'][number];

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}
export interface CliIo {
  stdout: Output;
  stderr: Output;
}

/** The fields of one epoch's JSON line, in this order. */
function epochLine(epoch: EpochResult): string {
  const { epoch: n, trainLoss, trainAccuracy, testAccuracy, seconds, backend } = epoch;
  return JSON.stringify({ epoch: n, trainLoss, trainAccuracy, testAccuracy, seconds, backend });
}

const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;

function epochText(epoch: EpochResult, totalEpochs: number): string {
  return `epoch ${epoch.epoch}/${totalEpochs}: train loss ${epoch.trainLoss.toFixed(4)}, train accuracy ${percent(epoch.trainAccuracy)}, ` +
    `test accuracy ${percent(epoch.testAccuracy)}, ${epoch.seconds.toFixed(1)} s (${epoch.backend})`;
}

export function progressText(progress: TrainProgress, totalEpochs: number): string {
  const width = 20;
  const fraction = progress.batchesPerEpoch > 0 ? Math.min(1, progress.batch / progress.batchesPerEpoch) : 0;
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const loss = Number.isFinite(progress.loss) ? progress.loss.toFixed(4) : String(progress.loss);
  return `epoch ${progress.epoch}/${totalEpochs} [${bar}] batch ${progress.batch}/${progress.batchesPerEpoch} ` +
    `loss ${loss} ${Math.round(progress.samplesPerSecond)} samples/s`;
}

/**
 * A progress bar on a TTY (redrawn in place, at most 10×/s); a plain line every few seconds otherwise. This throttles
 * the terminal's output only: the `training` cell's values are already those the one progress rule hands on
 * (lib/train/progress.ts), the same the page and embeds get.
 */
class ProgressLine {
  private lastDraw = -Infinity;
  private drawn = false;
  constructor(private readonly out: Output) {}

  update(text: string): void {
    const now = performance.now();
    const interval = this.out.isTTY ? 100 : 5000;
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  }

  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

export interface RunReport {
  tool: 'ziffern';
  command: 'run';
  startedAt: string;
  seconds: number;
  node: string;
  params: Record<string, unknown>;
  state: TrainProgress['state'];
  /** train: a new model; evaluate: the --load model on the test set, nothing trained; continue: the --load model trained further. */
  mode: RunCommand['mode'];
  error?: string;
  backend: string | null;
  epochs: EpochResult[];
  losses: number[];
  /** With --load: the model file and, when evaluated (no --continue), its accuracy and loss on the test set. */
  loaded?: { file: string; testAccuracy: number | null; testLoss: number | null; continued: boolean };
  /** When the emulated chip was used (backend chip, or mockSource measured): which chip and its calibration. */
  chip?: ChipUse;
}

type Notebook = ReturnType<typeof createNotebook>;

/** The emulated chip a run used; `refused` says why a requested calibration is not applied. */
export interface ChipUse {
  emulated: true;
  id: number;
  calibration: string;
  calibrated: boolean;
  refused?: string;
}

/** Read and check a model file for --load: its size is checked before it is read; problems name the file. */
async function readModelFile(path: string): Promise<LoadedModel> {
  const bytes = await readFileBounded(path, MAX_MODEL_FILE_CHARS, 'model file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileProblem(`model file "${basename(path)}": not text (UTF-8); is it a model file?`);
  }
  try {
    return { ...parseModelFile(text, basename(path)), fileName: basename(path) };
  } catch (error) {
    throw new FileProblem((error as Error).message);
  }
}

/** A usage problem found after parsing (a file, a setting that does not fit the loaded model): exit 2. */
class RunProblem extends Error {}

const userProblem = (error: unknown): error is Error => error instanceof FileProblem || error instanceof RunProblem;

/** Write the report whole or not at all; a failure is reported (the run's output is already printed). */
async function writeReport(path: string, report: object, io: CliIo): Promise<boolean> {
  try {
    await writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n');
    return true;
  } catch (error) {
    io.stderr.write(`ziffern: --report: ${(error as Error).message}\n`);
    return false;
  }
}

/**
 * The emulated chip of this run, when it is used (a chip model, or mock parameters measured on the chip):
 * its calibration is looked at now, so a refused or missing one is said before training, in every host.
 */
export async function chipInUse(notebook: Notebook, used: boolean, io: CliIo): Promise<ChipUse | undefined> {
  if (!used) return undefined;
  const id = (await notebook.value('chipId')) as number;
  const source = (await notebook.value('calibration')) as string;
  const chosen = ((await notebook.value('chipCalibration')) as Lazy<ChipCalibration>).value;
  const use: ChipUse = { emulated: true, id, calibration: source, calibrated: chosen.calibration !== null, ...(chosen.refused ? { refused: chosen.refused } : {}) };
  if (chosen.refused) io.stderr.write(`ziffern: calibration "${source}" of emulated chip ${id} refused: ${chosen.refused}\n`);
  return use;
}

function describeChip(chip: ChipUse): string {
  return `the emulated chip ${chip.id} (${chip.calibrated ? `calibration ${chip.calibration}` : 'uncalibrated'})`;
}

/**
 * The `loadedEvaluation` cell's final value for `loaded` (the evaluation the page and embeds show): the model goes
 * into the notebook's loaded-model state, as the page's Load button puts it. Null when `signal` stops it first.
 */
async function loadedEvaluation(notebook: Notebook, loaded: LoadedModel, signal?: AbortSignal): Promise<LoadedEvaluation | null> {
  ((await notebook.value('loadedModelState')) as Mutable<LoadedModel | null>).value = loaded;
  return new Promise<LoadedEvaluation | null>((resolve, reject) => {
    let stop = (): void => {};
    const settle = (settleWith: () => void): void => {
      signal?.removeEventListener('abort', onAbort);
      stop();
      settleWith();
    };
    const onAbort = (): void => settle(() => resolve(null));
    if (signal?.aborted) return resolve(null);
    signal?.addEventListener('abort', onAbort, { once: true });
    stop = notebook.observe('loadedEvaluation', (value, error) => {
      if (error) return settle(() => reject(error));
      const evaluation = value as LoadedEvaluation | null;
      if (!evaluation || evaluation.state === 'running' || evaluation.fileName !== loaded.fileName) return;
      if (evaluation.state === 'error') return settle(() => reject(new Error(evaluation.error)));
      settle(() => resolve(evaluation));
    });
  });
}

export async function runCommand(command: RunCommand, io: CliIo, host: Host, signal?: AbortSignal): Promise<number> {
  // Files first, before anything is loaded or trained: an unwritable --report, a --report that is the --load
  // file, or a bad model file end here with exit 2.
  let loaded: LoadedModel | null = null;
  try {
    if (command.reportPath) {
      await checkOutputFile(command.reportPath, '--report', command.loadPath ? [{ path: command.loadPath, what: 'model file given to --load' }] : []);
    }
    if (command.loadPath) loaded = await readModelFile(command.loadPath);
  } catch (error) {
    if (!userProblem(error)) throw error;
    io.stderr.write(`ziffern: ${error.message}\n`);
    return 2;
  }
  const notebook = createNotebook(notebookCells, host);
  try {
    if (loaded) {
      for (const warning of loaded.warnings) io.stderr.write(`ziffern: ${warning}\n`);
      // The file's training parameters first; --set may change those the mode allows (lib/cli/args.ts) after.
      for (const name of relevantParamNames('training')) await notebook.set(name, (loaded.params as Record<string, unknown>)[name]);
    }
    for (const { name, value } of command.sets) await notebook.set(name, value);
    if (loaded) checkSetsFitModel(command, loaded);
    const params: Record<string, unknown> = {};
    for (const spec of PARAMS) params[spec.name] = await notebook.value(spec.name);
    if (command.mode === 'evaluate') return await evaluateLoaded(command, io, notebook, loaded!, params, signal);
    if (loaded) {
      const model = loaded.model;
      // The run starts from the file's weights: `newModel` is what `model` and a live training build the network with.
      notebook.redefine({ name: 'newModel', inputs: [], define: () => () => model });
    }
    return await train(command, io, notebook, loaded, params, signal);
  } catch (error) {
    if (!userProblem(error)) throw error;
    io.stderr.write(`ziffern: ${error.message}\n`);
    return 2;
  } finally {
    notebook.dispose();
  }
}

/** With --load: the architecture must be the file's; the emulated chip's settings only apply to a chip model when only evaluating. */
function checkSetsFitModel(command: RunCommand, loaded: LoadedModel): void {
  for (const { name, value } of command.sets) {
    if (ARCHITECTURE_PARAMS.includes(name) && !sameParamValue(value, loaded.params[name])) {
      throw new RunProblem(`--set ${name}=${String(value)} does not fit the loaded model "${loaded.fileName}" (${name} = ${String(loaded.params[name])})`);
    }
    if (command.mode === 'evaluate' && (CHIP_PARAMS as readonly ParamName[]).includes(name) && loaded.model.backend !== 'chip') {
      throw new RunProblem(`--set ${name} only applies to a model of backend chip, and "${loaded.fileName}" is a ${loaded.model.backend} model: leave it out (or add --continue to train further with mockSource=measured)`);
    }
  }
}

/** run --load without --continue: the loaded model on the test set, nothing trained. */
async function evaluateLoaded(command: RunCommand, io: CliIo, notebook: Notebook, loaded: LoadedModel, params: Record<string, unknown>, signal?: AbortSignal): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  const model = loaded.model;
  const chip = await chipInUse(notebook, model.backend === 'chip', io);
  if (signal?.aborted) return 130;
  // The loaded model on the test set: the notebook's own cell (its noise seeded by the `seed` parameter).
  const evaluation = await loadedEvaluation(notebook, loaded, signal);
  if (!evaluation || evaluation.accuracy === null || evaluation.loss === null) {
    io.stderr.write('ziffern: interrupted while evaluating; no report written\n');
    return 130;
  }
  const seconds = (performance.now() - started) / 1000;
  const backend = chip ? `chip (emulated chip ${chip.id})` : model.backend;
  const loadedReport = { file: loaded.fileName, testAccuracy: evaluation.accuracy, testLoss: evaluation.loss, continued: false };
  const summary = {
    state: 'done' as const, mode: command.mode, epochs: 0, trainLoss: null, trainAccuracy: null,
    testAccuracy: evaluation.accuracy, testLoss: evaluation.loss, bestTestAccuracy: evaluation.accuracy, seconds, backend, params, loaded: loadedReport,
    ...(chip ? { chip } : {}),
  };
  if (command.json) io.stdout.write(JSON.stringify({ summary }) + '\n');
  else {
    io.stdout.write(`loaded model "${loaded.fileName}" (${model.backend}${chip ? `, on ${describeChip(chip)}` : ''}): ` +
      `test accuracy ${percent(evaluation.accuracy)}, test loss ${evaluation.loss.toFixed(4)}; evaluated, not trained\n`);
  }
  if (command.reportPath) {
    const report: RunReport = {
      tool: 'ziffern', command: 'run', startedAt: startedAt.toISOString(), seconds, node: process.version, params, state: 'done', mode: command.mode,
      backend, epochs: [], losses: [], loaded: loadedReport, ...(chip ? { chip } : {}),
    };
    if (!(await writeReport(command.reportPath, report, io))) return 1;
  }
  return 0;
}

/** run (a new model) and run --load --continue: observe `training` until it ends. */
async function train(command: RunCommand, io: CliIo, notebook: Notebook, loaded: LoadedModel | null, params: Record<string, unknown>, signal?: AbortSignal): Promise<number> {
  const totalEpochs = params.epochs as number;
  const chip = await chipInUse(notebook, params.backend === 'chip' || (params.backend === 'mock' && params.mockSource === 'measured'), io);
  if (chip && !command.json) io.stderr.write(`training on ${params.backend === 'chip' ? describeChip(chip) : `mock parameters measured on ${describeChip(chip)}`}\n`);

  const startedAt = new Date();
  const started = performance.now();
  const progressLine = new ProgressLine(io.stderr);
  let printedEpochs = 0;
  let last: TrainProgress | null = null;

  const outcome = await new Promise<{ progress: TrainProgress | null; error?: Error; interrupted?: boolean }>((resolve) => {
    const onAbort = (): void => resolve({ progress: last, interrupted: true });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    notebook.observe('training', (value, error) => {
      if (signal?.aborted) return;
      if (error) return resolve({ progress: last, error });
      const progress = value as TrainProgress;
      last = progress;
      if (progress.state === 'running') progressLine.update(progressText(progress, totalEpochs));
      while (printedEpochs < progress.epochs.length) {
        progressLine.clear();
        const epoch = progress.epochs[printedEpochs++];
        if (command.json) io.stdout.write(epochLine(epoch) + '\n');
        else io.stdout.write(epochText(epoch, totalEpochs) + '\n');
      }
      if (progress.state !== 'running') resolve({ progress });
    });
  });
  progressLine.clear();

  const progress = outcome.progress;
  const epochs = progress?.epochs ?? [];
  const lastEpoch = epochs.length ? epochs[epochs.length - 1] : null;
  const seconds = (performance.now() - started) / 1000;
  if (outcome.interrupted) {
    // Stopped by a signal: the training is aborted with the notebook (dispose); what finished is said, nothing is written.
    if (command.json) io.stdout.write(JSON.stringify({ summary: { state: 'interrupted', mode: command.mode, epochs: epochs.length, seconds, params } }) + '\n');
    io.stderr.write(`ziffern: interrupted after ${epochs.length} of ${totalEpochs} epoch(s), ${seconds.toFixed(1)} s${command.reportPath ? '; no report written' : ''}\n`);
    return 130;
  }
  const state: RunReport['state'] = outcome.error ? 'error' : progress!.state;
  const errorText = outcome.error?.message ?? progress?.error;
  // The status line the page shows (cells/training.ts trainingStatus), e.g. "Not learning: … no better than guessing".
  const status = outcome.error ? null : await notebook.value('trainingStatus') as TrainingStatus;
  const loadedReport: RunReport['loaded'] = loaded ? { file: loaded.fileName, testAccuracy: null, testLoss: null, continued: true } : undefined;
  const summary = {
    state,
    mode: command.mode,
    epochs: epochs.length,
    trainLoss: lastEpoch?.trainLoss ?? null,
    trainAccuracy: lastEpoch?.trainAccuracy ?? null,
    testAccuracy: lastEpoch?.testAccuracy ?? null,
    bestTestAccuracy: epochs.length ? Math.max(...epochs.map((e) => e.testAccuracy)) : null,
    seconds,
    backend: lastEpoch?.backend ?? null,
    params,
    ...(status ? { status: status.text } : {}),
    ...(errorText ? { error: errorText } : {}),
    ...(loadedReport ? { loaded: loadedReport } : {}),
    ...(chip ? { chip } : {}),
  };
  if (command.json) io.stdout.write(JSON.stringify({ summary }) + '\n');
  else io.stdout.write(`${state}: ${epochs.length} epoch(s)${loaded ? ` more for "${loaded.fileName}"` : ''}, test accuracy ${lastEpoch ? percent(lastEpoch.testAccuracy) : 'n/a'}, ${seconds.toFixed(1)} s\n`);
  if (errorText) io.stderr.write(`ziffern: training ${state === 'error' ? 'failed' : state}: ${errorText}\n`);
  if (status?.notLearning && !command.json) io.stderr.write(`ziffern: ${status.text}\n`);

  if (command.reportPath) {
    const report: RunReport = {
      tool: 'ziffern', command: 'run', startedAt: startedAt.toISOString(), seconds, node: process.version, params,
      state, mode: command.mode, ...(errorText ? { error: errorText } : {}), backend: summary.backend, epochs, losses: progress?.losses ?? [],
      ...(loadedReport ? { loaded: loadedReport } : {}), ...(chip ? { chip } : {}),
    };
    if (!(await writeReport(command.reportPath, report, io))) return 1;
  }
  return state === 'done' ? 0 : 1;
}
