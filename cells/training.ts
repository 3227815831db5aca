/**
 * Sections 6 "Training" and 7 "The trained model". The run (an async generator of progress, stopped by
 * invalidation) and what it yields; its status (`mountTraining`), the live loss per batch and accuracy per
 * epoch; a second canvas on the newest weights (training may still run), the accuracy per digit, the
 * confusion matrix whose cells open the test digits behind a mistake, and the trained model on the chip.
 */
import type { EmulatedChip } from '../lib/chip/chip';
import type { ChipCalibration, Lazy } from '../lib/chip/session';
import type { AugmentMode } from '../lib/data/augment';
import type { Split } from '../lib/data/types';
import type { ChipDevice, HagenModel } from '../lib/hagen/types';
import { Rng } from '../lib/random';
import { untilInvalidated } from '../lib/runtime/cancel';
import type { CellSpec } from '../lib/runtime/cell';
import { Mutable } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';
import type { Notebook } from '../lib/runtime/notebook';
import { trainOptionsFrom, type LrSchedule, type TrainOptions, type TrainProgress } from '../lib/train/train';
import { chipTransferView } from '../lib/ui/chipTransfer';
import { classAccuracyPlot } from '../lib/ui/classAccuracy';
import { element } from '../lib/ui/dom';
import type { DrawingPad } from '../lib/ui/drawing';
import { tr, type Lang } from '../lib/ui/i18n';
import { mistakesView, type Mistake } from '../lib/ui/mistakes';
import { padView, predictionsView } from '../lib/ui/pad';
import { accuracyPlot, confusionMatrix, lossCurve } from '../lib/ui/plots';
import { throttledRoot } from '../lib/ui/throttle';
import { stateText, statusInputOf, statusPlaceholder, type RunContext, type TrainingStatusInput } from '../lib/ui/trainingStatus';
import { learningVerdict, type VerdictSettings } from '../lib/train/verdict';
import { overlaysOf } from './history';
import type { PretrainedRun } from './modelfile';
import { padImages } from './untrained';

type EpochResult = TrainProgress['epochs'][number];

/** How often (in batches) a running training hands out a copy of its weights. */
const LIVE_WEIGHTS_EVERY_BATCHES = 5;
/** The loss curve redraws at most this often while batches stream in. */
const LOSS_REDRAW_MS = 300;

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

/** What makes a training figure redraw at once: another run state or another finished epoch. */
function trainingKey(training: TrainProgress | null): string {
  return training ? `${training.state}:${training.epochs.length}:${training.losses.length === 0 ? 'fresh' : 'going'}` : 'none';
}

type RunOverlays = ReturnType<typeof overlaysOf>;

/** Earlier runs drawn under the current one: a change of which runs are overlaid redraws the plot. */
function overlayKey(overlays: readonly { label: string }[]): string {
  return overlays.map((o) => o.label).join('|');
}

const mistakeKeys = new WeakMap<Element, string>();

/** A live run: the training split first (the host loads it once), then the host's training. */
export async function* trainLive(host: Host, model: HagenModel, opts: TrainOptions & { signal: AbortSignal }): AsyncGenerator<TrainProgress> {
  const dataset = await host.loadDataset();
  if (opts.signal.aborted) return;
  yield* host.runTraining(model, dataset, opts);
}

/** What a run's status says besides its own report: its test accuracy so far, where it comes from, whether it learned. */
function runContextOf(training: TrainProgress | null, source: RunContext['source'], settings: VerdictSettings | null): RunContext {
  const accuracy = training ? lastEpoch(training)?.testAccuracy : undefined;
  const verdict = accuracy !== undefined && training?.state === 'done' && settings ? learningVerdict(accuracy, settings) : null;
  return { testAccuracy: accuracy, source, notLearning: verdict && !verdict.learning ? verdict.cause : undefined };
}

/** The `trainingStatus` cell's value: the status as data, and its line in the reader's language. */
export type TrainingStatus = TrainingStatusInput & { text: string };

