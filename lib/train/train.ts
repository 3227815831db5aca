/**
 * The tutorial's training loop as an async generator: Adam, loss = cross-entropy / 64, shuffled
 * batches, optional augmentation, a test after every epoch. It trains a copy of the model, yields
 * after every batch, stops within one batch when `signal` aborts, and reports divergence as an error.
 */
import { type AugmentMode, AUGMENT_MODES } from '../data/augment';
import { trainSubset } from '../data/batches';
import { BatchStream } from './batchStream';
import { nextMacrotask, type AugmentThread } from './helper/thread';
import type { Dataset } from '../data/types';
import { loadResolvedEngine, type EngineName } from '../hagen/engine';
import { INPUT_MAX } from '../hagen/constants';
import { argmaxRows } from '../hagen/loss';
import { cloneModel } from '../hagen/model';
import { layerOutputSize } from '../hagen/conv';
import type { ChipDevice, HagenEngine, HagenModel } from '../hagen/types';
import { Rng } from '../random';
import type { ParamValues } from '../params';
import { Adam } from './adam';
import { evaluate, evaluateShared } from './evaluate';

export type LrSchedule = 'constant' | 'cosine';
const LR_SCHEDULES: readonly LrSchedule[] = ['constant', 'cosine'];

/** The learning rate of step `step` (0-based) of `total`: constant, or cosine annealing from lr to 0 (torch's CosineAnnealingLR, eta_min 0, per step). */
export function scheduledLr(lr: number, schedule: LrSchedule, step: number, total: number): number {
  return schedule === 'cosine' ? lr * 0.5 * (1 + Math.cos((Math.PI * step) / total)) : lr;
}

export interface TrainOptions {
  lr: number;
  /** default 'constant' (the tutorial) */
  lrSchedule?: LrSchedule;
  epochs: number;
  batchSize: number;
  augment: AugmentMode;
  seed: number;
  trainSize: number;
  labelNoise: number;
  /** default: the fast engine (lib/hagen/engine.ts defaultEngine); 'tfjs' / 'reference' by name */
  engine?: HagenEngine | EngineName;
  chip?: ChipDevice;
  signal?: AbortSignal;
  /**
   * Where augmentation resizes the crops ahead of training (lib/train/batchStream.ts); the hosts give
   * their thread. Without one (or until it is ready) batches are resized in this thread. Either way
   * the batches are the same for the same seed.
   */
  augmentThread?: AugmentThread;
  /**
   * Copy the weights into `progress.model` every this many batches (default SNAPSHOT_EVERY_BATCHES;
   * always at epoch ends and when training stops). Between snapshots `progress.model` is the same object.
   */
  snapshotEveryBatches?: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  backend: string;
  confusion: number[][];
}

export interface TrainProgress {
  state: 'running' | 'done' | 'cancelled' | 'error';
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  samplesPerSecond: number;
  losses: number[];
  epochs: EpochResult[];
  model: HagenModel;
  error?: string;
}

/** Default snapshot interval: ~4 fresh models a second at tutorial speed, without a copy per batch. */
const SNAPSHOT_EVERY_BATCHES = 25;

/** The tutorial's settings (lr 0.25, batch 200, 4 epochs, RandomResizedCrop, all 60000 images). */
/** The parameters (lib/params.ts) a training takes its options from. */
export type TrainingParamValues = Pick<ParamValues, 'lr' | 'lrSchedule' | 'epochs' | 'batchSize' | 'augment' | 'seed' | 'trainSize' | 'labelNoise'>;

/**
 * The one way from parameter values to training options, for the notebook's training, the sweep and the CLI;
 * `trainCount` (the training split's size) caps trainSize.
 */
export function trainOptionsFrom(params: TrainingParamValues, trainCount = Infinity): Pick<TrainOptions, keyof TrainingParamValues> {
  return {
    lr: params.lr, lrSchedule: params.lrSchedule as LrSchedule, epochs: params.epochs, batchSize: params.batchSize, augment: params.augment as AugmentMode, seed: params.seed,
    trainSize: Math.min(params.trainSize, trainCount), labelNoise: params.labelNoise,
  };
}

