/**
 * The capacity sweep's link to lib/train: one width = buildModel with that hidden width, trainModel
 * with the reader's training parameters, then the final numbers measured on the model as trained.
 * Runs wherever lib/train runs (Node in-process, a Web Worker, a worker thread); a host that spreads
 * widths over workers calls `trainingAdapter(...)` inside each worker for its width.
 */
import { trainSubset } from '../data/batches';
import type { Dataset, Split } from '../data/types';
import { buildModel, sweepModelConfig } from '../hagen/model';
import type { ChipDevice, HagenEngine, HagenModel, MockParameter } from '../hagen/types';
import type { ParamValues } from '../params';
import { Rng } from '../random';
import { evaluate } from '../train/evaluate';
import { trainModel, trainOptionsFrom } from '../train/train';
import type { TrainingAdapter, WidthMetrics } from './sweep';

/** Train accuracy is measured on at most this many of the training images (the test set is used whole). */
const DEFAULT_MEASURE_TRAIN_IMAGES = 10000;

interface SweepTrainingSetup {
  /** The reader's parameters; `hidden` is replaced by each sweep width. */
  params: ParamValues;
  /** The mock parameters in effect (the defaults from params, or measured on the emulated chip). */
  mock: MockParameter;
  data: Dataset;
  engine?: HagenEngine;
  chip?: ChipDevice;
  measureTrainImages?: number;
}

function firstImages(split: Split, count: number): Split {
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * 784), labels: split.labels.subarray(0, n), count: n };
}

/**
 * Final numbers for a trained width: accuracy and loss on the images it was trained on (with their
 * possibly noisy labels, unaugmented: memorising shows up here) and on the test set.
 */
function measureWidth(model: HagenModel, setup: SweepTrainingSetup, trainImages: Split): WidthMetrics {
  const { params, engine, chip } = setup;
  // The mock's noise is part of the chip: keep it on (seeded) unless the backend is noise-free.
  const rng = (label: string) => (model.backend === 'ideal' ? null : Rng.derive(params.seed, `noise/sweep/${label}`));
  const train = evaluate(model, trainImages, { engine, chip, rng: rng('train') });
  const test = evaluate(model, setup.data.test, { engine, chip, rng: rng('test') });
  return { trainAccuracy: train.accuracy, trainLoss: train.loss, testAccuracy: test.accuracy, testLoss: test.loss };
}

export function trainingAdapter(setup: SweepTrainingSetup): TrainingAdapter<HagenModel> {
  const { params, data } = setup;
  const measureCount = setup.measureTrainImages ?? DEFAULT_MEASURE_TRAIN_IMAGES;
  if (!Number.isInteger(measureCount) || measureCount < 1) throw new RangeError(`measureTrainImages must be an integer ≥ 1, got ${measureCount}`);
  // The same subset (and label noise) trainModel draws from these parameters.
  let trainImages: Split | null = null;
  const trainedOn = () => (trainImages ??= firstImages(trainSubset(data.train, Math.min(params.trainSize, data.train.count), params.labelNoise, params.seed), measureCount));
  return {
    train(hidden, signal) {
      const model = buildModel(sweepModelConfig(hidden, params), { backend: params.backend as HagenModel['backend'], mock: setup.mock, seed: params.seed });
      return trainModel(model, data, {
        ...trainOptionsFrom(params, data.train.count),
        engine: setup.engine, chip: setup.chip, signal,
        // Only the final weights matter here: skip the per-batch weight copies.
        snapshotEveryBatches: 1e9,
      });
    },
    measure: (model) => measureWidth(model, setup, trainedOn()),
  };
}