/**
 * The training status in the placeholder `el`, fed from the `training` cell. It observes the cell itself
 * (not as a display cell) because it must show a failed run, and a failing input never reaches a display
 * cell. Stop redefines `training` to hold its last progress as "cancelled" (which invalidates the run and
 * aborts the worker); Train again, or changing any of its inputs, brings the original definition back.
 * The placeholder carries `data-state` and `data-epoch`. Page and embeds mount `training` through it.
 */
export function mountTraining(notebook: Notebook, el: HTMLElement, trainingCell: CellSpec, lang: Lang): () => void {
  let last: TrainProgress | null = null;
  let totalEpochs = 1;
  let failure: string | null = null;
  const stop = () => {
    const stopped = last ? { ...last, state: 'cancelled' as const } : null;
    // The runtime calls a redefined cell once at once, and again only when an input changes: then train anew.
    let calls = 0;
    notebook.redefine({ ...trainingCell, define: (...inputs: unknown[]) => (calls++ === 0 ? stopped : trainingCell.define(...inputs)) });
  };
  let source: RunContext['source'] = 'live';
  let settings: VerdictSettings | null = null;
  // The one train control: a precomputed or loaded result is replaced by a run in this browser; a live run starts again.
  const restart = () => {
    if (source !== 'live' && notebook.names.includes('trainLiveState')) {
      void Promise.all([notebook.value('loadedModelState'), notebook.value('trainLiveState')]).then(([loaded, live]) => {
        (loaded as Mutable<unknown>).value = null;
        (live as Mutable<boolean>).value = true;
      });
    } else notebook.redefine(trainingCell);
  };
  const status = statusPlaceholder(el, { lang, onStop: stop, onRestart: restart });
  const redraw = () => status.show(last, failure, totalEpochs, runContextOf(last, source, settings));
  const stopSource = notebook.names.includes('pretrained')
    ? notebook.observe('pretrained', (value) => {
        source = (value as PretrainedRun | null)?.source ?? 'live';
        redraw();
      })
    : () => {};
  const stopSettings = notebook.names.includes('trainingParams')
    ? notebook.observe('trainingParams', (value) => {
        if (value) settings = value as unknown as VerdictSettings;
      })
    : () => {};
  const stopEpochs = notebook.names.includes('epochs')
    ? notebook.observe('epochs', (value) => {
        if (typeof value === 'number') totalEpochs = value;
      })
    : () => {};
  const stopTraining = notebook.observe('training', (value, error) => {
    failure = error ? error.message : null;
    if (!error) last = (value as TrainProgress | null) ?? null;
    redraw();
  });
  return () => {
    status.dispose();
    stopSource();
    stopSettings();
    stopTraining();
    stopEpochs();
  };
}

