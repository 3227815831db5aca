/**
 * The drawing canvas and its result, for the untrained and the trained model: a drawing pad (built once,
 * it keeps the drawing while models change) with 0–9 buttons pasting test digits, and the top-5 digits
 * with their scores. Inference runs on the page's main thread with the newest weights; in mock mode a
 * pause in drawing also shows how often each digit wins over 20 noisy runs.
 */
import { coverHalf, PIXELS } from '../draw/raster';
import { sampleOfDigit } from '../data/sample';
import type { Split } from '../data/types';
import { fastEngine } from '../hagen/fast/index';
import { predict } from '../hagen/predict';
import type { ChipDevice, HagenModel } from '../hagen/types';
import { Rng } from '../random';
import { element } from './dom';
import { drawingPad, type DrawingPad } from './drawing';
import { tr, type Lang } from './i18n';
import { announce, emptyPredictions, isBlank, predictionsList, rankDigits } from './predictions';
import { formatNumber } from './i18n';
import { throttledRoot } from './throttle';

/** Noisy runs behind the top-1 spread (as the issue asks: 20). */
const SPREAD_RUNS = 20;
/** The spread waits for this pause in drawing, so strokes stay fast. */
const SPREAD_PAUSE_MS = 150;
/** While only the weights change (training), predictions are redrawn at most this often… */
const WEIGHTS_REDRAW_MS = 250;
/** …and their noisy spread recomputed at most this often. */
const WEIGHTS_SPREAD_MS = 1000;

