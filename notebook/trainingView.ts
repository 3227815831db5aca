/**
 * The training cell on the page: lib/ui's trainingStatus fed from the `training` cell, with Stop (the cell is
 * redefined to hold its last progress as "cancelled", which invalidates the run and aborts the worker) and
 * Train again (the original definition comes back). The placeholder carries `data-state` and `data-epoch`.
 */
import type { CellSpec } from '../lib/runtime/cell';
import type { Notebook } from '../lib/runtime/notebook';
import type { TrainProgress } from '../lib/train/train';
import type { Lang } from '../lib/ui/i18n';
import { trainingStatus, type TrainingState } from '../lib/ui/trainingStatus';

export function mountTraining(notebook: Notebook, el: HTMLElement, trainingCell: CellSpec, lang: Lang): () => void {
  let last: TrainProgress | null = null;
  let totalEpochs = 1;
  let failure: string | null = null;

  const stop = () => {
    const stopped = last ? { ...last, state: 'cancelled' as const } : null;
    notebook.redefine({ ...trainingCell, define: () => stopped });
  };
  const restart = () => notebook.redefine(trainingCell);

  const render = () => {
    const state: TrainingState = failure ? 'error' : last?.state ?? 'idle';
    const epoch = last?.epoch ?? 0;
    el.dataset.state = state;
    el.dataset.epoch = String(epoch);
    el.dataset.status = failure ? 'error' : 'fulfilled';
    const input = last
      ? { state, epoch, epochs: Math.max(totalEpochs, epoch, 1), batch: last.batch, batchesPerEpoch: Math.max(1, last.batchesPerEpoch), loss: last.loss, samplesPerSecond: last.samplesPerSecond, error: failure ?? last.error }
      : { state, epoch: 0, epochs: Math.max(1, totalEpochs), batch: 0, batchesPerEpoch: 1, loss: NaN, samplesPerSecond: NaN, error: failure ?? undefined };
    el.replaceChildren(trainingStatus(input, { lang, onStop: stop, onRestart: restart }));
  };

  const stopEpochs = notebook.names.includes('epochs')
    ? notebook.observe('epochs', (value) => {
        if (typeof value === 'number') totalEpochs = value;
      })
    : () => {};
  const stopTraining = notebook.observe('training', (value, error) => {
    failure = error ? error.message : null;
    if (!error) last = (value as TrainProgress | null) ?? null;
    render();
  });
  render();
  return () => {
    stopTraining();
    stopEpochs();
  };
}