export const TUTORIAL_DEFAULTS: Omit<TrainOptions, 'seed'> = { lr: 0.25, epochs: 4, batchSize: 200, augment: 'crop', trainSize: 60000, labelNoise: 0 };

function checkOptions(opts: TrainOptions, trainCount: number): void {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`training option ${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  if (!(Number.isFinite(opts.lr) && opts.lr > 0)) throw new RangeError(`training option lr must be a finite number > 0, got ${opts.lr}`);
  int('epochs', opts.epochs, 1, 1000);
  int('batchSize', opts.batchSize, 1, 100000);
  int('trainSize', opts.trainSize, 1, trainCount);
  int('snapshotEveryBatches', opts.snapshotEveryBatches ?? SNAPSHOT_EVERY_BATCHES, 1, 1e9);
  if (!(opts.labelNoise >= 0 && opts.labelNoise <= 1)) throw new RangeError(`training option labelNoise must be a number from 0 to 1, got ${opts.labelNoise}`);
  if (opts.lrSchedule !== undefined && !LR_SCHEDULES.includes(opts.lrSchedule)) throw new RangeError(`training option lrSchedule must be one of ${LR_SCHEDULES.join(', ')}, got ${String(opts.lrSchedule)}`);
  if (!AUGMENT_MODES.includes(opts.augment)) throw new RangeError(`training option augment must be one of ${AUGMENT_MODES.join(', ')}, got ${String(opts.augment)}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`training option seed must be a finite number, got ${opts.seed}`);
}

