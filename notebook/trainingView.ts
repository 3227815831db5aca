/**
 * The training status on the page: lib/ui's trainingStatus fed from the `training` cell. It observes the
 * cell itself (not as a display cell) because it must show a failed run, and a failing input never reaches
 * a display cell. Stop redefines `training` to hold its last progress as "cancelled" (which invalidates the run
 * and aborts the worker); Train again, or changing any of its inputs, brings the original definition back.
 * The placeholder carries `data-state` and `data-epoch`.
 */
import type { CellSpec } from '../lib/runtime/cell';
import type { Notebook } from '../lib/runtime/notebook';
import type { TrainProgress } from '../lib/train/train';
import type { Lang } from '../lib/ui/i18n';
import { trainingStatus, type TrainingState, type TrainingStatusInput } from '../lib/ui/trainingStatus';

/**
 * Update `current` in place from `next` when only the numbers changed (same state): a button the reader is
 * pressing must not be replaced under the pointer at every batch. Returns whether it could.
 */
export function patchStatus(current: Element, next: Element): boolean {
  if (current.getAttribute('data-state') !== next.getAttribute('data-state')) return false;
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
  const restart = () => notebook.redefine(trainingCell);

  let frame: number | null = null;
  const render = () => {
    frame = null;
    const state: TrainingState = failure ? 'error' : last?.state ?? 'idle';
    const epoch = last?.epoch ?? 0;
    el.dataset.state = state;
    el.dataset.epoch = String(epoch);
    el.dataset.status = failure ? 'error' : 'fulfilled';
    const input: TrainingStatusInput = last
      ? { state, epoch, epochs: Math.max(totalEpochs, epoch, 1), batch: last.batch, batchesPerEpoch: Math.max(1, last.batchesPerEpoch), loss: last.loss, samplesPerSecond: last.samplesPerSecond, error: failure ?? last.error }
      : { state, epoch: 0, epochs: Math.max(1, totalEpochs), batch: 0, batchesPerEpoch: 1, loss: NaN, samplesPerSecond: NaN, error: failure ?? undefined };
    const next = trainingStatus(input, { lang, onStop: stop, onRestart: restart });
    const current = el.firstElementChild;
    if (!current || el.childElementCount !== 1 || !patchStatus(current, next)) el.replaceChildren(next);
  };
  /** The attributes follow every value at once (tests and scripts read them); the drawing waits for a frame. */
  const scheduleRender = () => {
    const state: TrainingState = failure ? 'error' : last?.state ?? 'idle';
    el.dataset.state = state;
    el.dataset.epoch = String(last?.epoch ?? 0);
    if (frame === null) frame = requestAnimationFrame(render);
  };

  const stopEpochs = notebook.names.includes('epochs')
    ? notebook.observe('epochs', (value) => {
        if (typeof value === 'number') totalEpochs = value;
      })
    : () => {};
  const stopTraining = notebook.observe('training', (value, error) => {
    failure = error ? error.message : null;
    if (!error) last = (value as TrainProgress | null) ?? null;
    scheduleRender();
  });
  render();
  return () => {
    if (frame !== null) cancelAnimationFrame(frame);
    stopTraining();
    stopEpochs();
  };
}
