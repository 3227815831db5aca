/**
 * The browser Host: controls from lib/ui, MNIST fetched as gzipped bit-packed splits (test first, so the
 * page can show digits and predict early; the training split only when a training needs it), the precomputed
 * runs of the build, tfjs with its .wasm next to the bundle (imported only when asked for: the default engine
 * never needs it), and training in a Web Worker (lib/host/worker.ts) so the page stays responsive.
 *
 * All asset URLs are resolved against `assetBase` (default: the directory of the running bundle), so the
 * site works from any sub-path and the embed API works from any page.
 */
import { MAX_CALIBRATION_BYTES, nightlyCalibrationPath } from '../chip/calibration';
import { isDescribedChipDevice } from '../chip/description';
import type { Dataset, Split } from '../data/types';
import { gunzipBounded, readStreamBounded, responseTextBounded, TooLargeError } from '../data/bounded';
import { decodeSplit, MAX_ENCODED_SPLIT_BYTES } from '../data/encoding';
import { parseSummary, SUMMARY_FILE, type SplitSummary } from '../data/summary';
import type { HagenModel } from '../hagen/types';
import type { ParamSpec } from '../params';
import type { Host } from '../runtime/host';
import { checkProgressInterval, PROGRESS_INTERVAL_MS } from '../train/progress';
import type { HostTrainOptions } from '../train/run';
import type { TrainProgress } from '../train/train';
import { control } from '../ui/controls';
import type { Lang } from '../ui/i18n';
import type { StorageLike } from '../state/history';
import type { FromWorker, ToWorker, TransferableTrainOptions } from './worker';

const DATA_ASSETS = { test: 'data/mnist-test.bin.gz', train: 'data/mnist-train.bin.gz' } as const;
/** After an abort, how long the worker may take to confirm before it is terminated instead. */
const ABORT_GRACE_MS = 3000;
/**
 * A worker that ends without an error event (closed, killed by the browser) would leave a run waiting forever.
 * Progress arrives every batch or progress interval, so a run silent for this long — or for 20× its slowest gap so far, whichever is
 * longer, because big models on slow machines have slow batches — is declared dead.
 */
const SILENCE_LIMIT_MS = 30_000;
const SILENCE_GAP_FACTOR = 20;
/** setWasmPaths may only run before the wasm backend starts: once per page. */
let wasmPathsConfigured = false;

export interface BrowserHostOptions {
  /** Language of the controls. */
  lang?: Lang;
  /** Directory URL (ending in "/") holding data/, the .wasm files and worker.js. */
  assetBase?: string;
  /** Creates the training worker; tests and embedders may replace it. */
  createWorker?: () => Worker;
  /** Used for the data assets (tests pass a stub). */
  fetch?: typeof fetch;
  /** After an abort, how long the worker may take to confirm before it is terminated (default 3 s). */
  abortGraceMs?: number;
  /** How long a running training may stay silent before its worker is declared dead (default 30 s). */
  silenceLimitMs?: number;
  /** Least time between two running progress values of a training (default PROGRESS_INTERVAL_MS, lib/train/progress.ts; 0: every batch); the worker applies it. */
  progressIntervalMs?: number;
}

export interface BrowserHost extends Host {
  kind: 'browser';
  /** Only the test split (10 000 images): enough for the digit grid and predictions. */
  loadTestSplit(): Promise<Split>;
  /** The training split's images per digit, as the build ships them (without downloading the split). */
  loadTrainSummary(): Promise<SplitSummary>;
  /** Stop the training worker (the next run starts a new one). */
  dispose(): void;
  /** The site's calibration/nightly-chip<id>.json (fetched with a size bound; validated by the chipCalibration cell). */
  loadCalibration(chipId: number): Promise<string>;
}

/** Most bytes of a precomputed file (a model file of the largest allowed model and its curves). */
const MAX_PRECOMPUTED_BYTES = 80 * 1024 * 1024;

/** The directory of the running bundle, e.g. "https://host/sub/path/". */
function bundleDirectory(): string {
  return new URL('./', import.meta.url).href;
}

function checkAssetBase(assetBase: string): string {
  if (typeof assetBase !== 'string' || !assetBase.endsWith('/')) {
    throw new Error(`assetBase must be a URL directory ending in "/", got ${JSON.stringify(assetBase)}`);
  }
  return assetBase;
}

