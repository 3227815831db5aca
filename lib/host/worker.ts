/**
 * The training Web Worker (dist/worker.js): runs lib/train's one training entry (runTraining, the same as
 * Node's) off the page's main thread and posts the progress it hands on (the one progress rule,
 * lib/train/progress.ts). The page (lib/host/browser.ts) sends the dataset once per worker, then one `train`
 * message per run; `abort` stops a run within one batch. This file keeps only the edges: the transport,
 * weights copied out once per snapshot, and the nested worker that is the run's helper thread.
 *
 * The protocol types live here; browser.ts imports them type-only, so no worker code enters the page.
 */
import type { ChipDescription } from '../chip/description';
import { AugmentThread, serveAugmentation, type FromAugmenter, type ToAugmenter } from '../train/helper/thread';
import type { Dataset } from '../data/types';
import type { HagenModel } from '../hagen/types';
import { runTraining, type HostTrainOptions } from '../train/run';
import type { TrainProgress } from '../train/train';

/**
 * What can cross the worker boundary: the host's training options without the live objects (engine, signal);
 * the chip travels as its description and the entry builds it (lib/train/run.ts trainingChip).
 */
export type TransferableTrainOptions = Omit<HostTrainOptions, 'engine' | 'chip' | 'signal' | 'augmentThread'> & { chip?: ChipDescription };

export type ToWorker =
  | { type: 'train'; runId: number; model: HagenModel; data?: Dataset; opts: TransferableTrainOptions }
  | { type: 'abort'; runId: number };

export type FromWorker =
  /** `model` is null when the weights did not change since the previous message of this run. */
  | { type: 'progress'; runId: number; progress: Omit<TrainProgress, 'model'> & { model: HagenModel | null } }
  | { type: 'finished'; runId: number }
  | { type: 'failed'; runId: number; message: string };

/** A copy of the model's weights whose buffers the worker can give away (transfer) without touching the trainer's. */
function detachedCopy(model: HagenModel): { model: HagenModel; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const layers = model.layers.map((layer) => {
    const weight = layer.weight.slice();
    const bias = layer.bias.slice();
    buffers.push(weight.buffer as ArrayBuffer, bias.buffer as ArrayBuffer);
    return { ...layer, weight, bias };
  });
  return { model: { ...model, mock: { ...model.mock }, layers }, buffers };
}

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

/**
 * Wire the protocol to a worker scope (exported so tests can drive it with a fake scope).
 * `prepare` runs before each run (tests: a set-up to wait for). `augmentThread` gives the thread that resizes crops ahead of training (null: this worker does it).
 */
export function serveTraining(scope: WorkerScope, prepare: () => Promise<unknown> = () => Promise.resolve(), augmentThread: () => AugmentThread | null = () => null): void {
  let dataset: Dataset | null = null;
  const runs = new Map<number, AbortController>();

  async function run(message: Extract<ToWorker, { type: 'train' }>, controller: AbortController): Promise<void> {
    const { runId } = message;
    try {
      if (message.data) dataset = message.data;
      if (!dataset) throw new Error('training worker: no dataset was sent before the first run');
      let lastModel: HagenModel | null = null;
      for await (const progress of runTraining(message.model, dataset, { ...message.opts, signal: controller.signal }, { prepare, augmentThread })) {
        let model: HagenModel | null = null;
        let transfer: ArrayBuffer[] = [];
        if (progress.model !== lastModel) {
          lastModel = progress.model;
          ({ model, buffers: transfer } = detachedCopy(progress.model));
        }
        scope.postMessage({ type: 'progress', runId, progress: { ...progress, model } }, transfer);
      }
      scope.postMessage({ type: 'finished', runId });
    } catch (error) {
      scope.postMessage({ type: 'failed', runId, message: error instanceof Error ? error.message : String(error) });
    } finally {
      runs.delete(runId);
    }
  }

  scope.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'abort') {
      runs.get(message.runId)?.abort();
    } else if (message.type === 'train') {
      const controller = new AbortController();
      runs.set(message.runId, controller);
      void run(message, controller);
    } else {
      const unknownType = (message as { type?: unknown }).type;
      scope.postMessage({ type: 'failed', runId: -1, message: `training worker: unknown message type ${JSON.stringify(unknownType)}` });
    }
  });
}

/** The name of the nested worker (this same script) that resizes crops and draws mock noise for the training worker. */
const AUGMENT_WORKER_NAME = 'ziffern-augment';

let nestedThread: AugmentThread | null | undefined;
/**
 * The training worker's augmentation thread: a nested Web Worker running this script under
 * AUGMENT_WORKER_NAME, started on first use and kept for later runs. Null where workers cannot start
 * workers (then this worker resizes the crops and draws the noise itself: same results, one core).
 */
function nestedAugmentThread(): AugmentThread | null {
  if (nestedThread !== undefined && !nestedThread?.failure) return nestedThread;
  nestedThread = null;
  if (typeof Worker === 'undefined') return null;
  try {
    // The same script; the query only tells it apart from training workers in tools and tests that list workers by URL.
    const script = new URL(import.meta.url);
    script.search = 'role=augment';
    const worker = new Worker(script, { type: 'module', name: AUGMENT_WORKER_NAME });
    nestedThread = new AugmentThread({
      send: (message: ToAugmenter, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer ?? []),
      listen: (onMessage: (message: FromAugmenter) => void, onError?: (error: Error) => void) => {
        worker.onmessage = (event: MessageEvent<FromAugmenter>) => onMessage(event.data);
        worker.onerror = (event: ErrorEvent) => { event.preventDefault(); onError?.(new Error(`augmentation worker: ${event.message || 'failed to load'}`)); };
        worker.onmessageerror = () => onError?.(new Error('augmentation worker: a message could not be read'));
      },
    });
  } catch {
    nestedThread = null;
  }
  return nestedThread;
}

// Only start when loaded as a worker (not when a test imports the module).
const isWorkerScope = typeof self !== 'undefined' && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (isWorkerScope && (self as unknown as { name?: string }).name === AUGMENT_WORKER_NAME) {
  const scope = self as unknown as { postMessage(message: FromAugmenter, transfer: Transferable[]): void; addEventListener(type: 'message', listener: (event: MessageEvent<ToAugmenter>) => void): void };
  serveAugmentation({
    send: (message, transfer) => scope.postMessage(message, transfer ?? []),
    listen: (onMessage) => scope.addEventListener('message', (event) => onMessage(event.data)),
  }, () => Promise.resolve()); // the typed crop kernel and the noise need no tfjs backend
} else if (isWorkerScope) {
  // No tfjs here: the worker trains with the default (fast) engine; an engine cannot be sent to it.
  serveTraining(self as unknown as WorkerScope, () => Promise.resolve(), nestedAugmentThread);
}
