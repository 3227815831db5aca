import type { Dataset } from '../data/types';
import type { HagenModel } from '../hagen/types';
import type { ParamSpec } from '../params';
import type { HostTrainOptions } from '../train/run';
import type { TrainProgress } from '../train/train';
import type { StorageLike } from '../state/history';
import type { Lang } from '../ui/i18n';
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
  /** The tfjs backend if something has started tfjs already, else null (the page loads tfjs only on demand). */
  tfBackendInUse?(): string | null;
  /**
   * Train (a copy of) `model` through lib/train's one entry (lib/train/run.ts runTraining); stops within one batch
   * when `opts.signal` aborts. Running progress comes as the one progress rule hands it on (lib/train/progress.ts:
   * at most every `opts.progressIntervalMs`, default the host's, plus the first, epoch ends and final states).
   */
  runTraining(model: HagenModel, data: Dataset, opts: HostTrainOptions): AsyncIterable<TrainProgress>;
  /** How many runTraining calls may usefully run at once (the page gives each its own worker); 1 when absent. */
  parallelTrainings?: number;
  /** The reader's language, for display cells; English when absent. */
  lang?: Lang;
  /** Kept across visits (the page's localStorage), e.g. the run history; absent in Node. */
  storage?: StorageLike;
  /** The text of chip `chipId`'s nightly calibration file (page: the site's calibration/nightly-chip<id>.json; Node: the package's), size-bounded. Without it a nightly calibration is refused (and said). */
  loadCalibration?(chipId: number): Promise<string>;
  /** A file the build computed in advance (dist/precomputed/<name>), or null where there is none (Node: train for real). */
  readPrecomputed?(name: string): Promise<string | null>;
  /** The same for a binary file (a precomputed training run, lib/precompute/binary.ts). */
  readPrecomputedBytes?(name: string): Promise<Uint8Array | null>;
}
