/**
 * Section "Your runs": every training that ends here (done, stopped or failed) is recorded with its
 * parameters, curves and final accuracies (lib/state/history.ts), kept in the host's storage (the
 * page's localStorage) across visits. Chosen earlier runs are overlaid on the loss and accuracy plots
 * (`runOverlays`); the `runHistory` display lists them with overlay / remove / clear.
 * Precomputed and loaded models are not runs of the reader and are not recorded.
 */
import { addRun, clearHistory, createRunRecord, loadHistory, removeRun, saveHistory, type RunHistory, type RunRecord } from '../lib/state/history';
import { withDefaults, type TrainingParams } from '../lib/precompute/files';
import type { CellSpec } from '../lib/runtime/cell';
import { paramSpec, type EnumParam } from '../lib/params';
import type { Mutable } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';
import type { TrainProgress } from '../lib/train/train';
import { element } from '../lib/ui/dom';
import { formatNumber, tr, type Lang } from '../lib/ui/i18n';
import { accuracyPlot, lossCurve, type AccuracyOverlay, type LossOverlay } from '../lib/ui/plots';
import { OVERLAY_COLOURS } from '../lib/ui/plotFrame';
import type { PretrainedRun } from './modelfile';
import { hostState } from './state';

/** At most this many earlier runs are drawn over the current plots (one colour each). */
const MAX_OVERLAYS = OVERLAY_COLOURS.length;

export interface RunHistoryState {
  runs: RunHistory;
  /** Ids of the runs drawn over the current plots. */
  overlaid: readonly string[];
  /** Why something stored was dropped or could not be saved (shown as text). */
  warnings: readonly string[];
}

/** The store of one notebook: the runs, loaded from storage on first use and saved after every change. */
export class RunHistoryStore {
  readonly state: Mutable<RunHistoryState>;
  private readonly recorded = new WeakSet<object>();

  constructor(private readonly host: Host, state: Mutable<RunHistoryState>) {
    this.state = state;
  }

  static load(host: Host, state: Mutable<RunHistoryState>): RunHistoryStore {
    const store = new RunHistoryStore(host, state);
    if (host.storage) {
      const { history, warnings } = loadHistory(host.storage);
      state.value = { runs: history, overlaid: history.slice(-MAX_OVERLAYS).map((run) => run.id), warnings };
    }
    return store;
  }

  private commit(runs: RunHistory, overlaid: readonly string[]): void {
    let warnings: string[] = [];
    let kept = runs;
    // Every run stays listed; storage may keep fewer (full quota), and the warning says so (lib/state/history.ts).
    if (this.host.storage) ({ history: kept, warnings } = saveHistory(this.host.storage, runs, undefined, this.host.lang ?? 'en'));
    const ids = new Set(kept.map((run) => run.id));
    this.state.value = { runs: kept, overlaid: overlaid.filter((id) => ids.has(id)).slice(-MAX_OVERLAYS), warnings };
  }

  /** Record a finished live run once (the same final progress may be seen by several cell runs). Returns the record or null. */
  record(training: TrainProgress, params: TrainingParams, now = Date.now()): RunRecord | null {
    if (training.state === 'running' || this.recorded.has(training)) return null;
    this.recorded.add(training);
    if (training.losses.length === 0 && training.epochs.length === 0) return null; // stopped before the first batch
    const { runs, overlaid } = this.state.value;
    const run = createRunRecord(training, withDefaults(params as Record<string, unknown>), { timestamp: now, history: runs });
    this.commit(addRun(runs, run), [...overlaid, run.id]);
    return run;
  }

  remove(id: string): void {
    const { runs, overlaid } = this.state.value;
    this.commit(removeRun(runs, id), overlaid.filter((other) => other !== id));
  }

  clear(): void {
    this.commit(clearHistory(), []);
  }

  setOverlaid(id: string, on: boolean): void {
    const { runs, overlaid } = this.state.value;
    this.commit(runs, on ? [...overlaid.filter((other) => other !== id), id] : overlaid.filter((other) => other !== id));
  }
}

