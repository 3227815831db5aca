/** Section "Training": the run (an async generator of progress, stopped by invalidation) and what it yields. */
import type { AugmentMode } from '../lib/data/augment';
import type { Dataset } from '../lib/data/types';
import type { ChipDevice, HagenModel } from '../lib/hagen/types';
import { untilInvalidated } from '../lib/runtime/cancel';
import type { CellSpec } from '../lib/runtime/cell';
import type { Host } from '../lib/runtime/host';
import type { TrainProgress } from '../lib/train/train';
import type { PretrainedRun } from './modelfile';

type EpochResult = TrainProgress['epochs'][number];

/** How often (in batches) a running training hands out a copy of its weights. */
export const LIVE_WEIGHTS_EVERY_BATCHES = 5;

/** An epoch's numbers without its confusion matrix (kept separately in `confusion`). */
export type EpochRow = Omit<EpochResult, 'confusion'>;
export interface TrainingHistory {
  state: TrainProgress['state'];
  epochs: EpochRow[];
  /** Loss of every batch so far, all epochs. */
  losses: number[];
}

export function historyOf(progress: TrainProgress): TrainingHistory {
  return {
    state: progress.state,
    epochs: progress.epochs.map(({ epoch, trainLoss, trainAccuracy, testAccuracy, seconds, backend }) => ({
      epoch, trainLoss, trainAccuracy, testAccuracy, seconds, backend,
    })),
    losses: progress.losses,
  };
}

function lastEpoch(progress: TrainProgress): EpochResult | null {
  return progress.epochs.length ? progress.epochs[progress.epochs.length - 1] : null;
}

export const trainingCells: CellSpec[] = [
  {
    name: 'training',
    // `pretrained` (cells/modelfile.ts): a loaded or precomputed run for exactly these parameters is shown as it is.
    inputs: ['host', 'pretrained', 'dataset', 'model', 'chipDevice', 'trainSize', 'labelNoise', 'augment', 'lr', 'epochs', 'batchSize', 'seed', 'invalidation'],
    define: (
      host: Host, pretrained: PretrainedRun | null, dataset: Dataset, model: HagenModel, chipDevice: ChipDevice, trainSize: number, labelNoise: number,
      augment: AugmentMode, lr: number, epochs: number, batchSize: number, seed: number, invalidation: Promise<void>,
    ) =>
      pretrained ? pretrained.progress : untilInvalidated(invalidation, (signal) =>
        host.runTraining(model, dataset, {
          lr, epochs, batchSize, augment, seed, trainSize, labelNoise, signal,
          // Weights for live inference every few batches, not every one: in the page each snapshot is ~1 MB
          // copied out of the training worker, and the canvas must stay quick while it trains.
          snapshotEveryBatches: LIVE_WEIGHTS_EVERY_BATCHES,
          // Only the chip backend runs on the (emulated) device; mock and ideal never touch it.
          ...(model.backend === 'chip' ? { chip: chipDevice } : {}),
        }),
      ),
  },
  { name: 'history', inputs: ['training'], define: (training: TrainProgress) => historyOf(training) },
  { name: 'testAccuracy', inputs: ['training'], define: (training: TrainProgress) => lastEpoch(training)?.testAccuracy ?? null },
  { name: 'confusion', inputs: ['training'], define: (training: TrainProgress) => lastEpoch(training)?.confusion ?? null },
  { name: 'trainedModel', inputs: ['training'], define: (training: TrainProgress) => training.model },
];
