/**
 * The build's precompute step (Node): runs the notebook headless (cells/ with the Node host, the same
 * cells and engine the CLI uses) for each planned parameter set, and writes the results into
 * <outDir>/precomputed/ with an index. Results are cached in `cacheDir` by key, so a rebuild with
 * unchanged parameters and PRECOMPUTED_VERSION copies them instead of training again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepState } from '../../cells/capacity';
import { notebookCells } from '../../cells/index';
import { createNodeHost } from '../host/node';
import { parseModelFile, serializeModelFile } from '../modelfile/modelFile';
import { defaultParams, PARAMS, sameParamValue, type ParamValues } from '../params';
import { presetValues } from '../presets';
import type { Mutable } from '../runtime/generators';
import type { Host } from '../runtime/host';
import { createNotebook, type Notebook } from '../runtime/notebook';
import type { SweepRow } from '../sweep/sweep';
import type { TrainProgress } from '../train/train';
import {
  fileOf, indexJson, parseSweep, parseTraining, precomputeKey, PRECOMPUTED_INDEX, relevantParams, summaryOf, sweepJson, trainingJson,
  type IndexEntry, type PrecomputedKind, type RunSummary,
} from './files';
import { encodeTrainingRun } from './binary';

export interface PlannedRun {
  kind: PrecomputedKind;
  /** Parameters that differ from the defaults. */
  params: Partial<ParamValues>;
  /** Shown with the result when it was computed on a smaller budget than the reader's settings. */
  note?: string;
}

/**
 * What `npm run build` precomputes: the default training (exactly the page's first view), and the
 * default widths on a small budget that also shows overfitting (1 000 training images, 20 epochs, no
 * augmentation; ≈ 2 min), so a cold build stays under 5 minutes. The page labels that sweep as such
 * and runs one with the reader's settings on request.
 */
export const DEFAULT_PLAN: readonly PlannedRun[] = [
  { kind: 'training', params: {} },
  // the recommended preset too: the trained pad answers at once with either (issue 12)
  { kind: 'training', params: { preset: 'recommended', ...presetValues('recommended') } as Partial<ParamValues> },
  { kind: 'sweep', params: { trainSize: 1000, epochs: 20, augment: 'none' }, note: '1 000 training images, 20 epochs, no augmentation' },
];

export interface PrecomputeOptions {
  plan?: readonly PlannedRun[];
  /** Results by key, kept between builds (default: none, always compute). */
  cacheDir?: string;
  /** Progress lines (the CLI build prints them). */
  log?: (line: string) => void;
  /** For tests: a host with other data. */
  host?: Host;
}

export interface PrecomputeReport {
  entries: IndexEntry[];
  computed: string[];
  cached: string[];
  seconds: number;
}

async function applyParams(notebook: Notebook, params: Partial<ParamValues>): Promise<ParamValues> {
  for (const [name, value] of Object.entries(params)) await notebook.set(name, value);
  const all: Record<string, unknown> = {};
  for (const spec of PARAMS) all[spec.name] = await notebook.value(spec.name);
  return all as ParamValues;
}

/** Wait for the first value of `cell` that `accept` takes; a cell error rejects. */
function waitFor<T>(notebook: Notebook, cell: string, accept: (value: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = notebook.observe(cell, (value, error) => {
      if (error) {
        stop();
        reject(error);
      } else if (accept(value as T)) {
        stop();
        resolve(value as T);
      }
    });
  });
}

async function computeTraining(host: Host, planned: PlannedRun): Promise<string> {
  const notebook = createNotebook(notebookCells, host);
  try {
    const params = await applyParams(notebook, planned.params);
    const progress = await waitFor<TrainProgress>(notebook, 'training', (p) => p.state !== 'running');
    if (progress.state !== 'done') throw new Error(`precompute: training ${JSON.stringify(planned.params)} ended "${progress.state}": ${progress.error ?? ''}`);
    return trainingJson({
      params: relevantParams('training', params), losses: progress.losses, batchesPerEpoch: progress.batchesPerEpoch,
      epochs: progress.epochs, modelFile: serializeModelFile(progress.model, params, new Date(0)),
    });
  } finally {
    notebook.dispose();
  }
}