/** Fetch one gzipped split and decode it; every failure names the asset. */
export async function fetchSplit(url: string, assetName: string, fetchImpl: typeof fetch = fetch, signal?: AbortSignal): Promise<Split> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal });
  } catch (error) {
    if (signal?.aborted || (error as Error)?.name === 'AbortError') throw new Error(`loading ${assetName} was aborted`);
    throw new Error(`cannot load ${assetName} from ${url}: ${(error as Error)?.message ?? String(error)} (is the site served over http, and is the server still running?)`);
  }
  if (!response.ok) throw new Error(`cannot load ${assetName} from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  if (!response.body) throw new Error(`cannot load ${assetName} from ${url}: the response has no body`);
  let bytes: Uint8Array;
  try {
    // Inflated with a bound that holds while streaming: a gzip bomb stops at the largest split there is.
    bytes = await gunzipBounded(response.body, MAX_ENCODED_SPLIT_BYTES, assetName);
  } catch (error) {
    if (signal?.aborted) throw new Error(`loading ${assetName} was aborted`);
    if (error instanceof TooLargeError) throw new Error(`${assetName} is corrupt: ${error.message}`);
    throw new Error(`${assetName} is corrupt (not valid gzip): ${(error as Error)?.message ?? String(error)}`);
  }
  try {
    return decodeSplit(bytes, assetName);
  } catch (error) {
    throw new Error(`${assetName} is corrupt: ${(error as Error)?.message ?? String(error)}`);
  }
}

interface ActiveRun {
  push(message: FromWorker): void;
  fail(error: Error): void;
}

/** One worker at a time; it is replaced after it dies or is terminated. */
class TrainingWorker {
  private worker: Worker | null = null;
  private sentDataset: Dataset | null = null;
  private readonly runs = new Map<number, ActiveRun>();
  private nextRunId = 1;
  /** Runs handed to this worker that have not ended yet (counted before their generator starts). */
  reserved = 0;

  constructor(
    private readonly create: () => Worker,
    private readonly abortGraceMs: number,
    private readonly silenceLimitMs: number,
    private readonly progressIntervalMs: number,
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = this.create();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.runs.get(event.data.runId)?.push(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.crash(new Error(`the training worker stopped: ${event.message || 'it failed to load or crashed'}`));
    };
    worker.onmessageerror = () => this.crash(new Error('the training worker sent a message that could not be read'));
    this.worker = worker;
    this.sentDataset = null;
    return worker;
  }

  private crash(error: Error): void {
    this.terminate();
    for (const run of [...this.runs.values()]) run.fail(error);
    this.runs.clear();
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.sentDataset = null;
  }

  async *train(model: HagenModel, data: Dataset, opts: HostTrainOptions): AsyncGenerator<TrainProgress> {
    const { signal, engine, chip, ...rest } = opts;
    const transferable = { ...rest, progressIntervalMs: rest.progressIntervalMs ?? this.progressIntervalMs };
    if (engine) throw new Error('runTraining in the browser: opts.engine cannot be sent to the training worker; choose the engine through model.backend');
    if (chip && !isDescribedChipDevice(chip)) {
      throw new Error('runTraining in the browser: opts.chip cannot be sent to the training worker: it has no ChipDescription (use the chipDevice cell, or a device with a `description` for chipFromDescription)');
    }
    if (signal?.aborted) return;

    const worker = this.ensure();
    const runId = this.nextRunId++;
    const inbox: FromWorker[] = [];
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    let lastMessageAt = performance.now();
    let slowestGap = 0;
    this.runs.set(runId, {
      push: (message) => {
        const now = performance.now();
        slowestGap = Math.max(slowestGap, now - lastMessageAt);
        lastMessageAt = now;
        inbox.push(message);
        notify();
      },
      fail: (error) => {
        failure = error;
        notify();
      },
    });

    let finished = false;
    let lastModel: HagenModel = model;
    let abortTimer: ReturnType<typeof setTimeout> | undefined;
    const abort = () => {
      if (finished) return;
      this.worker?.postMessage({ type: 'abort', runId } satisfies ToWorker);
      // A worker stuck inside a batch would never answer: terminate it (the next run starts a new one).
      abortTimer = setTimeout(() => {
        if (!finished) this.crash(new Error('the training worker did not stop in time and was terminated'));
      }, this.abortGraceMs);
    };
    signal?.addEventListener('abort', abort, { once: true });

    try {
      const opts: TransferableTrainOptions = chip ? { ...transferable, chip: chip.description } : transferable;
      const message: ToWorker = { type: 'train', runId, model, opts };
      if (this.sentDataset !== data) {
        message.data = data;
        this.sentDataset = data;
      }
      worker.postMessage(message);
      lastMessageAt = performance.now();
      for (;;) {
        while (inbox.length === 0 && !failure) {
          const limit = Math.max(this.silenceLimitMs, SILENCE_GAP_FACTOR * slowestGap);
          const watchdog = setTimeout(() => this.crash(new Error(`the training worker stopped responding: no progress for ${Math.round(limit / 1000)} s`)), limit);
          try {
            await new Promise<void>((resolve) => (wake = resolve));
          } finally {
            clearTimeout(watchdog);
          }
        }
        if (inbox.length === 0 && failure) {
          if (signal?.aborted) return; // terminated on purpose after an abort: a cancelled run, not an error
          throw failure;
        }
        const next = inbox.shift()!;
        if (next.type === 'finished') {
          finished = true;
          return;
        }
        if (next.type === 'failed') {
          finished = true;
          throw new Error(`training failed: ${next.message}`);
        }
        if (next.progress.model) lastModel = next.progress.model;
        // Not a throttle (the worker applies the one progress rule): only when the page fell behind, a newer progress
        // already here replaces a running one; it carries everything this one does (losses, epochs; the weights are kept above).
        if (next.progress.state === 'running' && inbox[0]?.type === 'progress') continue;
        yield { ...next.progress, model: lastModel };
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      if (abortTimer !== undefined) clearTimeout(abortTimer);
      this.runs.delete(runId);
      // The consumer stopped early (generator.return()): stop the work too.
      if (!finished && this.worker) this.worker.postMessage({ type: 'abort', runId } satisfies ToWorker);
    }
  }
}

export function createBrowserHost(options: BrowserHostOptions = {}): BrowserHost {
  const lang = options.lang ?? 'en';
  const assetBase = checkAssetBase(options.assetBase ?? bundleDirectory());
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const progressIntervalMs = checkProgressInterval(options.progressIntervalMs ?? PROGRESS_INTERVAL_MS);
  const createWorker = options.createWorker ?? (() => new Worker(new URL('worker.js', assetBase), { type: 'module', name: 'ziffern-training' }));

  // One worker per concurrent run (the capacity sweep trains several widths at once); idle ones are reused.
  const workers: TrainingWorker[] = [];
  const trainOnIdleWorker = async function* (model: HagenModel, data: Dataset, opts: HostTrainOptions): AsyncGenerator<TrainProgress> {
    let worker = workers.find((candidate) => candidate.reserved === 0);
    if (!worker) {
      worker = new TrainingWorker(createWorker, options.abortGraceMs ?? ABORT_GRACE_MS, options.silenceLimitMs ?? SILENCE_LIMIT_MS, progressIntervalMs);
      workers.push(worker);
    }
    const reservedWorker = worker;
    reservedWorker.reserved++;
    // An aborted run frees its worker at once: the worker handles the `abort` before the next `train` message,
    // so a quick change reuses it instead of starting another worker (and copying the dataset into it).
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      reservedWorker.reserved--;
    };
    opts.signal?.addEventListener('abort', release, { once: true });
    try {
      yield* reservedWorker.train(model, data, opts);
    } finally {
      opts.signal?.removeEventListener('abort', release);
      release();
    }
  };
  let storage: StorageLike | undefined;
  try {
    // Reading localStorage throws in sandboxed frames and with storage disabled: then nothing is kept.
    storage = globalThis.localStorage ?? undefined;
  } catch {
    storage = undefined;
  }

  let testSplit: Promise<Split> | null = null;
  let dataset: Promise<Dataset> | null = null;
  let tfBackend: Promise<string> | null = null;
  let tfBackendInUse: string | null = null;

  // A failed load is forgotten, so calling again (the reader's "retry") fetches again.
  const forgetOnFailure = <T>(promise: Promise<T>, forget: () => void): Promise<T> => {
    promise.catch(forget);
    return promise;
  };

  const loadTestSplit = (): Promise<Split> => {
    testSplit ??= forgetOnFailure(fetchSplit(new URL(DATA_ASSETS.test, assetBase).href, DATA_ASSETS.test, fetchImpl), () => (testSplit = null));
    return testSplit;
  };

  /** A file of precomputed/ (null: there is none); only plain names ending in `.extension`. */
  const fetchPrecomputed = async (name: string, extension: 'json' | 'bin'): Promise<Response | null> => {
    if (!new RegExp(`^[a-z0-9][a-z0-9.-]{0,80}\\.${extension}$`).test(name)) {
      throw new Error(`precomputed file name ${JSON.stringify(name)} is not allowed: lower-case letters, digits, "-" and "." ending in .${extension}`);
    }
    const url = new URL(`precomputed/${name}`, assetBase).href;
    const response = await fetchImpl(url);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`cannot load precomputed/${name} from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
    return response;
  };

  let trainSummary: Promise<SplitSummary> | null = null;
  const loadTrainSummary = (): Promise<SplitSummary> => {
    trainSummary ??= forgetOnFailure((async () => {
      const url = new URL(SUMMARY_FILE, assetBase).href;
      let response: Response;
      try {
        response = await fetchImpl(url);
      } catch (error) {
        throw new Error(`cannot load ${SUMMARY_FILE} from ${url}: ${(error as Error)?.message ?? String(error)}`);
      }
      if (!response.ok) throw new Error(`cannot load ${SUMMARY_FILE} from ${url}: HTTP ${response.status} ${response.statusText}`.trim());
      return parseSummary(await response.text()).train;
    })(), () => (trainSummary = null));
    return trainSummary;
  };

  return {
    kind: 'browser',
    view(spec: ParamSpec) {
      return control(spec, spec.default, lang);
    },
    loadTestSplit,
    loadTrainSummary,
    loadDataset() {
      dataset ??= forgetOnFailure(
        (async () => {
          const test = await loadTestSplit();
          const train = await fetchSplit(new URL(DATA_ASSETS.train, assetBase).href, DATA_ASSETS.train, fetchImpl);
          return { train, test };
        })(),
        () => (dataset = null),
      );
      return dataset;
    },
    tfBackend() {
      tfBackend ??= forgetOnFailure(
        (async () => {
          // A chunk of its own (esbuild code splitting): only a page that asks for tfjs downloads it.
          const { configureWasmPaths, initTf } = await import('../tf/backend');
          if (!wasmPathsConfigured) {
            configureWasmPaths(assetBase);
            wasmPathsConfigured = true;
          }
          return (tfBackendInUse = await initTf());
        })(),
        () => (tfBackend = null),
      );
      return tfBackend;
    },
    tfBackendInUse: () => tfBackendInUse,
    runTraining(model, data, opts) {
      return trainOnIdleWorker(model, data, opts);
    },
    parallelTrainings: Math.max(1, Math.min(4, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1)),
    lang,
    storage,
    async readPrecomputed(name: string) {
      const response = await fetchPrecomputed(name, 'json');
      return response === null ? null : responseTextBounded(response, MAX_PRECOMPUTED_BYTES, `precomputed/${name}`);
    },
    async readPrecomputedBytes(name: string) {
      const response = await fetchPrecomputed(name, 'bin');
      if (response === null) return null;
      if (!response.body) return new Uint8Array(0);
      return readStreamBounded(response.body, MAX_PRECOMPUTED_BYTES, `precomputed/${name}`);
    },
    async loadCalibration(chipId: number) {
      const path = nightlyCalibrationPath(chipId);
      const url = new URL(path, assetBase).href;
      let response: Response;
      try {
        response = await fetchImpl(url);
      } catch (error) {
        throw new Error(`cannot load ${path}: ${(error as Error)?.message ?? String(error)}`);
      }
      if (response.status === 404) throw new Error(`this site has no ${path} (HTTP 404)`);
      if (!response.ok) throw new Error(`cannot load ${path}: HTTP ${response.status} ${response.statusText}`.trim());
      return responseTextBounded(response, MAX_CALIBRATION_BYTES, path);
    },
    dispose() {
      for (const worker of workers) worker.terminate();
    },
  };
}
