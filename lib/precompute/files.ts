/**
 * Results the build computes once in Node and ships with the site (dist/precomputed/), so the page
 * shows a trained model and its curves at once. Each result is keyed by a stable hash of the
 * parameters it depends on; the page uses it only when the reader's parameters are exactly those.
 *
 *   precomputed/index.json                 { format, version, entries: [{ kind, key, file, params, note }] }
 *   precomputed/training-<hash>.bin        the run in a compact, checksummed binary form (binary.ts): what the page downloads
 *   (cache) training-<hash>.json           { format, version, kind: 'training', params, losses, batchesPerEpoch, epochs, modelFile }
 *                                          the build's cache keeps the full-precision run; the .bin is made from it
 *   precomputed/sweep-<hash>.json          { format, version, kind: 'sweep', params, widths, rows }
 *
 * Everything here is plain, host-neutral logic: the build writes with it, the page reads with it.
 */
import { defaultParams, isParamName, sameParamValue, validateParam, type ParamName, type ParamValues } from '../params';
import { SWEEP_RESULT_PARAMS, TRAINING_RESULT_PARAMS } from './resultParams.generated';
import type { SweepRow } from '../sweep/sweep';
import type { EpochResult } from '../train/train';

const PRECOMPUTED_FORMAT = 'ziffern-precomputed';
/** Bump when training or evaluation changes results: cached and shipped files of an older version are ignored. */
export const PRECOMPUTED_VERSION = 1;
export const PRECOMPUTED_INDEX = 'index.json';

export type PrecomputedKind = 'training' | 'sweep';

// Which parameters a result depends on is the cell graph's answer (upstream of the `training` / `sweep` cell),
// generated into resultParams.generated.ts by build-result-params.ts; a test fails when it is out of date.
export type TrainingParams = Pick<ParamValues, (typeof TRAINING_RESULT_PARAMS)[number]>;
export type SweepParams = Pick<ParamValues, (typeof SWEEP_RESULT_PARAMS)[number]>;

/** The parameter names a result of this kind depends on, in the parameter table's order. */
export function relevantParamNames(kind: PrecomputedKind): ParamName[] {
  return [...(kind === 'training' ? TRAINING_RESULT_PARAMS : SWEEP_RESULT_PARAMS)];
}

/** Only the parameters a result of `kind` depends on, validated. */
export function relevantParams(kind: PrecomputedKind, params: Partial<ParamValues>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of relevantParamNames(kind)) out[name] = validateParam(name, (params as Record<string, unknown>)[name]);
  return out;
}

/** Same relevant parameters (lists by items). */
export function sameRelevantParams(kind: PrecomputedKind, a: Partial<ParamValues>, b: Partial<ParamValues>): boolean {
  return relevantParamNames(kind).every((name) => sameParamValue((a as Record<string, unknown>)[name], (b as Record<string, unknown>)[name]));
}

/** cyrb53: a fast, well-mixed 53-bit string hash (not cryptographic: names files, never authenticates). */
function stableHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** `training-<hash>` / `sweep-<hash>`: the hash covers the format version and the relevant parameters. */
export function precomputeKey(kind: PrecomputedKind, params: Partial<ParamValues>): string {
  const relevant = relevantParams(kind, params);
  const canonical = JSON.stringify([PRECOMPUTED_FORMAT, PRECOMPUTED_VERSION, kind, relevantParamNames(kind).map((name) => [name, relevant[name]])]);
  return `${kind}-${stableHash(canonical)}`;
}

export interface IndexEntry {
  kind: PrecomputedKind;
  key: string;
  file: string;
  params: Record<string, unknown>;
  /** How it was computed when that differs from what the reader would expect, e.g. "1 epoch on 10 000 images". */
  note?: string;
  /** training only: what a comparison shows without downloading the run (its model's shape, accuracy per epoch). */
  summary?: RunSummary;
}

