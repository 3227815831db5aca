/**
 * Progress of a training run: a progress bar with epoch, batch, loss and speed, a stop/restart button,
 * and the error message when training failed. The root carries `data-state` and `data-epoch`.
 */

import { applyCell, element, libraryMessage, type CellOption } from './dom';
import { checkLang, formatNumber, tr, type Lang } from './i18n';
import { CAUSE_TEXT, CHANCE_ACCURACY, type NotLearningCause } from '../train/verdict';

type TrainingState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';
const STATES: readonly TrainingState[] = ['idle', 'running', 'done', 'cancelled', 'error'];

export interface TrainingStatusInput {
  state: TrainingState;
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  samplesPerSecond: number;
  error?: string;
  /** Test accuracy after the last finished epoch (0…1), if any. */
  testAccuracy?: number;
  /** Where the result comes from: trained here (default), precomputed when the site was built, or a loaded file. */
  source?: 'live' | 'precomputed' | 'file';
  /** Set when a finished run is at chance accuracy: it did not learn, and this is the likely cause. */
  notLearning?: NotLearningCause;
}

interface TrainingStatusOptions extends CellOption {
  lang?: Lang;
  /** Called when the reader presses "Stop" while running. */
  onStop?: () => void;
  /** Called when the reader presses "Train again" after the run ended. */
  onRestart?: () => void;
}

function check(progress: TrainingStatusInput): void {
  if (!progress || !STATES.includes(progress.state)) throw new RangeError(`state must be one of ${STATES.join(', ')}, got ${String(progress?.state)}`);
  for (const key of ['epoch', 'epochs', 'batch', 'batchesPerEpoch'] as const) {
    if (!Number.isInteger(progress[key]) || progress[key] < 0) throw new RangeError(`${key} must be a whole number ≥ 0, got ${String(progress[key])}`);
  }
  if (progress.epochs < 1 || progress.batchesPerEpoch < 1) throw new RangeError(`epochs and batchesPerEpoch must be ≥ 1, got ${progress.epochs} and ${progress.batchesPerEpoch}`);
}

/** Fraction of the run finished: `epoch` counts from 1 while running, `batch` is done within it. */
export function progressFraction(p: TrainingStatusInput): number {
  if (p.state === 'done') return 1;
  if (p.state === 'idle') return 0;
  const done = Math.max(0, p.epoch - 1) * p.batchesPerEpoch + Math.min(p.batch, p.batchesPerEpoch);
  return Math.max(0, Math.min(1, done / (p.epochs * p.batchesPerEpoch)));
}

const pct = (lang: Lang, fraction: number, digits = 1) => `${formatNumber(lang, fraction * 100, digits)} %`;

/** The one line that says what the training is doing, in words (no bare "Done 100 %" before anything ran). */
export function stateText(p: TrainingStatusInput, lang: Lang): string {
  const t = (en: string, de: string) => tr(lang, { en, de });
  switch (p.state) {
    case 'idle':
      return t('Not trained yet', 'Noch nicht trainiert');
    case 'running':
      return t(`Training: ${pct(lang, progressFraction(p), 0)}`, `Training läuft: ${pct(lang, progressFraction(p), 0)}`);
    case 'cancelled':
      return t(`Stopped at ${pct(lang, progressFraction(p), 0)}`, `Angehalten bei ${pct(lang, progressFraction(p), 0)}`);
    case 'error':
      return t('Training failed', 'Training fehlgeschlagen');
    case 'done': {
      const accuracy = p.testAccuracy !== undefined ? pct(lang, p.testAccuracy) : null;
      if (p.notLearning) return t(`Not learning: test accuracy ${accuracy}, no better than guessing (${pct(lang, CHANCE_ACCURACY, 0)})`, `Lernt nicht: Testgenauigkeit ${accuracy}, nicht besser als Raten (${pct(lang, CHANCE_ACCURACY, 0)})`);
      const from = p.source === 'precomputed' ? t('Precomputed', 'Vorberechnet') : p.source === 'file' ? t('Loaded from a file', 'Aus einer Datei geladen') : t('Done', 'Fertig');
      return accuracy ? `${from}: ${t('test accuracy', 'Testgenauigkeit')} ${accuracy}` : from;
    }
  }
}