const RUN_STATE: Record<string, { en: string; de: string }> = {
  done: { en: 'done', de: 'fertig' }, cancelled: { en: 'stopped', de: 'angehalten' }, error: { en: 'failed', de: 'fehlgeschlagen' }, running: { en: 'running', de: 'läuft' },
};

/** A short name for a run: what differs most often between runs. */
function runLabel(run: RunRecord, lang: Lang): string {
  const p = run.params;
  const time = new Date(run.timestamp).toLocaleTimeString(lang === 'de' ? 'de-DE' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  const backend = paramSpec('backend') as EnumParam;
  const where = backend.optionLabels[p.backend]?.[lang] ?? p.backend;
  const lr = formatNumber(lang, p.lr, 6);
  return lang === 'de'
    ? `${time} · ${where} · ${p.hidden} × ${p.layers} Neuronen · Lernrate ${lr} · ${p.epochs} Ep.`
    : `${time} · ${where} · ${p.hidden} × ${p.layers} neurons · learning rate ${lr} · ${p.epochs} ep.`;
}

/** Overlays for lib/ui's lossCurve/accuracyPlot from the chosen runs (losses are per point of `batchesPerLossPoint` batches). */
export function overlaysOf(state: RunHistoryState, lang: Lang): { loss: LossOverlay[]; accuracy: AccuracyOverlay[] } {
  const chosen = state.runs.filter((run) => state.overlaid.includes(run.id)).slice(-MAX_OVERLAYS);
  return {
    loss: chosen.filter((run) => run.losses.length > 0 && run.losses.every((v) => Number.isFinite(v))).map((run) => {
      const batchesPerEpoch = Math.ceil(Math.min(run.params.trainSize, 60000) / run.params.batchSize);
      return { label: runLabel(run, lang), losses: run.losses, batchesPerEpoch: Math.max(1, Math.round(batchesPerEpoch / run.batchesPerLossPoint)) };
    }),
    accuracy: chosen.filter((run) => run.epochs.length > 0).map((run) => ({ label: runLabel(run, lang), epochs: run.epochs })),
  };
}

function historyView(lang: Lang, state: RunHistoryState, store: RunHistoryStore): HTMLElement {
  const pct = (v: number | null) => (v === null ? '–' : `${formatNumber(lang, v * 100, 1)} %`);
  const rows = [...state.runs].reverse().map((run) => {
    const overlay = element('input', { type: 'checkbox', 'aria-label': tr(lang, { en: 'draw over the current plots', de: 'über die aktuellen Diagramme zeichnen' }) });
    overlay.checked = state.overlaid.includes(run.id);
    overlay.addEventListener('change', () => store.setOverlaid(run.id, overlay.checked));
    const remove = element('button', { type: 'button', class: 'zf-remove-run', text: tr(lang, { en: 'Remove', de: 'Entfernen' }) });
    remove.addEventListener('click', () => store.remove(run.id));
    return element('tr', { 'data-run': run.id, 'data-state': run.state }, [
      element('td', {}, [overlay]), element('td', { text: runLabel(run, lang) }), element('td', { text: (paramSpec('backend') as EnumParam).optionLabels[run.backend]?.[lang] ?? run.backend }),
      element('td', { text: pct(run.trainAccuracy) }), element('td', { text: pct(run.testAccuracy) }), element('td', { text: tr(lang, RUN_STATE[run.state] ?? { en: run.state, de: run.state }) }), element('td', {}, [remove]),
    ]);
  });
  const head = element('tr', {}, [tr(lang, { en: 'draw', de: 'zeichnen' }), tr(lang, { en: 'run', de: 'Lauf' }), tr(lang, { en: 'computed on', de: 'gerechnet auf' }), tr(lang, { en: 'accuracy, training images', de: 'Genauigkeit Trainingsbilder' }), tr(lang, { en: 'accuracy, test images', de: 'Genauigkeit Testbilder' }), tr(lang, { en: 'state', de: 'Stand' }), tr(lang, { en: 'remove', de: 'entfernen' })]
    .map((text) => element('th', { scope: 'col', text })));
  const clear = element('button', { type: 'button', class: 'zf-clear-runs', text: tr(lang, { en: 'Clear all runs', de: 'Alle Läufe löschen' }) });
  clear.disabled = state.runs.length === 0;
  clear.addEventListener('click', () => store.clear());
  const overlays = overlaysOf(state, lang);
  const children: (Node | null)[] = [
    state.runs.length === 0
      ? element('p', { class: 'zf-plot-note', text: tr(lang, { en: 'No finished runs yet. Every training that ends is listed here and kept in this browser.', de: 'Noch keine beendeten Läufe. Jedes Training, das endet, erscheint hier und bleibt in diesem Browser gespeichert.' }) })
      : element('div', { class: 'zf-table-wrap' }, [element('table', { class: 'zf-run-table' }, [element('thead', {}, [head]), element('tbody', {}, rows)])]),
    clear,
    ...state.warnings.map((warning) => element('p', { class: 'zf-note', role: 'status', text: warning })),
  ];
  if (overlays.accuracy.length > 0 || overlays.loss.length > 0) {
    // The chosen runs side by side (the training section draws them under the current run); hover for numbers.
    children.push(accuracyPlot([], { lang, overlays: overlays.accuracy }), lossCurve([], 1, { lang, overlays: overlays.loss }));
  }
  return element('div', { class: 'zf-run-history', 'data-runs': state.runs.length }, children);
}

const drawnState = new WeakMap<Element, RunHistoryState>();

export const historyCells: CellSpec[] = [
  {
    name: 'runHistoryStore',
    doc: 'The store of finished runs kept in this browser (record, remove, overlay).',
    inputs: ['host'],
    define: (host: Host) => {
      const state = hostState<RunHistoryState>(host, 'runHistory', () => ({ runs: [], overlaid: [], warnings: [] }));
      return hostState<RunHistoryStore>(host, 'runHistoryStore', () => RunHistoryStore.load(host, state)).value;
    },
  },
  { name: 'runs', doc: 'The finished runs kept in this browser, and which of them are overlaid.', inputs: ['runHistoryStore'], define: (runHistoryStore: RunHistoryStore) => runHistoryStore.state.changes() },
  {
    // Records each live run when it ends; its value is the record just added (or null).
    name: 'runRecorder',
    doc: 'Records each live run when it ends; its value is the record just added, or null.',
    inputs: ['runHistoryStore', 'training', 'pretrained', 'trainingParams'],
    define: (runHistoryStore: RunHistoryStore, training: TrainProgress | null, pretrained: PretrainedRun | null, trainingParams: TrainingParams) =>
      training && !pretrained ? runHistoryStore.record(training, trainingParams) : null,
  },
  { name: 'runOverlays', doc: 'The curves of the ticked runs, for the loss and accuracy plots.', inputs: ['host', 'runs'], define: (host: Host, runs: RunHistoryState) => overlaysOf(runs, host.lang ?? 'en') },
  {
    // Depends on runRecorder so that mounting it records runs; redrawn only when the runs change (not every batch).
    name: 'runHistory',
    doc: 'Figure: the list of finished runs, to tick, remove or clear.',
    inputs: ['host', 'runs', 'runHistoryStore', 'runRecorder'],
    define: function (this: unknown, host: Host, runs: RunHistoryState, runHistoryStore: RunHistoryStore, runRecorder: RunRecord | null) {
      void runRecorder; // an input only so that showing the history records runs
      if (this instanceof Element && drawnState.get(this) === runs) return this;
      const view = historyView(host.lang ?? 'en', runs, runHistoryStore);
      drawnState.set(view, runs);
      return view;
    },
  },
];