/** A precomputed training run in brief: the index carries it, so comparing runs costs no download of their weights. */
export interface RunSummary {
  /** Each layer's shape (a convolution's kernel and stride on the first). */
  layers: { inFeatures: number; outFeatures: number; conv?: { kernel: number; stride: number } }[];
  /** Per epoch: its number, the test accuracy at its end and the seconds it took. */
  epochs: { epoch: number; testAccuracy: number; seconds: number }[];
  /** The last epoch's confusion matrix, [true][predicted]. */
  confusion: number[][];
}

/** The summary of a run: its model's shape and its epochs. */
export function summaryOf(run: { epochs: readonly EpochResult[]; model: { layers: readonly { inFeatures: number; outFeatures: number; conv?: { kernel: number; stride: number } }[] } }): RunSummary {
  return {
    layers: run.model.layers.map((l) => ({ inFeatures: l.inFeatures, outFeatures: l.outFeatures, ...(l.conv ? { conv: { kernel: l.conv.kernel, stride: l.conv.stride } } : {}) })),
    epochs: run.epochs.map((e) => ({ epoch: e.epoch, testAccuracy: e.testAccuracy, seconds: e.seconds })),
    confusion: run.epochs.at(-1)?.confusion.map((row) => [...row]) ?? [],
  };
}
export interface PrecomputedIndex {
  entries: IndexEntry[];
}

/** One epoch as the training reported it (same shape as lib/train's EpochResult). */
type EpochRecord = EpochResult;
export interface PrecomputedTraining {
  params: Record<string, unknown>;
  losses: number[];
  batchesPerEpoch: number;
  epochs: EpochRecord[];
  /** A lib/modelfile model file (JSON text) of the trained weights. */
  modelFile: string;
}
export interface PrecomputedSweep {
  params: Record<string, unknown>;
  widths: number[];
  /** The final row of every width. */
  rows: SweepRow[];
}

// ---- writing --------------------------------------------------------------------------------

export function indexJson(entries: readonly IndexEntry[]): string {
  return JSON.stringify({ format: PRECOMPUTED_FORMAT, version: PRECOMPUTED_VERSION, entries }, null, 1);
}

export function trainingJson(training: PrecomputedTraining): string {
  return JSON.stringify({ format: PRECOMPUTED_FORMAT, version: PRECOMPUTED_VERSION, kind: 'training', ...training });
}

export function sweepJson(sweep: PrecomputedSweep): string {
  return JSON.stringify({ format: PRECOMPUTED_FORMAT, version: PRECOMPUTED_VERSION, kind: 'sweep', ...sweep });
}

// ---- reading (strict: every problem names the file and the field) ------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string, where: string, kind: string | null): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(json)) throw new Error(`${where}: expected a JSON object`);
  if (json.format !== PRECOMPUTED_FORMAT) throw new Error(`${where}: format must be "${PRECOMPUTED_FORMAT}", got ${JSON.stringify(json.format)}`);
  if (json.version !== PRECOMPUTED_VERSION) throw new Error(`${where}: version ${JSON.stringify(json.version)} is not ${PRECOMPUTED_VERSION}`);
  if (kind !== null && json.kind !== kind) throw new Error(`${where}: kind must be "${kind}", got ${JSON.stringify(json.kind)}`);
  return json;
}

/** Stored parameters: every relevant one present and valid (lists come back as validated lists). */
function readParams(kind: PrecomputedKind, raw: unknown, where: string): Record<string, unknown> {
  if (!isObject(raw)) throw new Error(`${where}: params must be an object`);
  const out: Record<string, unknown> = {};
  for (const name of relevantParamNames(kind)) {
    if (!(name in raw)) throw new Error(`${where}: params.${name} is missing`);
    try {
      out[name] = validateParam(name, raw[name]);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }
  for (const key of Object.keys(raw)) if (!isParamName(key)) throw new Error(`${where}: params.${key.slice(0, 40)} is not a parameter`);
  return out;
}

const finiteOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : value === null ? fallback : Number.NaN);

/** Where a result is shipped: a training run in the compact binary form (binary.ts), a sweep as JSON. */
export function fileOf(kind: PrecomputedKind, key: string): string {
  return kind === 'training' ? `${key}.bin` : `${key}.json`;
}

