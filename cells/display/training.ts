/** Section 6 "Training": the live loss per batch and the accuracy per epoch (the status line is mounted by the page). */
import type { CellSpec } from '../../lib/runtime/cell';
import type { TrainProgress } from '../../lib/train/train';
import type { Lang } from '../../lib/ui/i18n';
import { accuracyPlot, lossCurve } from '../../lib/ui/plots';
import { overlaysOf } from '../history';
import { throttledRoot } from './shared';

/** The loss curve redraws at most this often while batches stream in. */
export const LOSS_REDRAW_MS = 300;

/** What makes a training figure redraw at once: another run state or another finished epoch. */
export function trainingKey(training: TrainProgress | null): string {
  return training ? `${training.state}:${training.epochs.length}:${training.losses.length === 0 ? 'fresh' : 'going'}` : 'none';
}

type RunOverlays = ReturnType<typeof overlaysOf>;

/** Earlier runs drawn under the current one: a change of which runs are overlaid redraws the plot. */
function overlayKey(overlays: readonly { label: string }[]): string {
  return overlays.map((o) => o.label).join('|');
}

export const trainingDisplayCells: CellSpec[] = [
  {
    name: 'lossPlot',
    inputs: ['training', 'runOverlays', 'lang', 'width'],
    define: function (this: unknown, training: TrainProgress | null, runOverlays: RunOverlays, lang: Lang, width: number) {
      return throttledRoot(this, 'zf-live-plot', `${trainingKey(training)}:${overlayKey(runOverlays.loss)}:${width}`, LOSS_REDRAW_MS, () =>
        lossCurve(training?.losses ?? [], Math.max(1, training?.batchesPerEpoch ?? 1), { lang, width, overlays: runOverlays.loss }));
    },
  },
  {
    name: 'accuracyPlot',
    inputs: ['training', 'runOverlays', 'lang', 'width'],
    define: function (this: unknown, training: TrainProgress | null, runOverlays: RunOverlays, lang: Lang, width: number) {
      // Changes only when an epoch ends: the key redraws it then, the long interval skips the batches in between.
      return throttledRoot(this, 'zf-live-plot', `${trainingKey(training)}:${overlayKey(runOverlays.accuracy)}:${width}`, 60_000, () =>
        accuracyPlot(training?.epochs ?? [], { lang, width, overlays: runOverlays.accuracy }));
    },
  },
];
