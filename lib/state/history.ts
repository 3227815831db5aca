/**
 * Run history: the finished (or stopped) training runs of this reader, so runs with different
 * parameters can be compared side by side, kept in localStorage across visits.
 *
 * A history is an immutable array (newest last); addRun/removeRun/clearHistory return new arrays,
 * which suits Observable cells. Size is bounded twice: at most MAX_RUNS runs, and each run's loss
 * curve is averaged down to at most MAX_LOSS_POINTS points. Reading stored text never throws: a
 * corrupt history is dropped with a warning, a corrupt run inside a good history is dropped alone.
 */
import { PARAMS, defaultParams, isParamName, validateParam, type ParamName, type ParamValues } from '../params';

const HISTORY_FORMAT = 'ziffern-history';
const HISTORY_VERSION = 1;
export const HISTORY_STORAGE_KEY = 'ziffern.history.v1';
export const MAX_RUNS = 20;
export const MAX_LOSS_POINTS = 1000;
const MAX_EPOCHS = 100;

type RunState = 'done' | 'cancelled' | 'error';
const RUN_STATES: readonly RunState[] = ['done', 'cancelled', 'error'];

interface EpochSummary {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

export interface RunRecord {
  id: string;
  /** Milliseconds since 1970 when the run ended. */
  timestamp: number;
  params: ParamValues;
  /** What actually ran, e.g. "mock" or "mock · wasm". */
  backend: string;
  state: RunState;
  /** Loss curve: mean training loss over each `batchesPerLossPoint` consecutive batches. NaN = diverged. */
  losses: number[];
  batchesPerLossPoint: number;
  epochs: EpochSummary[];
  /** Accuracies after the last finished epoch (null if no epoch finished). */
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export type RunHistory = readonly RunRecord[];

/** The parts of lib/train's TrainProgress a run record is made from (a TrainProgress fits). */
export interface FinishedTraining {
  state: 'running' | 'done' | 'cancelled' | 'error';
  losses: readonly number[];
  epochs: readonly { epoch: number; trainLoss: number; trainAccuracy: number; testAccuracy: number; seconds: number; backend?: string }[];
}

/** Average consecutive groups of `per` values (the last group may be shorter). */
function averageGroups(values: readonly number[], per: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += per) {
    let sum = 0;
    const end = Math.min(values.length, start + per);
    for (let i = start; i < end; i++) sum += values[i];
    out.push(sum / (end - start));
  }
  return out;
}

/** A loss curve with at most `maxPoints` points, and how many batches each point averages. */
export function downsampleLosses(losses: readonly number[], maxPoints = MAX_LOSS_POINTS): { losses: number[]; batchesPerLossPoint: number } {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be an integer ≥ 1, got ${maxPoints}`);
  const per = Math.max(1, Math.ceil(losses.length / maxPoints));
  return { losses: per === 1 ? [...losses] : averageGroups(losses, per), batchesPerLossPoint: per };
}

function uniqueId(timestamp: number, history: RunHistory): string {
  const base = `run-${Math.floor(timestamp).toString(36)}`;
  const taken = new Set(history.map((run) => run.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * A run record from the last TrainProgress of a run. `timestamp` is passed in (not read from the
 * clock here) so records are reproducible in tests; the id is unique within `history`.
 */
export function createRunRecord(
  training: FinishedTraining,
  params: ParamValues,
  options: { timestamp: number; history?: RunHistory; backend?: string },
): RunRecord {
  if (training.state === 'running') throw new Error('a run record needs a finished run (state done, cancelled or error), got state running');
  const history = options.history ?? [];
  const epochs = training.epochs.slice(-MAX_EPOCHS).map(({ epoch, trainLoss, trainAccuracy, testAccuracy, seconds }) => ({ epoch, trainLoss, trainAccuracy, testAccuracy, seconds }));
  const last = epochs.at(-1);
  const record: RunRecord = {
    id: uniqueId(options.timestamp, history),
    timestamp: options.timestamp,
    params: { ...params },
    backend: options.backend ?? training.epochs.at(-1)?.backend ?? params.backend,
    state: training.state,
    ...downsampleLosses(training.losses),
    epochs,
    trainAccuracy: last?.trainAccuracy ?? null,
    testAccuracy: last?.testAccuracy ?? null,
  };
  checkRun(record, 'new run');
  return record;
}

/** The history with `run` appended; the oldest runs are dropped beyond `maxRuns`. */
export function addRun(history: RunHistory, run: RunRecord, maxRuns = MAX_RUNS): RunHistory {
  checkRun(run, 'run');
  if (history.some((other) => other.id === run.id)) throw new Error(`run id "${run.id}" is already in the history`);
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new RangeError(`maxRuns must be an integer ≥ 1, got ${maxRuns}`);
  return [...history, run].slice(-maxRuns);
}

export function removeRun(history: RunHistory, id: string): RunHistory {
  return history.filter((run) => run.id !== id);
}

export function clearHistory(): RunHistory {
  return [];
}

// ---- validation ---------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isAccuracy = (value: unknown) => isNumber(value) && value >= 0 && value <= 1;

/** Throws an Error naming `where` and the bad field. */
function checkRun(run: RunRecord, where: string): void {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (typeof run.id !== 'string' || run.id.length === 0 || run.id.length > 64) fail('id must be a string of 1 to 64 characters');
  if (!isNumber(run.timestamp) || run.timestamp < 0) fail(`timestamp must be a time in milliseconds ≥ 0, got ${run.timestamp}`);
  if (typeof run.backend !== 'string' || run.backend.length > 64) fail('backend must be a string of at most 64 characters');
  if (!RUN_STATES.includes(run.state)) fail(`state must be one of ${RUN_STATES.join(', ')}, got ${JSON.stringify(run.state)}`);
  if (!Array.isArray(run.losses) || run.losses.length > MAX_LOSS_POINTS) fail(`losses must be an array of at most ${MAX_LOSS_POINTS} numbers`);
  if (run.losses.some((loss) => typeof loss !== 'number')) fail('losses must hold numbers (NaN for a diverged batch)');
  if (!Number.isSafeInteger(run.batchesPerLossPoint) || run.batchesPerLossPoint < 1) fail(`batchesPerLossPoint must be an integer ≥ 1, got ${run.batchesPerLossPoint}`);
  if (!Array.isArray(run.epochs) || run.epochs.length > MAX_EPOCHS) fail(`epochs must be an array of at most ${MAX_EPOCHS} entries`);
  run.epochs.forEach((epoch, i) => {
    if (!isObject(epoch)) fail(`epochs[${i}] must be an object`);
    if (!Number.isInteger(epoch.epoch) || epoch.epoch < 0) fail(`epochs[${i}].epoch must be an integer ≥ 0`);
    if (typeof epoch.trainLoss !== 'number') fail(`epochs[${i}].trainLoss must be a number`);
    if (!isAccuracy(epoch.trainAccuracy) || !isAccuracy(epoch.testAccuracy)) fail(`epochs[${i}] accuracies must be numbers from 0 to 1`);
    if (!isNumber(epoch.seconds) || epoch.seconds < 0) fail(`epochs[${i}].seconds must be a number ≥ 0`);
  });
  for (const key of ['trainAccuracy', 'testAccuracy'] as const) {
    if (run[key] !== null && !isAccuracy(run[key])) fail(`${key} must be null or a number from 0 to 1, got ${run[key]}`);
  }
  if (!isObject(run.params)) fail('params must be an object');
  for (const spec of PARAMS) {
    try {
      validateParam(spec.name, run.params[spec.name]);
    } catch (error) {
      fail((error as Error).message);
    }
  }
}

/** Stored params: unknown keys dropped, missing keys (a newer parameter table) filled with defaults. */
function readParams(raw: unknown): ParamValues {
  if (!isObject(raw)) throw new Error('params must be an object');
  const params: Record<string, unknown> = { ...defaultParams() };
  for (const [key, value] of Object.entries(raw)) if (isParamName(key)) params[key as ParamName] = value;
  return params as ParamValues;
}

/** JSON has no NaN: non-finite losses are stored as null and read back as NaN. */
function readRun(raw: unknown, where: string): RunRecord {
  if (!isObject(raw)) throw new Error(`${where}: must be an object`);
  const losses = Array.isArray(raw.losses) ? raw.losses.map((loss) => (loss === null ? Number.NaN : loss)) : raw.losses;
  const run = {
    id: raw.id,
    timestamp: raw.timestamp,
    params: readParams(raw.params),
    backend: raw.backend,
    state: raw.state,
    losses,
    batchesPerLossPoint: raw.batchesPerLossPoint,
    epochs: Array.isArray(raw.epochs)
      ? raw.epochs.map((epoch) => (isObject(epoch) ? { epoch: epoch.epoch, trainLoss: epoch.trainLoss === null ? Number.NaN : epoch.trainLoss, trainAccuracy: epoch.trainAccuracy, testAccuracy: epoch.testAccuracy, seconds: epoch.seconds } : epoch))
      : raw.epochs,
    trainAccuracy: raw.trainAccuracy,
    testAccuracy: raw.testAccuracy,
  } as RunRecord;
  checkRun(run, where);
  return run;
}

// ---- storage --------------------------------------------------------------------------------

/** Compact JSON for localStorage (losses rounded to 6 significant digits; NaN → null). */
export function serializeHistory(history: RunHistory): string {
  history.forEach((run, i) => checkRun(run, `history run ${i}`));
  return historyJson(history);
}

function historyJson(history: RunHistory): string {
  const round = (value: number) => (Number.isFinite(value) ? Number(value.toPrecision(6)) : null);
  return JSON.stringify({
    format: HISTORY_FORMAT,
    version: HISTORY_VERSION,
    runs: history.map((run) => ({ ...run, losses: run.losses.map(round), epochs: run.epochs.map((epoch) => ({ ...epoch, trainLoss: round(epoch.trainLoss) })) })),
  });
}

interface ParsedHistory {
  history: RunHistory;
  /** Why something stored was dropped; show or log them, nothing here is fatal. */
  warnings: string[];
}

/** Read stored text (null = nothing stored). Never throws. */
export function parseHistory(text: string | null | undefined): ParsedHistory {
  if (text === null || text === undefined || text === '') return { history: [], warnings: [] };
  const dropAll = (why: string): ParsedHistory => ({ history: [], warnings: [`stored run history dropped: ${why}`] });
  if (typeof text !== 'string') return dropAll(`expected text, got ${typeof text}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return dropAll(`not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) return dropAll('not a JSON object');
  if (json.format !== HISTORY_FORMAT) return dropAll(`format is ${JSON.stringify(json.format) ?? 'missing'}, expected "${HISTORY_FORMAT}"`);
  if (json.version !== HISTORY_VERSION) return dropAll(`version ${JSON.stringify(json.version) ?? 'missing'} is not ${HISTORY_VERSION}`);
  if (!Array.isArray(json.runs)) return dropAll('runs is not an array');
  const warnings: string[] = [];
  const runs: RunRecord[] = [];
  const ids = new Set<string>();
  json.runs.forEach((raw, i) => {
    try {
      const run = readRun(raw, `stored run ${i}`);
      if (ids.has(run.id)) throw new Error(`stored run ${i}: duplicate id "${run.id.slice(0, 64)}"`);
      ids.add(run.id);
      runs.push(run);
    } catch (error) {
      warnings.push(`${(error as Error).message}; run dropped`);
    }
  });
  if (runs.length > MAX_RUNS) warnings.push(`stored history had ${runs.length} runs; kept the newest ${MAX_RUNS}`);
  return { history: runs.slice(-MAX_RUNS), warnings };
}

/** The part of the Web Storage API used here (window.localStorage fits; tests pass a Map-backed fake). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Load the history from storage. Never throws: storage errors and corrupt data become warnings. */
export function loadHistory(storage: StorageLike, key = HISTORY_STORAGE_KEY): ParsedHistory {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch (error) {
    return { history: [], warnings: [`could not read the run history: ${(error as Error)?.message ?? String(error)}`] };
  }
  const parsed = parseHistory(text);
  // Do not keep tripping over a corrupt entry on every visit.
  if (parsed.warnings.length > 0 && parsed.history.length === 0) {
    try {
      storage.removeItem(key);
    } catch {
      /* the warning already says the history was dropped */
    }
  }
  return parsed;
}

export interface SavedHistory extends ParsedHistory {
  /** The runs that are in storage now (the newest that fit); `history` is every run, still listed in this page. */
  saved: RunHistory;
}

/**
 * Store the history. If storage is full (quota), the oldest runs are left out of storage until it fits; they
 * stay in the returned `history` (the page lists every run of this visit), and a warning (English and German by
 * `lang`) says which are not kept. Never throws for storage errors (an invalid run, a programming error, throws
 * naming it).
 */
export function saveHistory(storage: StorageLike, history: RunHistory, key = HISTORY_STORAGE_KEY, lang: 'en' | 'de' = 'en'): SavedHistory {
  // Invalid runs are a programming error, not a storage problem: throw before touching storage.
  history.forEach((run, i) => checkRun(run, `history run ${i}`));
  const warnings: string[] = [];
  for (let dropped = 0; dropped <= history.length; dropped++) {
    const kept = history.slice(dropped);
    try {
      storage.setItem(key, historyJson(kept));
      if (dropped > 0) {
        warnings.push(lang === 'de'
          ? `Der Speicher ist voll: Die ${dropped} ältesten Läufe stehen nur bis zum Verlassen der Seite in der Liste, gespeichert sind sie nicht.`
          : `storage is full: the ${dropped} oldest run(s) are listed until you leave this page, but not saved`);
      }
      return { history, saved: kept, warnings };
    } catch (error) {
      if (dropped === history.length) {
        const why = (error as Error)?.message ?? String(error);
        warnings.push(lang === 'de'
          ? `Die Läufe konnten nicht gespeichert werden (${why}); sie stehen nur bis zum Verlassen der Seite in der Liste.`
          : `could not save the run history (${why}); the runs are listed until you leave this page`);
      }
    }
  }
  return { history, saved: [], warnings };
}