export async function* trainModel(input: HagenModel, data: Dataset, opts: TrainOptions): AsyncGenerator<TrainProgress> {
  checkOptions(opts, data.train.count);
  const engine = await loadResolvedEngine(opts.engine);
  const snapshotEvery = opts.snapshotEveryBatches ?? SNAPSHOT_EVERY_BATCHES;
  const model = cloneModel(input);
  const train = trainSubset(data.train, opts.trainSize, opts.labelNoise, opts.seed);
  const batchesPerEpoch = Math.ceil(train.count / opts.batchSize);
  // The trained weights live in the optimiser's memory (no copies per step): the model's arrays are
  // its views. The model is this generator's own; what it hands out are copies (snapshots).
  const adam = new Adam(model.layers.flatMap((l) => [l.weight, l.bias]), { lr: opts.lr, resident: true });
  model.layers.forEach((layer, i) => { layer.weight = adam.params[2 * i]; layer.bias = adam.params[2 * i + 1]; });
  const augmentRng = Rng.derive(opts.seed, 'augment');
  const noiseRng = Rng.derive(opts.seed, 'noise/train');
  const losses: number[] = [];
  const epochs: EpochResult[] = [];
  let snapshot = cloneModel(model);
  /**
   * On divergence: the weights of the last step with a finite loss and gradients (clamped in place by
   * the engine), i.e. those Adam updated last (a refused step changes nothing); else the snapshot.
   */
  const lastFiniteModel = (): HagenModel => {
    const previous = adam.previousParams();
    if (!previous) return snapshot;
    const last = cloneModel(model);
    last.layers.forEach((layer, i) => { layer.weight = previous[2 * i]; layer.bias = previous[2 * i + 1]; });
    return last;
  };
  // The engine's noise (a fresh source per mock layer, seeded from noiseRng) is drawn ahead on the
  // augmentation thread from a twin of noiseRng; the engine finds it by seed, so results do not change.
  // A convolution draws chunks(k²) · (batch · positions) · channels values: the plan's count for outFeatures = channels · positions.
  const noiseAhead = engine.usesNoiseSupply && model.backend === 'mock' && model.mock.noiseStd > 0
    ? { rng: Rng.derive(opts.seed, 'noise/train'), std: model.mock.noiseStd, layers: model.layers.map((l) => ({ inFeatures: l.inFeatures, outFeatures: layerOutputSize(l) })) }
    : undefined;
  const batches = new BatchStream(train, { batchSize: opts.batchSize, augment: opts.augment, seed: opts.seed, epochs: opts.epochs, noise: noiseAhead }, augmentRng, opts.augmentThread);
  let epoch = 0;
  let batch = 0;
  let samplesPerSecond = 0;

  const progress = (state: TrainProgress['state'], error?: string): TrainProgress => ({
    state, epoch, batch, batchesPerEpoch, loss: losses.length ? losses[losses.length - 1] : NaN, samplesPerSecond,
    losses: losses.slice(), epochs: epochs.slice(), model: state === 'error' ? lastFiniteModel() : snapshot, ...(error ? { error } : {}),
  });

  try {
    for (epoch = 1; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      let correct = 0;
      let lossSum = 0;
      for (batch = 0; batch < batchesPerEpoch;) {
        if (opts.signal?.aborted) { snapshot = cloneModel(model); yield progress('cancelled'); return; }
        const { images, labels, n, noise } = await batches.next();
        if (opts.signal?.aborted) { snapshot = cloneModel(model); yield progress('cancelled'); return; }
        const to = batch * opts.batchSize + n;
        // The network input image · 31 as scaled pixels: the fast engine lists them without a float copy.
        adam.lr = scheduledLr(opts.lr, opts.lrSchedule ?? 'constant', (epoch - 1) * batchesPerEpoch + batch, opts.epochs * batchesPerEpoch);
        const step = engine.trainStep(model, { pixels: images, scale: INPUT_MAX }, labels, n, noiseRng, opts.chip, noise ?? undefined);
        batch++;
        // Adam refuses NaN or infinite gradients (checked in wasm) and keeps the weights it updated from.
        if (!Number.isFinite(step.loss) || !adam.step(step.grads.flatMap((g) => [g.weight, g.bias]))) {
          const what = Number.isFinite(step.loss) ? 'a gradient is NaN or infinite' : `the loss is ${step.loss}`;
          yield progress('error', `training diverged in epoch ${epoch}, batch ${batch}: ${what}. Try a smaller learning rate (now ${opts.lr}); the model shown is the last one with a finite loss.`);
          return;
        }
        losses.push(step.loss);
        lossSum += step.loss;
        const predicted = argmaxRows(step.logits, n);
        for (let b = 0; b < n; b++) if (predicted[b] === labels[b]) correct++;
        samplesPerSecond = to / ((performance.now() - started) / 1000);
        if (batch % snapshotEvery === 0 || batch === batchesPerEpoch) snapshot = cloneModel(model);
        yield progress('running');
        await nextMacrotask();
      }
      if (opts.signal?.aborted) { yield progress('cancelled'); return; }
      const testOptions = { engine, rng: Rng.derive(opts.seed, `noise/test/epoch${epoch}`), chip: opts.chip };
      // The mock's test batches are shared with the augmentation thread (it has no crops to resize meanwhile).
      const test = opts.augmentThread && engine.name === 'fast' && model.backend === 'mock'
        ? await evaluateShared(model, data.test, { ...testOptions, signal: opts.signal }, opts.augmentThread)
        : evaluate(model, data.test, testOptions);
      if (!test) { yield progress('cancelled'); return; } // aborted during the test pass
      epochs.push({
        epoch, trainLoss: lossSum / batchesPerEpoch, trainAccuracy: correct / train.count, testAccuracy: test.accuracy,
        seconds: (performance.now() - started) / 1000, backend: model.backend, confusion: test.confusion,
      });
      snapshot = cloneModel(model);
      if (epoch < opts.epochs) yield progress('running');
    }
    epoch = opts.epochs;
    yield progress('done');
  } catch (err) {
    yield progress('error', err instanceof Error ? err.message : String(err));
  } finally {
    batches.close();
  }
}