export const trainingCells: CellSpec[] = [
  {
    name: 'training',
    doc: 'The training run: state, epoch, batch, loss per batch, results per epoch and the newest weights; a new value every few batches.',
    // `pretrained` (cells/modelfile.ts): a loaded or precomputed run for exactly these parameters is shown as it is,
    // without the training split: only a live run loads it (so the trained pad answers before it would arrive).
    // `newModel` (cells/model.ts), not `model`: only a live run builds the untrained network.
    inputs: ['host', 'pretrained', 'newModel', 'chipDevice', 'trainSize', 'labelNoise', 'augment', 'lr', 'lrSchedule', 'epochs', 'batchSize', 'seed', 'invalidation'],
    define: (
      host: Host, pretrained: PretrainedRun | null, newModel: () => HagenModel, chipDevice: ChipDevice, trainSize: number, labelNoise: number,
      augment: AugmentMode, lr: number, lrSchedule: LrSchedule, epochs: number, batchSize: number, seed: number, invalidation: Promise<void>,
    ) =>
      pretrained ? pretrained.progress : untilInvalidated(invalidation, (signal) => {
        const model = newModel();
        return trainLive(host, model, {
          ...trainOptionsFrom({ lr, lrSchedule, epochs, batchSize, augment, seed, trainSize, labelNoise }), signal,
          // Weights for live inference every few batches, not every one: in the page each snapshot is ~1 MB
          // copied out of the training worker, and the canvas must stay quick while it trains.
          snapshotEveryBatches: LIVE_WEIGHTS_EVERY_BATCHES,
          // Only the chip backend runs on the (emulated) device; mock and ideal never touch it.
          ...(model.backend === 'chip' ? { chip: chipDevice } : {}),
        });
      }),
  },
  {
    name: 'trainingStatus',
    doc: "The training's state as data (state, epoch of epochs, batch, test accuracy, source, notLearning) and `text`, the line the page's status shows, in the reader's language. A failed run is an error of `training` itself.",
    inputs: ['training', 'pretrained', 'trainingParams', 'epochs', 'lang'],
    define: (training: TrainProgress | null, pretrained: PretrainedRun | null, trainingParams: VerdictSettings, epochs: number, lang: Lang): TrainingStatus => {
      const input = statusInputOf(training, null, epochs, runContextOf(training, pretrained?.source ?? 'live', trainingParams));
      return { ...input, text: stateText(input, lang) };
    },
  },
  { name: 'history', doc: "The run's history: one entry per finished epoch (loss, train and test accuracy, seconds) plus the loss per batch.", inputs: ['training'], define: (training: TrainProgress) => historyOf(training) },
  { name: 'testAccuracy', doc: 'Test accuracy (0 to 1) after the newest finished epoch; null before the first epoch ends.', inputs: ['training'], define: (training: TrainProgress) => lastEpoch(training)?.testAccuracy ?? null },
  { name: 'confusion', doc: 'Confusion matrix of the newest finished epoch: confusion[true digit][predicted digit] counts; null before.', inputs: ['training'], define: (training: TrainProgress) => lastEpoch(training)?.confusion ?? null },
  { name: 'trainedModel', doc: "The trained network's newest weights (while training: the latest snapshot).", inputs: ['training'], define: (training: TrainProgress) => training.model },

  // Display, section 6: the live loss per batch and the accuracy per epoch (the status: mountTraining).
  {
    name: 'lossPlot',
    doc: 'Figure: the training loss per batch, live.',
    inputs: ['training', 'runOverlays', 'lang', 'width'],
    define: function (this: unknown, training: TrainProgress | null, runOverlays: RunOverlays, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${trainingKey(training)}:${overlayKey(runOverlays.loss)}:${width}`, LOSS_REDRAW_MS, () =>
        lossCurve(training?.losses ?? [], Math.max(1, training?.batchesPerEpoch ?? 1), { lang, width, overlays: runOverlays.loss }));
    },
  },
  {
    name: 'accuracyPlot',
    doc: 'Figure: train and test accuracy per epoch.',
    inputs: ['training', 'runOverlays', 'lang', 'width', 'augment'],
    define: function (this: unknown, training: TrainProgress | null, runOverlays: RunOverlays, lang: Lang, width: number, augment: AugmentMode) {
      // Changes only when an epoch ends: the key redraws it then, the long interval skips the batches in between.
      return throttledRoot(this, 'zf-live-plot', `${trainingKey(training)}:${overlayKey(runOverlays.accuracy)}:${width}:${augment}`, 60_000, () =>
        accuracyPlot(training?.epochs ?? [], { lang, width, overlays: runOverlays.accuracy, augmented: augment !== 'none' }));
    },
  },

  // Display, section 7: the trained model.
  { name: 'trainedDrawing', doc: "The drawing pad of the trained model (a view: its value is the reader's drawing).", inputs: ['testSet', 'lang'], define: (testSet: Split, lang: Lang) => padView(testSet, lang, true) },
  { name: 'trainedDrawingImage', doc: "The trained model's drawing as the network sees it: 28 × 28 values from 0 to 1.", inputs: ['trainedDrawing', 'preprocess'], define: (trainedDrawing: DrawingPad, preprocess: boolean) => padImages(trainedDrawing, preprocess) },
  { name: 'trainedDrawingNoise', doc: "The random stream for the trained model's noisy inference on the drawing.", inputs: ['seed'], define: (seed: number) => Rng.derive(seed, 'page/trainedDrawing/inference-noise') },
  {
    // On the newest weights of the run, while it trains.
    name: 'trainedPredictions',
    doc: "Figure: the trained model's five best guesses for the drawing, with the spread over noisy runs.",
    inputs: ['trainedDrawingImage', 'training', 'chipDevice', 'trainedDrawingNoise', 'lang', 'epochs'],
    define: function (this: unknown, trainedDrawingImage: Float32Array, training: TrainProgress | null, chipDevice: ChipDevice, trainedDrawingNoise: Rng, lang: Lang, epochs: number) {
      return predictionsView(this, trainedDrawingImage, training, chipDevice, trainedDrawingNoise, lang, { pad: 'trained', totalEpochs: epochs });
    },
  },
  {
    name: 'perClassAccuracy',
    doc: 'Figure: test accuracy per digit.',
    inputs: ['confusion', 'lang', 'width'],
    define: function (this: unknown, confusion: number[][] | null, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${JSON.stringify(confusion?.map((row, t) => row[t]))}:${width}`, 60_000, () => confusion
        ? classAccuracyPlot(confusion, { lang, width })
        : element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'The accuracy per digit appears after the first epoch.', de: 'Die Genauigkeit pro Ziffer erscheint nach der ersten Epoche.' }) }));
    },
  },
  // The confusion cell the reader clicked (null: none).
  { name: 'mistakeSelection', doc: 'Holds the confusion-matrix cell the reader clicked (null: none).', inputs: [], define: () => new Mutable<Mistake | null>(null) },
  { name: 'selectedMistake', doc: 'The confusion-matrix cell the reader clicked: true and predicted digit, or null.', inputs: ['mistakeSelection'], define: (mistakeSelection: Mutable<Mistake | null>) => mistakeSelection.changes() },
  {
    name: 'confusionMatrix',
    doc: 'Figure: the confusion matrix; click a cell to see those mistakes.',
    inputs: ['confusion', 'mistakeSelection', 'lang', 'width'],
    define: function (this: unknown, confusion: number[][] | null, mistakeSelection: Mutable<Mistake | null>, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${JSON.stringify(confusion)}:${width}`, 60_000, () => confusion
        ? confusionMatrix(confusion, { lang, width: Math.min(width, 520), onCell: (trueDigit, predictedDigit) => { mistakeSelection.value = { trueDigit, predictedDigit }; } })
        : element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'The confusion matrix appears after the first epoch.', de: 'Die Verwechslungsmatrix erscheint nach der ersten Epoche.' }) }));
    },
  },
  {
    // The test digits behind the clicked mistake, searched again when another epoch ends.
    name: 'misclassified',
    doc: 'Figure: test images of the selected mistake.',
    inputs: ['selectedMistake', 'training', 'testSet', 'seed', 'lang'],
    define: function (this: unknown, selectedMistake: Mistake | null, training: TrainProgress | null, testSet: Split, seed: number, lang: Lang) {
      const mistake = selectedMistake;
      const key = mistake && training ? `${mistake.trueDigit}:${mistake.predictedDigit}:${trainingKey(training)}` : 'none';
      if (this instanceof Element && mistakeKeys.get(this) === key) return this;
      const view = mistake && training
        ? mistakesView(testSet, training.model, mistake, Rng.derive(seed, `page/mistakes/${key}`), lang)
        : element('div', { class: 'zf-mistakes' });
      mistakeKeys.set(view, key);
      return view;
    },
  },
  {
    // The trained model, forward only, on the emulated chip calibrated vs uncalibrated.
    name: 'chipTransfer',
    doc: 'Figure: the trained model, forward only, on the emulated chip, calibrated and uncalibrated.', type: 'HTMLElement',
    inputs: ['trainedModel', 'testSet', 'chip', 'chipCalibration', 'seed', 'lang'],
    define: function (this: unknown, trainedModel: HagenModel, testSet: Split, chip: Lazy<EmulatedChip>, chipCalibration: Lazy<ChipCalibration>, seed: number, lang: Lang) {
      return chipTransferView(this, trainedModel, testSet, chip, chipCalibration, seed, lang);
    },
  },
];
