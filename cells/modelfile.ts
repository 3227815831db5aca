/**
 * Where the trained model comes from, and model files.
 *
 * `pretrained` is the one switch between "show a model that already exists" and "train now": the
 * `training` cell yields `pretrained.progress` when it is not null and trains live otherwise, so every
 * cell below `training` (plots, canvas, confusion matrix) works the same for all three sources:
 *   - a model file the reader loaded (page: `modelFile` control; CLI: --load), while the parameters
 *     still match the file's;
 *   - the build's precomputed result for exactly these parameters (dist/precomputed/, page only);
 *   - neither, or after "train live": null, and `training` trains.
 * Changing any training parameter makes the precomputed/loaded result stop matching, so the page
 * retrains live at once.
 *
 * `loadedEvaluation` is the loaded model on the test images (every host: the page's model file panel says
 * it, embeds can show it, the CLI's `run --load` reports it).
 */
import { readModelUpload, serializeModelFile, suggestedModelFileName, type LoadedModelFile } from '../lib/modelfile/modelFile';
import { relevantParamNames, sameRelevantParams, withDefaults, type TrainingParams } from '../lib/precompute/files';
import { lookupPrecomputedTraining, type PretrainedRun } from '../lib/precompute/lookup';
import type { ParamValues } from '../lib/params';
import type { Split } from '../lib/data/types';
import type { ChipDevice, HagenModel } from '../lib/hagen/types';
import { Rng } from '../lib/random';
import { untilInvalidated } from '../lib/runtime/cancel';
import type { CellSpec } from '../lib/runtime/cell';
import type { Mutable, ViewLike } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';
import { evaluateStepwise } from '../lib/train/evaluate';
import type { TrainProgress } from '../lib/train/train';
import { element, libraryMessage } from '../lib/ui/dom';
import { formatNumber, tr, type Lang } from '../lib/ui/i18n';
import { loadTestSet } from './data';
import { hostState } from './state';

export type { PretrainedRun } from '../lib/precompute/lookup';

const TRAINING_PARAM_NAMES = relevantParamNames('training');

/** A model that did not train here: state "done", no curves, its weights. */
function progressOfModel(loaded: LoadedModelFile): TrainProgress {
  return { state: 'done', epoch: 0, batch: 0, batchesPerEpoch: 1, loss: Number.NaN, samplesPerSecond: 0, losses: [], epochs: [], model: loaded.model };
}

export interface LoadedModel extends LoadedModelFile {
  fileName: string;
}

/** The loaded model on the test images: running (images evaluated so far), then done with its numbers. */
export interface LoadedEvaluation {
  state: 'running' | 'done' | 'error';
  fileName: string;
  backend: HagenModel['backend'];
  /** test images evaluated so far, of `count` */
  evaluated: number;
  count: number;
  /** null while running */
  accuracy: number | null;
  loss: number | null;
  /** [true digit][predicted digit]; null while running */
  confusion: number[][] | null;
  /** why it could not be evaluated (state error: e.g. the test images did not load) */
  error?: string;
}

/** The noise stream of a loaded model's evaluation (the name the CLI has always used: a seed gives the numbers it gave). */
export const LOADED_EVALUATION_NOISE = 'noise/cli/load';

/**
 * Evaluate a loaded model on the test split (lib/train evaluateStepwise: one batch at a time, stops on `signal`):
 * its mock noise seeded by `seed`, none for an ideal model, a chip model on `chip`. A failure (the test images
 * did not load, a broken chip) is a value with state error, so the panel that shows it stays usable.
 */