export function trainingStatus(progress: TrainingStatusInput | null, options: TrainingStatusOptions = {}): HTMLElement {
  const lang = checkLang(options.lang ?? 'en');
  const p: TrainingStatusInput = progress ?? { state: 'idle', epoch: 0, epochs: 1, batch: 0, batchesPerEpoch: 1, loss: NaN, samplesPerSecond: NaN };
  check(p);
  const fraction = progressFraction(p);
  const bar = element('progress', { max: 1000, value: Math.round(fraction * 1000), 'aria-label': tr(lang, { en: 'Training progress', de: 'Trainingsfortschritt' }) });
  const facts: string[] = [];
  if (p.state === 'done' && p.source === 'precomputed') facts.push(tr(lang, { en: 'trained when the page was built, for exactly these settings', de: 'beim Bauen der Seite für genau diese Einstellungen trainiert' }));
  if (p.state !== 'idle' && p.epoch > 0) {
    facts.push(tr(lang, { en: `epoch ${p.epoch} of ${p.epochs}`, de: `Epoche ${p.epoch} von ${p.epochs}` }));
    if (p.state === 'running') facts.push(tr(lang, { en: `batch ${p.batch} of ${p.batchesPerEpoch}`, de: `Stapel ${p.batch} von ${p.batchesPerEpoch}` }));
    if (p.state === 'running' && p.testAccuracy !== undefined) facts.push(tr(lang, { en: 'test accuracy so far ', de: 'Testgenauigkeit bisher ' }) + pct(lang, p.testAccuracy));
    if (Number.isFinite(p.loss)) facts.push(tr(lang, { en: 'loss ', de: 'Verlust ' }) + formatNumber(lang, p.loss, 4));
    if (p.state === 'running' && Number.isFinite(p.samplesPerSecond) && p.samplesPerSecond > 0) facts.push(tr(lang, { en: `${formatNumber(lang, p.samplesPerSecond, 0)} images/s`, de: `${formatNumber(lang, p.samplesPerSecond, 0)} Bilder/s` }));
  }
  const heading = element('div', { class: 'zf-status-line' }, [
    element('strong', { class: 'zf-state', text: stateText(p, lang) }),
    // the percentage is in the state line while running; kept as an element (patched in place by the page)
    element('span', { class: 'zf-percent', hidden: true, text: p.state === 'idle' ? '' : `${formatNumber(lang, fraction * 100, 0)} %` }),
  ]);
  const root = element('div', { class: 'zf-training', 'data-state': p.state, 'data-epoch': p.epoch, 'data-verdict': p.notLearning ? 'not-learning' : undefined, role: 'group', 'aria-label': tr(lang, { en: 'Training', de: 'Training' }) },
    [heading, bar, element('p', { class: 'zf-facts', text: facts.join(' · ') })]);
  if (p.state === 'error') {
    root.append(element('p', { class: 'zf-error', role: 'alert' },
      p.error ? libraryMessage(lang, { en: '', de: '' }, p.error) : [tr(lang, { en: 'Unknown error.', de: 'Unbekannter Fehler.' })]));
  }
  if (p.state === 'done' && p.notLearning) {
    root.append(element('p', { class: 'zf-error zf-not-learning', role: 'alert', text: tr(lang, { en: 'Likely cause: ', de: 'Wahrscheinliche Ursache: ' }) + tr(lang, CAUSE_TEXT[p.notLearning]) }));
  }
  const action = p.state === 'running' ? options.onStop : options.onRestart;
  if (action) {
    const label = p.state === 'running' ? tr(lang, { en: 'Stop', de: 'Anhalten' })
      : p.state === 'idle' ? tr(lang, { en: 'Train', de: 'Trainieren' })
        : p.source === 'precomputed' || p.source === 'file' ? tr(lang, { en: 'Train in this browser', de: 'In diesem Browser trainieren' })
          : tr(lang, { en: 'Train again', de: 'Neu trainieren' });
    const button = element('button', { type: 'button', class: p.state === 'running' ? 'zf-stop' : 'zf-restart', text: label });
    button.addEventListener('click', () => action());
    root.append(button);
  }
  applyCell(root, options);
  return root;
}

