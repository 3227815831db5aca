/**
 * Page-wide tools: the reset button ("back to the tutorial's settings") and the compact status bar that
 * shows a training started by a change anywhere on the page (changing the width in section 4 trains in
 * section 6, far below the reader). The bar is hidden while the training status itself is on screen.
 */
import type { Notebook } from '../runtime/notebook';
import type { TrainProgress } from '../train/train';
import { learningVerdict, type VerdictSettings } from '../train/verdict';
import { element } from './dom';
import { tr, type Lang } from './i18n';
import { announce } from './predictions';
import { stateText, type TrainingStatusInput } from './trainingStatus';

export function resetButton(lang: Lang, reset: () => Promise<void>): HTMLButtonElement {
  const button = element('button', { type: 'button', class: 'zf-reset', text: tr(lang, { en: 'Back to the tutorial’s settings', de: 'Zurück zu den Einstellungen des Tutorials' }) });
  button.addEventListener('click', () => {
    button.disabled = true;
    reset().finally(() => {
      button.disabled = false;
      announce(button.ownerDocument, 'page', tr(lang, { en: 'All settings are back to the tutorial’s.', de: 'Alle Einstellungen sind wieder die des Tutorials.' }));
    });
  });
  return button;
}

/** How long a finished run stays in the bar (the reader may be far from its section). */
const FINISHED_SHOWN_MS = 20_000;

/** The status line for a progress report (null: none yet). */
function statusInput(progress: TrainProgress | null, failure: string | null, totalEpochs: number, settings: VerdictSettings | null): TrainingStatusInput {
  if (!progress) return { state: failure ? 'error' : 'idle', epoch: 0, epochs: Math.max(1, totalEpochs), batch: 0, batchesPerEpoch: 1, loss: NaN, samplesPerSecond: NaN, error: failure ?? undefined };
  const last = progress.epochs[progress.epochs.length - 1];
  const verdict = last && progress.state === 'done' && settings ? learningVerdict(last.testAccuracy, settings) : null;
  return {
    state: failure ? 'error' : progress.state, epoch: progress.epoch, epochs: Math.max(totalEpochs, progress.epoch, 1), batch: progress.batch,
    batchesPerEpoch: Math.max(1, progress.batchesPerEpoch), loss: progress.loss, samplesPerSecond: progress.samplesPerSecond,
    error: failure ?? progress.error, testAccuracy: last?.testAccuracy, notLearning: verdict && !verdict.learning ? verdict.cause : undefined,
  };
}

export function statusBar(doc: Document, notebook: Notebook, lang: Lang): HTMLElement {
  const text = element('span', { class: 'zf-statusbar-text' });
  const bar = element('div', { class: 'zf-statusbar', role: 'region', 'aria-label': tr(lang, { en: 'Training status', de: 'Stand des Trainings' }), hidden: true }, [
    text, element('a', { href: '#training', text: tr(lang, { en: 'Go to the training', de: 'Zum Training' }) }),
  ]);
  doc.body.append(bar);
  let totalEpochs = 1;
  let settings: VerdictSettings | null = null;
  let progress: TrainProgress | null = null;
  let failure: string | null = null;
  let lastState = '';
  let finishedAt = -Infinity;
  let statusOnScreen = false;
  let sawRun = false;
  const render = () => {
    const input = statusInput(progress, failure, totalEpochs, settings);
    const line = stateText(input, lang) + (input.state === 'running' ? ` · ${tr(lang, { en: `epoch ${input.epoch} of ${input.epochs}`, de: `Epoche ${input.epoch} von ${input.epochs}` })}` : '');
    if (text.textContent !== line) text.textContent = line;
    bar.dataset.state = input.state;
    if (input.state !== lastState) {
      if (input.state !== 'running' && lastState === 'running') finishedAt = performance.now();
      if (input.state === 'running') sawRun = true;
      // said once per change of state, not at every batch
      if (sawRun && lastState !== '') announce(doc, 'training', line);
      lastState = input.state;
    }
    const recent = input.state === 'running' || (sawRun && performance.now() - finishedAt < FINISHED_SHOWN_MS);
    bar.hidden = !recent || statusOnScreen;
  };
  if (notebook.names.includes('epochs')) notebook.observe('epochs', (value) => { if (typeof value === 'number') totalEpochs = value; });
  if (notebook.names.includes('trainingParams')) notebook.observe('trainingParams', (value) => { if (value) settings = value as VerdictSettings; });
  notebook.observe('training', (value, error) => {
    failure = error ? error.message : null;
    if (!error) progress = (value as TrainProgress | null) ?? null;
    render();
  });
  const status = doc.querySelector('[data-cell="training"]');
  if (status && typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => {
      statusOnScreen = entries.some((entry) => entry.isIntersecting);
      render();
    }).observe(status);
  }
  setInterval(render, 5000); // hides a finished run's line after FINISHED_SHOWN_MS
  return bar;
}