export function parseIndex(text: string): PrecomputedIndex {
  const where = 'precomputed/index.json';
  const json = parseJson(text, where, null);
  if (!Array.isArray(json.entries)) throw new Error(`${where}: entries must be an array`);
  const entries = json.entries.map((raw, i): IndexEntry => {
    const at = `${where} entries[${i}]`;
    if (!isObject(raw)) throw new Error(`${at}: must be an object`);
    if (raw.kind !== 'training' && raw.kind !== 'sweep') throw new Error(`${at}: kind must be "training" or "sweep"`);
    if (typeof raw.key !== 'string' || !/^(training|sweep)-[0-9a-f]{14}$/.test(raw.key)) throw new Error(`${at}: key must look like "${raw.kind}-<14 hex digits>"`);
    const file = fileOf(raw.kind, raw.key);
    if (raw.file !== file) throw new Error(`${at}: file must be "${file}"`);
    if (raw.note !== undefined && (typeof raw.note !== 'string' || raw.note.length > 200)) throw new Error(`${at}: note must be a string of at most 200 characters`);
    const params = readParams(raw.kind, raw.params, at);
    const summary = raw.summary === undefined ? undefined : readSummary(raw.summary, `${at}.summary`);
    if (summary && raw.kind !== 'training') throw new Error(`${at}: only a training has a summary`);
    return { kind: raw.kind, key: raw.key, file: raw.file, params, ...(raw.note !== undefined ? { note: raw.note as string } : {}), ...(summary ? { summary } : {}) };
  });
  return { entries };
}

const isCount = (n: unknown, min = 0) => Number.isInteger(n) && (n as number) >= min;

function readSummary(raw: unknown, where: string): RunSummary {
  if (!isObject(raw)) throw new Error(`${where}: must be an object`);
  const { layers, epochs, confusion } = raw;
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => isObject(l) && isCount(l.inFeatures, 1) && isCount(l.outFeatures, 1)
    && (l.conv === undefined || (isObject(l.conv) && isCount(l.conv.kernel, 1) && isCount(l.conv.stride, 1))))) {
    throw new Error(`${where}.layers must be a non-empty list of { inFeatures, outFeatures, conv? } with positive integers`);
  }
  if (!Array.isArray(epochs) || epochs.length === 0 || !epochs.every((e) => isObject(e) && isCount(e.epoch, 1)
    && typeof e.testAccuracy === 'number' && e.testAccuracy >= 0 && e.testAccuracy <= 1 && typeof e.seconds === 'number' && e.seconds >= 0)) {
    throw new Error(`${where}.epochs must be a non-empty list of { epoch ≥ 1, testAccuracy from 0 to 1, seconds ≥ 0 }`);
  }
  if (!Array.isArray(confusion) || confusion.length !== 10 || confusion.some((row) => !Array.isArray(row) || row.length !== 10 || row.some((n) => !isCount(n)))) {
    throw new Error(`${where}.confusion must be 10 rows of 10 counts`);
  }
  return {
    layers: layers.map((l) => ({ inFeatures: l.inFeatures, outFeatures: l.outFeatures, ...(l.conv ? { conv: { kernel: l.conv.kernel, stride: l.conv.stride } } : {}) })),
    epochs: epochs.map((e) => ({ epoch: e.epoch, testAccuracy: e.testAccuracy, seconds: e.seconds })),
    confusion: confusion as number[][],
  };
}

export function parseTraining(text: string, fileName: string): PrecomputedTraining {
  const where = `precomputed/${fileName}`;
  const json = parseJson(text, where, 'training');
  const fields = checkTrainingFields(json, where);
  if (typeof json.modelFile !== 'string') throw new Error(`${where}: modelFile must be the text of a model file`);
  return { ...fields, modelFile: json.modelFile };
}