async function computeSweep(host: Host, planned: PlannedRun): Promise<string> {
  const notebook = createNotebook(notebookCells, host);
  try {
    const params = await applyParams(notebook, planned.params);
    (await notebook.value('sweepRequestState') as Mutable<boolean>).value = true;
    const sweep = await waitFor<SweepState>(notebook, 'sweep', (s) => s.source === 'live' && s.state !== 'running');
    if (sweep.state !== 'done') throw new Error(`precompute: sweep ${JSON.stringify(planned.params)} ended "${sweep.state}": ${sweep.error ?? ''}`);
    return sweepJson({ params: relevantParams('sweep', params), widths: [...sweep.widths], rows: sweep.rows as SweepRow[] });
  } finally {
    notebook.dispose();
  }
}

function readCached(cacheDir: string | undefined, kind: PrecomputedKind, file: string): string | null {
  if (!cacheDir) return null;
  try {
    const text = readFileSync(join(cacheDir, file), 'utf8');
    // A damaged cache entry is recomputed, never shipped.
    if (kind === 'training') parseTraining(text, file);
    else parseSweep(text, file);
    return text;
  } catch {
    return null;
  }
}

/** The compact form the page downloads, made from the cached full-precision run, and its summary for the index. */
function trainingBinary(text: string, file: string): { bytes: Uint8Array; summary: RunSummary } {
  const { modelFile, ...fields } = parseTraining(text, file);
  const run = { ...fields, model: parseModelFile(modelFile, file).model };
  return { bytes: encodeTrainingRun(run), summary: summaryOf(run) };
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Run (or reuse) every planned result and write <outDir>/precomputed/ (always with an index, possibly empty). */
export async function precompute(outDir: string, options: PrecomputeOptions = {}): Promise<PrecomputeReport> {
  const started = performance.now();
  const plan = options.plan ?? DEFAULT_PLAN;
  const log = options.log ?? (() => {});
  const host = options.host ?? createNodeHost();
  const target = join(outDir, 'precomputed');
  mkdirSync(target, { recursive: true });
  if (options.cacheDir) mkdirSync(options.cacheDir, { recursive: true });
  const report: PrecomputeReport = { entries: [], computed: [], cached: [], seconds: 0 };
  const defaults = defaultParams();
  for (const planned of plan) {
    const full = { ...defaults, ...planned.params } as ParamValues;
    const key = precomputeKey(planned.kind, full);
    const file = `${key}.json`;
    let text = readCached(options.cacheDir, planned.kind, file);
    if (text) {
      report.cached.push(key);
      log(`  precomputed ${key} (cached)`);
    } else {
      const t0 = performance.now();
      const changed = Object.entries(planned.params).filter(([name, value]) => !sameParamValue(value, (defaults as Record<string, unknown>)[name]));
      log(`  precomputing ${planned.kind} ${changed.length ? changed.map(([n, v]) => `${n}=${String(v)}`).join(' ') : '(defaults)'}…`);
      text = planned.kind === 'training' ? await computeTraining(host, planned) : await computeSweep(host, planned);
      if (options.cacheDir) writeAtomically(join(options.cacheDir, file), text);
      report.computed.push(key);
      log(`  precomputed ${key} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const shipped = fileOf(planned.kind, key);
    const binary = planned.kind === 'training' ? trainingBinary(text, file) : null;
    writeFileSync(join(target, shipped), binary ? binary.bytes : text);
    report.entries.push({
      kind: planned.kind, key, file: shipped, params: relevantParams(planned.kind, full),
      ...(planned.note ? { note: planned.note } : {}), ...(binary ? { summary: binary.summary } : {}),
    });
  }
  writeFileSync(join(target, PRECOMPUTED_INDEX), indexJson(report.entries));
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