/** How often each digit is the top-1 answer in `runs` rows of 10 logits (one noisy inference each). */
export function topOneCounts(logits: Float32Array, runs: number): number[] {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a whole number ≥ 1, got ${runs}`);
  if (logits?.length !== runs * 10) throw new RangeError(`logits must hold runs × 10 = ${runs * 10} values, got length ${logits?.length}`);
  const counts = new Array<number>(10).fill(0);
  for (let r = 0; r < runs; r++) counts[rankDigits(logits.subarray(r * 10, (r + 1) * 10))[0]]++;
  return counts;
}

/** The top-1 spread of `image` over SPREAD_RUNS noisy runs: one batched forward pass (much cheaper than 20 single ones). */
function noisySpread(model: HagenModel, image: Float32Array, rng: Rng): number[] {
  const x = new Float32Array(SPREAD_RUNS * PIXELS);
  for (let r = 0; r < SPREAD_RUNS; r++) for (let i = 0; i < PIXELS; i++) x[r * PIXELS + i] = image[i] * 31;
  return topOneCounts(fastEngine.forward(model, x, SPREAD_RUNS, rng), SPREAD_RUNS);
}

/** Numbers the images a pad emits, so a new drawing can be told from new weights. */
const imageIds = new WeakMap<Float32Array, number>();
let nextImageId = 1;
function imageId(image: Float32Array): number {
  let id = imageIds.get(image);
  if (id === undefined) imageIds.set(image, (id = nextImageId++));
  return id;
}

interface TrainingLike { model: HagenModel; state: string; epoch?: number; epochs?: readonly { testAccuracy: number }[] }

/** Which pad: the untrained model of section 5 or the trained one of section 7 (their answers are announced separately). */
export interface PadAnswerOptions { pad: 'untrained' | 'trained'; totalEpochs?: number }

/** The line above the answer: which model answers, and whether its weights are still changing. */
function modelLine(source: HagenModel | TrainingLike | null, lang: Lang, options: PadAnswerOptions): { text: string; provisional: boolean } {
  const t = (en: string, de: string) => tr(lang, { en, de });
  if (options.pad === 'untrained') return { text: t('Untrained model: random weights, so its answer is a guess.', 'Untrainiertes Modell: zufällige Gewichte, die Antwort ist also geraten.'), provisional: false };
  if (!source || 'layers' in source) return { text: t('Trained model.', 'Trainiertes Modell.'), provisional: false };
  const done = source.epochs ?? [];
  const accuracy = done.length ? `${formatNumber(lang, done[done.length - 1].testAccuracy * 100, 1)} %` : null;
  if (source.state === 'running') {
    const of = options.totalEpochs ? t(` of ${options.totalEpochs}`, ` von ${options.totalEpochs}`) : '';
    return { text: t(`Still training (epoch ${source.epoch ?? 1}${of}): it answers with the weights so far.`, `Trainiert noch (Epoche ${source.epoch ?? 1}${of}): es antwortet mit den bisherigen Gewichten.`), provisional: true };
  }
  if (source.state === 'cancelled') return { text: t('Training was stopped: it answers with the weights it had then.', 'Das Training wurde angehalten: es antwortet mit den Gewichten von da.'), provisional: true };
  return { text: accuracy ? t(`Trained model (test accuracy ${accuracy}).`, `Trainiertes Modell (Testgenauigkeit ${accuracy}).`) : t('Trained model.', 'Trainiertes Modell.'), provisional: false };
}

/** A new drawing's answer is said after this pause (a stroke changes the image every frame). */
const ANNOUNCE_PAUSE_MS = 500;
interface SpreadState { timer: ReturnType<typeof setTimeout> | null; spread: number[] | null; image: Float32Array | null; at: number; announced: Float32Array | null; announceTimer: ReturnType<typeof setTimeout> | null }
const spreadStates = new WeakMap<Element, SpreadState>();

/** The drawing pad, with 0–9 buttons pasting random test digits, and optionally the "cover half" buttons. */
export function padView(testSet: Split, lang: Lang, withCoverHalf: boolean): DrawingPad {
  const rng = Rng.derive(testSet.count, 'page/pad-samples');
  const pad = drawingPad({ lang, sampleDigit: (digit) => sampleOfDigit(testSet, digit, rng) });
  if (!withCoverHalf) return pad;
  const question = tr(lang, { en: 'Does half a digit suffice?', de: 'Reicht eine halbe Ziffer?' });
  const buttons = (['bottom', 'top', 'right', 'left'] as const).map((half) => {
    const button = element('button', { type: 'button', class: 'zf-cover', 'data-half': half, text: tr(lang, {
      en: `Cover the ${half} half`, de: `${{ bottom: 'Untere', top: 'Obere', right: 'Rechte', left: 'Linke' }[half]} Hälfte abdecken` }) });
    button.addEventListener('click', () => pad.paste(coverHalf(pad.raster, half)));
    return button;
  });
  pad.querySelector('.zf-toolbar')?.after(element('div', { class: 'zf-cover-tools', role: 'group', 'aria-label': question }, [element('span', { text: question }), ...buttons]));
  return pad;
}

/** Top-5 digits for `image` under the model (or a training run's newest weights); `previous` is the cell's `this`. */
export function predictionsView(previous: unknown, image: Float32Array, source: HagenModel | TrainingLike | null, chipDevice: ChipDevice, rng: Rng, lang: Lang,
  options: PadAnswerOptions = { pad: 'untrained' }): HTMLElement {
  const model = source && 'layers' in source ? source : source?.model ?? null;
  const chip = model?.backend === 'chip' ? chipDevice : undefined;
  const infer = () => predict(model!, image, rng, chip);
  const line = modelLine(source, lang, options);
  const who = options.pad === 'untrained' ? tr(lang, { en: 'Untrained model', de: 'Untrainiertes Modell' }) : tr(lang, { en: 'Trained model', de: 'Trainiertes Modell' });
  const key = `${imageId(image)}:${line.text}`;
  return throttledRoot(previous, 'zf-predictions-cell', key, WEIGHTS_REDRAW_MS, (root) => {
    if (!model) return element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'Waiting for the first training step…', de: 'Warte auf den ersten Trainingsschritt …' }) });
    const state = spreadStates.get(root) ?? { timer: null, spread: null, image: null, at: -Infinity, announced: null, announceTimer: null };
    spreadStates.set(root, state);
    const doc = root.ownerDocument;
    if (isBlank(image)) {
      // An empty pad: no guess (the scores of a blank image mean nothing), and nothing to announce.
      if (state.announceTimer !== null) clearTimeout(state.announceTimer);
      state.announced = image;
      return emptyPredictions({ lang, source: line.text, provisional: line.provisional });
    }
    if (state.announced !== image) {
      if (state.announceTimer !== null) clearTimeout(state.announceTimer);
      state.announceTimer = setTimeout(() => {
        state.announceTimer = null;
        state.announced = image;
        // what the screen shows now (each noisy inference may differ, so a fresh one could contradict it)
        const shown = [...root.querySelectorAll('ol > li')].map((li) => li.getAttribute('data-digit'));
        if (shown.length >= 2) announce(doc, `answer-${options.pad}`, `${who}: ${tr(lang, { en: `the answer is ${shown[0]}, then ${shown[1]}.`, de: `die Antwort ist ${shown[0]}, danach ${shown[1]}.` })}`);
      }, ANNOUNCE_PAUSE_MS);
    }
    const sameImage = state.image === image;
    const list = predictionsList(infer(), { lang, spread: sameImage ? state.spread : null, source: line.text, provisional: line.provisional });
    // Noise makes each run differ: after a pause in drawing, show how often each digit wins (with new
    // weights only now and then: the canvas must stay quick while training runs).
    if (model.backend === 'mock' && (!sameImage || performance.now() - state.at > WEIGHTS_SPREAD_MS)) {
      if (state.timer !== null) clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = null;
        state.at = performance.now();
        state.spread = noisySpread(model, image, rng);
        state.image = image;
        if (root.contains(list)) list.replaceWith(predictionsList(infer(), { lang, spread: state.spread, source: line.text, provisional: line.provisional }));
      }, SPREAD_PAUSE_MS);
    }
    return list;
    });
}
