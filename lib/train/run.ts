/**
 * The one training entry of every host: Node's in-process training (lib/host/node.ts) and the page's training
 * worker (lib/host/worker.ts) both call runTraining; each host keeps only its edges (how data arrives, the
 * worker's transport, how its helper thread starts). What it does, the same everywhere:
 * - waits for the host's preparation (Node: the tfjs backend), then stops at once if the run was aborted;
 * - trains on a chip built from its description (ChipDescription or a described device), so a run trains on
 *   the same chip (and readout-noise stream) in every host;
 * - gives the run the host's helper thread (lib/train/helper/thread.ts) when it has work for it;
 * - trains with trainModel (engine by name or object, lib/hagen/engine.ts; cancellation by `signal`, checked
 *   every batch; one macrotask per batch, so an abort message or a thread's answer is handled between batches);
 * - hands on the progress the one progress rule keeps (lib/train/progress.ts).
 */
import { chipFromDescription, isDescribedChipDevice, type ChipDescription } from '../chip/description';
import type { Dataset } from '../data/types';
import type { ChipDevice, HagenModel } from '../hagen/types';
import { usesAugmentThread, type AugmentThread } from './helper/thread';
import { PROGRESS_INTERVAL_MS, progressThrottle } from './progress';
import { trainModel, type TrainOptions, type TrainProgress } from './train';

/** What a host's runTraining takes: TrainOptions, and how often running progress is handed on (default PROGRESS_INTERVAL_MS). */
export type HostTrainOptions = TrainOptions & { progressIntervalMs?: number };

/** The entry's options: a chip may also come as its description (the page's worker receives only that). */
export type TrainingRunOptions = Omit<HostTrainOptions, 'chip'> & { chip?: ChipDevice | ChipDescription };

/** A host's edges to the entry. */
export interface TrainingEdges {
  /** Awaited before training (Node: start the tfjs backend; tests: a set-up to wait for). */
  prepare?: () => Promise<unknown>;
  /** The host's helper thread (null: none, this thread does its work); asked only when the run has work for it. */
  augmentThread?: () => AugmentThread | null;
  /** Milliseconds for the progress rule (tests); default performance.now. */
  clock?: () => number;
}

function isChipDevice(chip: ChipDevice | ChipDescription): chip is ChipDevice {
  return typeof (chip as Partial<ChipDevice>).mac === 'function';
}

/** The chip a run trains on: rebuilt from its description where there is one, else the device as given. */
export function trainingChip(chip: ChipDevice | ChipDescription | undefined): ChipDevice | undefined {
  if (!chip) return undefined;
  if (!isChipDevice(chip)) return chipFromDescription(chip);
  return isDescribedChipDevice(chip) ? chipFromDescription(chip.description) : chip;
}

/** Train (a copy of) `model` on `data`: trainModel's progress as the progress rule hands it on; see the module comment. */
export async function* runTraining(model: HagenModel, data: Dataset, opts: TrainingRunOptions, edges: TrainingEdges = {}): AsyncGenerator<TrainProgress> {
  const { progressIntervalMs = PROGRESS_INTERVAL_MS, chip: chipOption, ...options } = opts;
  const report = progressThrottle(progressIntervalMs, edges.clock);
  await edges.prepare?.();
  if (options.signal?.aborted) return;
  const chip = trainingChip(chipOption);
  const thread = !options.augmentThread && usesAugmentThread(model, options) ? edges.augmentThread?.() ?? null : null;
  for await (const progress of trainModel(model, data, { ...options, ...(chip ? { chip } : {}), ...(thread ? { augmentThread: thread } : {}) })) {
    if (report(progress)) yield progress;
  }
}