/** A training result's fields besides its model (params, losses, batchesPerEpoch, epochs), checked; shared with the binary form (binary.ts). */
export function checkTrainingFields(json: Record<string, unknown>, where: string): Omit<PrecomputedTraining, 'modelFile'> {
  const params = readParams('training', json.params, where);
  if (!Array.isArray(json.losses)) throw new Error(`${where}: losses must be an array`);
  if (json.losses.some((loss) => loss !== null && typeof loss !== 'number')) throw new Error(`${where}: losses must be numbers (null for a diverged batch)`);
  const losses = json.losses.map((loss) => finiteOr(loss, Number.NaN));
  if (!Number.isInteger(json.batchesPerEpoch) || (json.batchesPerEpoch as number) < 1) throw new Error(`${where}: batchesPerEpoch must be an integer ≥ 1`);
  if (!Array.isArray(json.epochs) || json.epochs.length === 0) throw new Error(`${where}: epochs must be a non-empty array`);
  const epochs = json.epochs.map((raw, i): EpochRecord => {
    if (!isObject(raw)) throw new Error(`${where}: epochs[${i}] must be an object`);
    const accuracy = (key: string) => {
      const value = raw[key];
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`${where}: epochs[${i}].${key} must be a number from 0 to 1`);
      return value;
    };
    const confusion = raw.confusion;
    if (!Array.isArray(confusion) || confusion.length !== 10 || confusion.some((row) => !Array.isArray(row) || row.length !== 10 || row.some((n) => !Number.isInteger(n) || n < 0))) {
      throw new Error(`${where}: epochs[${i}].confusion must be 10 rows of 10 counts`);
    }
    if (!Number.isInteger(raw.epoch) || typeof raw.seconds !== 'number' || typeof raw.backend !== 'string') throw new Error(`${where}: epochs[${i}] needs epoch, seconds and backend`);
    return {
      epoch: raw.epoch as number, trainLoss: finiteOr(raw.trainLoss, Number.NaN), trainAccuracy: accuracy('trainAccuracy'), testAccuracy: accuracy('testAccuracy'),
      seconds: raw.seconds as number, backend: raw.backend as string, confusion: confusion as number[][],
    };
  });
  return { params, losses, batchesPerEpoch: json.batchesPerEpoch as number, epochs };
}

const SWEEP_STATES = ['done', 'cancelled', 'error'] as const;

export function parseSweep(text: string, fileName: string): PrecomputedSweep {
  const where = `precomputed/${fileName}`;
  const json = parseJson(text, where, 'sweep');
  const params = readParams('sweep', json.params, where);
  const widths = validateParam('sweepWidths', json.widths) as readonly number[];
  if (!Array.isArray(json.rows)) throw new Error(`${where}: rows must be an array`);
  const nullableNumber = (value: unknown, what: string) => {
    if (value === null) return null;
    if (typeof value !== 'number') throw new Error(`${where}: ${what} must be a number or null`);
    return value;
  };
  const rows = json.rows.map((raw, i): SweepRow => {
    if (!isObject(raw)) throw new Error(`${where}: rows[${i}] must be an object`);
    if (!widths.includes(raw.hidden as number)) throw new Error(`${where}: rows[${i}].hidden must be one of the widths ${widths.join(', ')}`);
    if (!(SWEEP_STATES as readonly unknown[]).includes(raw.state)) throw new Error(`${where}: rows[${i}].state must be one of ${SWEEP_STATES.join(', ')}`);
    return {
      hidden: raw.hidden as number, state: raw.state as SweepRow['state'],
      trainAccuracy: nullableNumber(raw.trainAccuracy, `rows[${i}].trainAccuracy`), testAccuracy: nullableNumber(raw.testAccuracy, `rows[${i}].testAccuracy`),
      trainLoss: nullableNumber(raw.trainLoss, `rows[${i}].trainLoss`), testLoss: nullableNumber(raw.testLoss, `rows[${i}].testLoss`),
      seconds: nullableNumber(raw.seconds, `rows[${i}].seconds`) ?? 0,
      ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
    };
  });
  return { params, widths: [...widths], rows };
}

/** The full parameter set a stored result stands for (irrelevant ones at their defaults). */
export function withDefaults(params: Record<string, unknown>): ParamValues {
  return { ...defaultParams(), ...params } as ParamValues;
}