async function* evaluateLoadedModel(loaded: LoadedModel, testSet: Split | Promise<Split>, chip: ChipDevice | undefined, seed: number, signal: AbortSignal): AsyncGenerator<LoadedEvaluation> {
  const model = loaded.model;
  const base = { fileName: loaded.fileName, backend: model.backend, accuracy: null, loss: null, confusion: null };
  let evaluated = 0;
  let count = 0;
  try {
    const split = await testSet;
    count = split.count;
    yield { ...base, state: 'running', evaluated, count };
    const rng = model.backend === 'ideal' ? null : Rng.derive(seed, LOADED_EVALUATION_NOISE);
    for await (const step of evaluateStepwise(model, split, { rng, chip: model.backend === 'chip' ? chip : undefined, signal })) {
      evaluated = step.evaluated;
      const result = step.result;
      yield result
        ? { ...base, state: 'done', evaluated, count, accuracy: result.accuracy, loss: result.loss, confusion: result.confusion }
        : { ...base, state: 'running', evaluated, count };
    }
  } catch (error) {
    yield { ...base, state: 'error', evaluated, count, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The model file panel's line about the loaded model's test (null: nothing to say). */
export function loadedEvaluationText(lang: Lang, evaluation: LoadedEvaluation | null): string | null {
  if (!evaluation) return null;
  if (evaluation.state === 'error') {
    return tr(lang, { en: `The loaded model could not be tested: ${evaluation.error ?? ''}`, de: `Das geladene Modell konnte nicht getestet werden: ${evaluation.error ?? ''}` });
  }
  const count = formatNumber(lang, evaluation.count, 0);
  if (evaluation.state !== 'done' || evaluation.accuracy === null) {
    const done = formatNumber(lang, evaluation.evaluated, 0);
    return tr(lang, { en: `Testing the loaded model: ${done} of ${count} test images…`, de: `Das geladene Modell wird getestet: ${done} von ${count} Testbildern…` });
  }
  const accuracy = `${formatNumber(lang, 100 * evaluation.accuracy, 1)} %`;
  return tr(lang, { en: `Loaded model: ${accuracy} correct on the ${count} test images.`, de: `Geladenes Modell: ${accuracy} richtig bei den ${count} Testbildern.` });
}

/**
 * Apply a parsed model file: its parameters go into the parameter views (the same path set() takes),
 * then the model into `loadedModel`, and a pending "train live" request is withdrawn.
 */
function applyLoadedModel(loaded: LoadedModel, views: Partial<Record<string, ViewLike>>, loadedModel: Mutable<LoadedModel | null>, trainLive: Mutable<boolean>): void {
  for (const name of TRAINING_PARAM_NAMES) {
    const view = views[name];
    if (!view) continue;
    const value = (loaded.params as Record<string, unknown>)[name];
    view.value = value;
    view.dispatchEvent(new (inputEventClass(view))('input', { bubbles: true }));
  }
  loadedModel.value = loaded;
  trainLive.value = false;
}

/** `Event` of the view's own realm (jsdom refuses events from another). */
function inputEventClass(view: ViewLike): typeof Event {
  const ownWindow = (view as Partial<Node>).ownerDocument?.defaultView as (typeof globalThis & Window) | null | undefined;
  return ownWindow?.Event ?? Event;
}

/** Decide what `training` shows first; null means train live. */
async function choosePretrained(host: Host, params: TrainingParams, loaded: LoadedModel | null, trainLive: boolean): Promise<PretrainedRun | null> {
  if (trainLive) return null;
  if (loaded && sameRelevantParams('training', loaded.params, params as ParamValues)) {
    return { source: 'file', label: loaded.fileName, progress: progressOfModel(loaded) };
  }
  return lookupPrecomputedTraining(host, params);
}

/** The model file panel's message: what happened (its lead in the reader's language) and the library's words for it. */
interface ModelFileNote { kind: 'notLoaded' | 'warning' | 'notSaved'; message: string }

interface Panel {
  pretrained: PretrainedRun | null;
  params: TrainingParams;
  update(training: TrainProgress | null, evaluation: LoadedEvaluation | null): void;
}
/** Panels by root element: while only `training` or `loadedEvaluation` move on, the panel is updated, not rebuilt. */
const panels = new WeakMap<Element, Panel>();

function modelFileControl(
  lang: Lang, pretrained: PretrainedRun | null, initialTraining: TrainProgress | null, initialEvaluation: LoadedEvaluation | null, params: TrainingParams,
  views: Partial<Record<string, ViewLike>>, loadedModel: Mutable<LoadedModel | null>, trainLive: Mutable<boolean>,
  noteState: Mutable<ModelFileNote | null>,
): HTMLElement {
  let training = initialTraining;
  let evaluation = initialEvaluation;
  const source = element('p', { class: 'zf-model-source', 'data-source': pretrained?.source ?? 'live' });
  // The loaded model's test (cell loadedEvaluation), while the panel shows that model.
  const tested = element('p', { class: 'zf-model-tested', 'aria-live': 'polite', hidden: true });
  const describeTest = () => {
    const text = pretrained?.source === 'file' && evaluation?.fileName === pretrained.label ? loadedEvaluationText(lang, evaluation) : null;
    tested.textContent = text ?? '';
    tested.hidden = text === null;
    if (evaluation?.state === 'done') tested.dataset.accuracy = String(evaluation.accuracy);
    else delete tested.dataset.accuracy;
  };
  describeTest();
  // Says where the weights come from and, for a live run, whether it is still training (never "trained" at 39 %).
  const describe = () => {
    source.textContent = pretrained?.source === 'precomputed'
      ? tr(lang, { en: `Precomputed at build time for exactly these settings${pretrained.label ? ` (${pretrained.label})` : ''}. Change any setting, or press “Train in this browser” above, to train here.`, de: `Beim Bauen der Seite für genau diese Einstellungen vorberechnet${pretrained.label ? ` (${pretrained.label})` : ''}. Ändere eine Einstellung oder drücke oben „In diesem Browser trainieren“, um hier zu trainieren.` })
      : pretrained?.source === 'file'
        ? tr(lang, { en: `Model loaded from “${pretrained.label}”.`, de: `Modell aus „${pretrained.label}“ geladen.` })
        : training?.state === 'done'
          ? tr(lang, { en: 'Trained in this browser.', de: 'In diesem Browser trainiert.' })
          : tr(lang, { en: 'Training in this browser; not finished.', de: 'Wird in diesem Browser trainiert; noch nicht fertig.' });
  };
  describe();

  // The message lives in the notebook's state, not in this panel: loading a model changes the parameters, which
  // rebuilds the panel, and its warnings must stay until the reader dismisses them or the next message replaces them.
  const noteText = element('span');
  const dismiss = element('button', { type: 'button', class: 'zf-dismiss', text: '×', 'aria-label': tr(lang, { en: 'Dismiss this message', de: 'Diese Meldung schließen' }) });
  const note = element('p', { class: 'zf-note', role: 'alert', hidden: true }, [noteText, ' ', dismiss]);
  const LEADS: Record<ModelFileNote['kind'], { en: string; de: string }> = {
    notLoaded: { en: 'Not loaded: ', de: 'Nicht geladen. ' },
    warning: { en: '', de: 'Geladen, mit Hinweisen. ' },
    notSaved: { en: 'Not saved: ', de: 'Nicht gespeichert. ' },
  };
  const renderNote = () => {
    const value = noteState.value;
    // File names and parse errors are reader input: text only (libraryMessage sets text, never HTML).
    noteText.replaceChildren(...(value ? libraryMessage(lang, LEADS[value.kind], value.message) : []));
    note.hidden = value === null;
  };
  const showProblem = (value: ModelFileNote | null) => {
    noteState.value = value;
    renderNote();
  };
  dismiss.addEventListener('click', () => showProblem(null));
  renderNote();

  const save = element('button', { type: 'button', class: 'zf-save-model', text: tr(lang, { en: 'Save model', de: 'Modell speichern' }) });
  const updateSave = () => {
    save.disabled = !training || training.state === 'running';
  };
  updateSave();
  save.addEventListener('click', () => {
    if (!training) return;
    try {
      const text = serializeModelFile(training.model, withDefaults(params as Record<string, unknown>));
      const link = element('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: suggestedModelFileName(training.model) });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      showProblem({ kind: 'notSaved', message: (error as Error).message });
    }
  });

  // The browser's own file button speaks the browser's language ("Choose File" on a German page): the reader presses
  // a button of the page's instead, which opens the hidden input's file dialog.
  const file = element('input', { type: 'file', accept: '.json,application/json', class: 'zf-load-model', hidden: true, tabindex: -1 });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    showProblem(null);
    try {
      // Its size is checked before it is read: a 1 GB file is refused unread.
      const loaded = await readModelUpload(chosen);
      showProblem(loaded.warnings.length > 0 ? { kind: 'warning', message: loaded.warnings.join('; ') } : null);
      applyLoadedModel({ ...loaded, fileName: chosen.name }, views, loadedModel, trainLive);
    } catch (error) {
      showProblem({ kind: 'notLoaded', message: (error as Error).message });
    } finally {
      file.value = '';
    }
  });
  const load = element('button', { type: 'button', class: 'zf-load-button', text: tr(lang, { en: 'Load model…', de: 'Modell laden…' }) });
  load.addEventListener('click', () => file.click());

  const root = element('div', { class: 'zf-model-file' }, [source, tested, element('div', { class: 'zf-buttons' }, [save, load, file]), note]);
  panels.set(root, {
    pretrained, params,
    update(next, nextEvaluation) {
      training = next;
      evaluation = nextEvaluation;
      updateSave();
      describe();
      describeTest();
    },
  });
  return root;
}

export const modelFileCells: CellSpec[] = [
  {
    name: 'trainingParams',
    doc: 'Every parameter that decides a training run, as one object (for loading, saving and precomputed runs).',
    inputs: TRAINING_PARAM_NAMES,
    // Spelled out (not ...rest): the cells test checks that parameter names match the inputs.
    define: (backend, hidden, layers, conv, convKernel, convStride, shift, lr, lrSchedule, epochs, batchSize, augment, noise, gain, mockSource, chipId, calibration, seed, trainSize, labelNoise) => ({ backend, hidden, layers, conv, convKernel, convStride, shift, lr, lrSchedule, epochs, batchSize, augment, noise, gain, mockSource, chipId, calibration, seed, trainSize, labelNoise }) as unknown as TrainingParams,
  },
  { name: 'loadedModelState', doc: 'Holds the model file the reader loaded (null: none); the Load button writes it.', inputs: ['host'], define: (host: Host) => hostState<LoadedModel | null>(host, 'loadedModel', () => null) },
  { name: 'loadedModel', doc: 'The model file the reader loaded, or null.', inputs: ['loadedModelState'], define: (loadedModelState: Mutable<LoadedModel | null>) => loadedModelState.changes() },
  { name: 'trainLiveState', doc: 'Holds whether the reader pressed “Train live”.', inputs: ['host'], define: (host: Host) => hostState<boolean>(host, 'trainLive', () => false) },
  { name: 'trainLive', doc: 'true once the reader pressed “Train live” (the page then trains instead of showing a precomputed run).', inputs: ['trainLiveState'], define: (trainLiveState: Mutable<boolean>) => trainLiveState.changes() },
  {
    name: 'loadedEvaluation',
    doc: 'The loaded model on the test images: state (running, done), images evaluated, accuracy, loss and confusion matrix; null when no model is loaded.',
    // The test split through the host (what `testSet` loads, cached there), only once a model is loaded: the model file
    // panel shows this cell, and must not wait for the test images, or fail with them, when nothing is loaded.
    inputs: ['loadedModel', 'host', 'chipDevice', 'seed', 'invalidation'],
    define: (loadedModel: LoadedModel | null, host: Host, chipDevice: ChipDevice, seed: number, invalidation: Promise<void>) =>
      loadedModel ? untilInvalidated(invalidation, (signal) => evaluateLoadedModel(loadedModel, loadTestSet(host), chipDevice, seed, signal)) : null,
  },
  {
    name: 'pretrained',
    doc: 'A loaded or precomputed run for exactly these parameters, or null (then training trains live).',
    inputs: ['host', 'trainingParams', 'loadedModel', 'trainLive'],
    define: (host: Host, trainingParams: TrainingParams, loadedModel: LoadedModel | null, trainLive: boolean) => choosePretrained(host, trainingParams, loadedModel, trainLive),
  },
  {
    name: 'modelFile',
    doc: 'Figure: where the trained model comes from, with Train live, Save model and Load model.', type: 'HTMLElement',
    inputs: ['host', 'pretrained', 'training', 'loadedEvaluation', 'trainingParams', 'loadedModelState', 'trainLiveState', ...TRAINING_PARAM_NAMES.map((name) => `viewof ${name}`)],
    define: function (this: unknown, host: Host, pretrained: PretrainedRun | null, training: TrainProgress | null, loadedEvaluation: LoadedEvaluation | null, trainingParams: TrainingParams,
      loadedModelState: Mutable<LoadedModel | null>, trainLiveState: Mutable<boolean>,
      viewBackend, viewHidden, viewLayers, viewConv, viewConvKernel, viewConvStride, viewShift, viewLr, viewLrSchedule, viewEpochs, viewBatchSize, viewAugment, viewNoise, viewGain, viewMockSource, viewChipId, viewCalibration, viewSeed, viewTrainSize, viewLabelNoise: ViewLike) {
      const panel = this instanceof Element ? panels.get(this) : undefined;
      if (panel && panel.pretrained === pretrained && panel.params === trainingParams) {
        panel.update(training, loadedEvaluation);
        return this;
      }
      const viewList = [viewBackend, viewHidden, viewLayers, viewConv, viewConvKernel, viewConvStride, viewShift, viewLr, viewLrSchedule, viewEpochs, viewBatchSize, viewAugment, viewNoise, viewGain, viewMockSource, viewChipId, viewCalibration, viewSeed, viewTrainSize, viewLabelNoise];
      const views = Object.fromEntries(TRAINING_PARAM_NAMES.map((name, i) => [name, viewList[i]]));
      return modelFileControl(host.lang ?? 'en', pretrained, training, loadedEvaluation, trainingParams, views, loadedModelState, trainLiveState,
        hostState<ModelFileNote | null>(host, 'modelFileNote', () => null));
    },
  },
];