/**
 * Update `current` in place from `next` when only the numbers changed (same state): a button the reader is
 * pressing must not be replaced under the pointer at every batch. Returns whether it could.
 */
export function patchStatus(current: Element, next: Element): boolean {
  if (current.getAttribute('data-state') !== next.getAttribute('data-state')) return false;
  if (current.getAttribute('data-verdict') !== next.getAttribute('data-verdict')) return false;
  if (current.querySelector('button')?.textContent !== next.querySelector('button')?.textContent) return false;
  for (const selector of ['.zf-state', '.zf-percent', '.zf-facts']) {
    const from = next.querySelector(selector);
    const to = current.querySelector(selector);
    if (!from || !to) return false;
    if (to.textContent !== from.textContent) to.textContent = from.textContent;
  }
  const bar = current.querySelector('progress');
  const nextBar = next.querySelector('progress');
  if (!bar || !nextBar) return false;
  bar.value = nextBar.value;
  current.setAttribute('data-epoch', next.getAttribute('data-epoch') ?? '0');
  return true;
}

/** What a training run reports to its status (a TrainProgress carries all of it). */
export interface RunReport {
  state: Exclude<TrainingState, 'idle'>;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  samplesPerSecond: number;
  error?: string;
}

/** What the status says besides the run's own report: its accuracy so far, its source, whether it learned. */
export type RunContext = Pick<TrainingStatusInput, 'testAccuracy' | 'source' | 'notLearning'>;

/**
 * The status of a run from its newest report (null: none yet), the error it failed with (null: none), the epochs
 * asked for and what else is known of it: what the page's status shows, and the `trainingStatus` cell's value.
 */
export function statusInputOf(last: RunReport | null, failure: string | null, totalEpochs: number, about?: RunContext): TrainingStatusInput {
  const state: TrainingState = failure ? 'error' : last?.state ?? 'idle';
  const epoch = last?.epoch ?? 0;
  const input: TrainingStatusInput = last
    ? { state, epoch, epochs: Math.max(totalEpochs, epoch, 1), batch: last.batch, batchesPerEpoch: Math.max(1, last.batchesPerEpoch), loss: last.loss, samplesPerSecond: last.samplesPerSecond, error: failure ?? last.error }
    : { state, epoch: 0, epochs: Math.max(1, totalEpochs), batch: 0, batchesPerEpoch: 1, loss: NaN, samplesPerSecond: NaN, error: failure ?? undefined };
  return { ...input, ...about };
}

export interface StatusPlaceholder {
  /** The newest run report (null: none yet), the error the run failed with (null: none), the epochs asked for. */
  show(last: RunReport | null, failure: string | null, totalEpochs: number, about?: RunContext): void;
  dispose(): void;
}

/**
 * The training status drawn into the placeholder `el`: its attributes (`data-state`, `data-epoch`,
 * `data-status`) follow every report at once (tests and scripts read them); the drawing waits for a frame
 * and patches the numbers in place while the state stays.
 */
export function statusPlaceholder(el: HTMLElement, options: { lang: Lang; onStop: () => void; onRestart: () => void }): StatusPlaceholder {
  let report: { last: RunReport | null; failure: string | null; totalEpochs: number; about?: RunContext } = { last: null, failure: null, totalEpochs: 1 };
  let frame: number | null = null;
  const stateOf = (): TrainingState => (report.failure ? 'error' : report.last?.state ?? 'idle');
  const render = () => {
    frame = null;
    const { last, failure, totalEpochs, about } = report;
    const input = statusInputOf(last, failure, totalEpochs, about);
    el.dataset.state = input.state;
    el.dataset.epoch = String(input.epoch);
    el.dataset.status = failure ? 'error' : 'fulfilled';
    const next = trainingStatus(input, options);
    const current = el.firstElementChild;
    if (!current || el.childElementCount !== 1 || !patchStatus(current, next)) el.replaceChildren(next);
  };
  render();
  return {
    show(last, failure, totalEpochs, about) {
      report = { last, failure, totalEpochs, about };
      el.dataset.state = stateOf();
      el.dataset.epoch = String(last?.epoch ?? 0);
      if (frame === null) frame = requestAnimationFrame(render);
    },
    dispose() {
      if (frame !== null) cancelAnimationFrame(frame);
    },
  };
}
