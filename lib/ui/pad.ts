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
import { predictionsList, rankDigits } from './predictions';
import { throttledRoot } from './throttle';

/** Noisy runs behind the top-1 spread (as the issue asks: 20). */
export const SPREAD_RUNS = 20;
/** The spread waits for this pause in drawing, so strokes stay fast. */
export const SPREAD_PAUSE_MS = 150;
/** While only the weights change (training), predictions are redrawn at most this often… */
export const WEIGHTS_REDRAW_MS = 250;
/** …and their noisy spread recomputed at most this often. */
export const WEIGHTS_SPREAD_MS = 1000;

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

interface TrainingLike { model: HagenModel; state: string }
interface SpreadState { timer: ReturnType<typeof setTimeout> | null; spread: number[] | null; image: Float32Array | null; at: number }
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
export function predictionsView(previous: unknown, image: Float32Array, source: HagenModel | TrainingLike | null, chipDevice: ChipDevice, rng: Rng, lang: Lang): HTMLElement {
  const model = source && 'layers' in source ? source : source?.model ?? null;
  const chip = model?.backend === 'chip' ? chipDevice : undefined;
  const infer = () => predict(model!, image, rng, chip);
  return throttledRoot(previous, 'zf-predictions-cell', String(imageId(image)), WEIGHTS_REDRAW_MS, (root) => {
    if (!model) return element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'Waiting for the first training batch…', de: 'Warte auf den ersten Trainings-Batch…' }) });
    const state = spreadStates.get(root) ?? { timer: null, spread: null, image: null, at: -Infinity };
    spreadStates.set(root, state);
    const sameImage = state.image === image;
    const list = predictionsList(infer(), { lang, spread: sameImage ? state.spread : null });
    // Noise makes each run differ: after a pause in drawing, show how often each digit wins (with new
    // weights only now and then: the canvas must stay quick while training runs).
    if (model.backend === 'mock' && (!sameImage || performance.now() - state.at > WEIGHTS_SPREAD_MS)) {
      if (state.timer !== null) clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = null;
        state.at = performance.now();
        state.spread = noisySpread(model, image, rng);
        state.image = image;
        if (root.contains(list)) list.replaceWith(predictionsList(infer(), { lang, spread: state.spread }));
      }, SPREAD_PAUSE_MS);
    }
    return list;
    });
}
