/** Running `ziffern run` on a notebook: progress, per-epoch output, summary and report. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LoadedModel } from '../../cells/modelfile';
import { notebookCells } from '../../cells/index';
import type { Dataset } from '../data/types';
import { parseModelFile } from '../modelfile/modelFile';
import { relevantParamNames } from '../precompute/files';
import { PARAMS, sameParamValue } from '../params';
import { Rng } from '../random';
import type { Mutable } from '../runtime/generators';
import { evaluate } from '../train/evaluate';
import type { Host } from '../runtime/host';
import { createNotebook } from '../runtime/notebook';
import type { TrainProgress } from '../train/train';
import type { RunCommand } from './args';

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
export function epochLine(epoch: EpochResult): string {
  const { epoch: n, trainLoss, trainAccuracy, testAccuracy, seconds, backend } = epoch;
  return JSON.stringify({ epoch: n, trainLoss, trainAccuracy, testAccuracy, seconds, backend });
}

const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;

export function epochText(epoch: EpochResult, totalEpochs: number): string {
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

/** A progress bar on a TTY (redrawn in place, at most 10×/s); a plain line every few seconds otherwise. */
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
  state: TrainProgress['state'] | 'interrupted';
  error?: string;
  backend: string | null;
  epochs: EpochResult[];
  losses: number[];
  /** With --load: the model file and, unless --continue, its accuracy and loss on the test set. */
  loaded?: { file: string; testAccuracy: number | null; testLoss: number | null; continued: boolean };
}

/** Read and check a model file for --load; problems are usage errors naming the file. */
async function readModelFile(path: string): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read model file "${path}": ${(error as Error).message}`);
  }
  return { ...parseModelFile(text, basename(path)), fileName: basename(path) };
}

export async function runCommand(command: RunCommand, io: CliIo, host: Host, signal?: AbortSignal): Promise<number> {
  const notebook = createNotebook(notebookCells, host);
  try {
    let loaded: LoadedModel | null = null;
    if (command.loadPath) {
      try {
        loaded = await readModelFile(command.loadPath);
      } catch (error) {
        io.stderr.write(`ziffern: ${(error as Error).message}\n`);
        return 2;
      }
      for (const warning of loaded.warnings) io.stderr.write(`ziffern: ${warning}\n`);
      // The file's training parameters first; --set may change the others after.
      for (const name of relevantParamNames('training')) await notebook.set(name, (loaded.params as Record<string, unknown>)[name]);
    }
    for (const { name, value } of command.sets) await notebook.set(name, value);
    if (loaded) {
      for (const name of ['backend', 'hidden', 'layers', 'shift'] as const) {
        const value = await notebook.value(name);
        if (!sameParamValue(value, loaded.params[name])) {
          io.stderr.write(`ziffern: --set ${name}=${String(value)} does not fit the loaded model "${loaded.fileName}" (${name} = ${String(loaded.params[name])})\n`);
          return 2;
        }
      }
      const model = loaded.model;
      if (command.continueTraining) notebook.redefine({ name: 'model', inputs: [], define: () => model });
      else (await notebook.value('loadedModelState') as Mutable<LoadedModel | null>).value = loaded;
    }
    const params: Record<string, unknown> = {};
    for (const spec of PARAMS) params[spec.name] = await notebook.value(spec.name);
    const totalEpochs = params.epochs as number;

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
    const state: RunReport['state'] = outcome.interrupted ? 'interrupted' : outcome.error ? 'error' : progress!.state;
    const errorText = outcome.error?.message ?? progress?.error;
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      state,
      epochs: epochs.length,
      trainLoss: lastEpoch?.trainLoss ?? null,
      trainAccuracy: lastEpoch?.trainAccuracy ?? null,
      testAccuracy: lastEpoch?.testAccuracy ?? null,
      bestTestAccuracy: epochs.length ? Math.max(...epochs.map((e) => e.testAccuracy)) : null,
      seconds,
      backend: lastEpoch?.backend ?? null,
      params,
      ...(errorText ? { error: errorText } : {}),
    };
    let loadedReport: RunReport['loaded'];
    if (loaded) {
      loadedReport = { file: loaded.fileName, testAccuracy: null, testLoss: null, continued: command.continueTraining };
      if (!command.continueTraining && progress?.state === 'done') {
        // The loaded model on the test set (mock noise seeded like the rest of the notebook).
        const dataset = (await notebook.value('dataset')) as Dataset;
        await host.tfBackend();
        const model = progress.model;
        const evaluation = evaluate(model, dataset.test, { rng: model.backend === 'ideal' ? null : Rng.derive(params.seed as number, 'noise/cli/load') });
        loadedReport.testAccuracy = evaluation.accuracy;
        loadedReport.testLoss = evaluation.loss;
        if (!command.json) io.stdout.write(`loaded model "${loaded.fileName}": test accuracy ${percent(evaluation.accuracy)}, test loss ${evaluation.loss.toFixed(4)}\n`);
      }
      Object.assign(summary, { loaded: loadedReport });
    }
    if (command.json) io.stdout.write(JSON.stringify({ summary }) + '\n');
    else io.stdout.write(`${state}: ${epochs.length} epoch(s), test accuracy ${lastEpoch ? percent(lastEpoch.testAccuracy) : 'n/a'}, ${seconds.toFixed(1)} s\n`);
    if (errorText) io.stderr.write(`ziffern: training ${state === 'error' ? 'failed' : state}: ${errorText}\n`);

    if (command.reportPath) {
      const report: RunReport = {
        tool: 'ziffern', command: 'run', startedAt: startedAt.toISOString(), seconds, node: process.version, params,
        state, ...(errorText ? { error: errorText } : {}), backend: summary.backend, epochs, losses: progress?.losses ?? [],
        ...(loadedReport ? { loaded: loadedReport } : {}),
      };
      await writeFile(command.reportPath, JSON.stringify(report, null, 2) + '\n');
    }
    if (state === 'interrupted') return 130;
    return state === 'done' ? 0 : 1;
  } finally {
    notebook.dispose();
  }
}
