import type { Dataset } from '../data/types';
import type { HagenModel } from '../hagen/types';
import type { ParamSpec } from '../params';
import type { TrainOptions, TrainProgress } from '../train/train';
import type { HeadlessView } from './headless-view';

/**
 * The notebook's edges, available to cells as the builtin `host`. The same cells run in Node (lib/host/node.ts:
 * data from node_modules, training in-process) and in the page (lib/host/browser.ts: fetched data, training in
 * a Web Worker).
 */
export interface Host {
  kind: 'node' | 'browser';
  /** The view (control) of one parameter, holding `spec.default` at first. */
  view(spec: ParamSpec): HeadlessView | HTMLElement;
  loadDataset(): Promise<Dataset>;
  /** Initialise TensorFlow.js and name the backend in use. */
  tfBackend(): Promise<string>;
  /** Train (a copy of) `model`; stops within one batch when `opts.signal` aborts. */
  runTraining(model: HagenModel, data: Dataset, opts: TrainOptions): AsyncIterable<TrainProgress>;
}
