/**
 * Section "How many neurons?": the capacity sweep. The same model is trained at every width of
 * `sweepWidths` with the reader's other settings, and final train/test accuracy and loss are plotted
 * against width: too few neurons underfit, and with few training images or noisy labels a wide model
 * memorises (train accuracy → 100 %, test accuracy falls behind).
 *
 * The sweep is expensive, so it runs when asked (the "Run sweep" button, `ziffern sweep`); until
 * then `sweep` shows the build's precomputed sweep, labelled with how it was computed. Widths train
 * through host.runTraining: in the page each concurrent run gets its own Web Worker, in Node they run
 * one after the other.
 */
import type { Dataset } from '../lib/data/types';
import { buildModel, sweepModelConfig } from '../lib/hagen/model';
import type { ChipDevice, HagenModel, MockParameter } from '../lib/hagen/types';
import { withDefaults, type SweepParams } from '../lib/precompute/files';
import { lookupPrecomputedSweep } from '../lib/precompute/lookup';
import { untilInvalidated } from '../lib/runtime/cancel';
import { trainOptionsFrom } from '../lib/train/train';
import type { CellSpec } from '../lib/runtime/cell';
import { paramSpec } from '../lib/params';
import type { Mutable } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';
import { runOneFromTraining, scheduleSweep, sweepTable, type SweepRow, type TrainingAdapter } from '../lib/sweep/sweep';
import { trainingAdapter } from '../lib/sweep/training';
import { element } from '../lib/ui/dom';
import { formatNumber, tr, type Lang } from '../lib/ui/i18n';
import { capacityLossPlot, capacityPlot as capacityFigure } from '../lib/ui/plots';
import { hostState } from './state';

/** Train accuracy of each width is measured on this many of its training images (unaugmented, as trained). */
const SWEEP_MEASURE_TRAIN_IMAGES = 2000;

export type SweepSource = 'live' | 'precomputed' | 'none';
export interface SweepState {
  source: SweepSource;
  state: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  widths: readonly number[];
  /** Latest row per width, in width order ('pending' before a width starts). */
  rows: (SweepRow | { hidden: number; state: 'pending' })[];
  /** precomputed: how it was computed when that differs from the reader's settings. */
  note?: string;
  error?: string;
}

export interface CapacityPoint { hidden: number; trainAccuracy: number; testAccuracy: number; trainLoss: number | null; testLoss: number | null }

/** The finished widths of a sweep, for the capacity plot. */
function capacityPoints(sweep: SweepState): CapacityPoint[] {
  return sweep.rows
    .filter((row): row is SweepRow & { trainAccuracy: number; testAccuracy: number } => row.state === 'done' && (row as SweepRow).trainAccuracy !== null && (row as SweepRow).testAccuracy !== null)
    .map(({ hidden, trainAccuracy, testAccuracy, trainLoss, testLoss }) => ({ hidden, trainAccuracy, testAccuracy, trainLoss, testLoss }));
}

/** One width trained through the host (a worker in the page), measured on the trained model. */
function hostTrainingAdapter(host: Host, data: Dataset, params: SweepParams, mock: MockParameter, chip: ChipDevice | undefined): TrainingAdapter<HagenModel> {
  const full = withDefaults(params as Record<string, unknown>);
  const measure = trainingAdapter({ params: full, mock, data, chip, measureTrainImages: SWEEP_MEASURE_TRAIN_IMAGES }).measure!;
  return {
    train: (hidden, signal) => host.runTraining(
      buildModel(sweepModelConfig(hidden, full), { backend: full.backend as HagenModel['backend'], mock, seed: full.seed }),
      data,
      {
        ...trainOptionsFrom(full, data.train.count), signal,
        // Only the final weights are measured: skip the per-batch weight copies.
        snapshotEveryBatches: 1e9,
        ...(full.backend === 'chip' && chip ? { chip } : {}),
      },
    ),
    // evaluate() runs where this cell runs (the page's main thread, or Node), with the default engine (no tfjs).
    measure: async (model, hidden) => measure(model, hidden),
  };
}

/** The live sweep: a SweepState after every row. */
async function* liveSweep(host: Host, params: SweepParams, mock: MockParameter, chip: ChipDevice | undefined, signal: AbortSignal): AsyncGenerator<SweepState> {
  const widths = params.sweepWidths;
  const rows: SweepRow[] = [];
  const state = (s: SweepState['state'], error?: string): SweepState => ({ source: 'live', state: s, widths, rows: sweepTable(widths, rows), ...(error ? { error } : {}) });
  yield state('running');
  let data: Dataset;
  try {
    data = await host.loadDataset();
  } catch (error) {
    yield state('error', (error as Error).message);
    return;
  }
  const runOne = runOneFromTraining(hostTrainingAdapter(host, data, params, mock, chip));
  for await (const row of scheduleSweep(widths, Math.max(1, host.parallelTrainings ?? 1), runOne, signal)) {
    rows.push(row);
    yield state('running');
  }
  const finals = sweepTable(widths, rows) as SweepRow[];
  const failed = finals.find((row) => row.state === 'error');
  yield state(signal.aborted || finals.some((row) => row.state === 'cancelled') ? 'cancelled' : failed ? 'error' : 'done', failed?.error);
}

async function precomputedSweepState(host: Host, params: SweepParams): Promise<SweepState> {
  const found = await lookupPrecomputedSweep(host, params, true);
  if (!found) return { source: 'none', state: 'idle', widths: params.sweepWidths, rows: sweepTable(params.sweepWidths, []) };
  return { source: 'precomputed', state: 'done', widths: found.widths, rows: sweepTable(found.widths, found.rows), ...(found.exact ? {} : { note: found.note }) };
}

// ---- display ---------------------------------------------------------------------------------

/** What to look for when changing each control that makes over- and underfitting visible. */
const LOOK_FOR: readonly { param: string; text: { en: string; de: string } }[] = [
  { param: 'trainSize', text: { en: 'On all 60 000 the train and test curves lie on top of each other. With 1 000 images (20 epochs, no augmentation: the precomputed sweep shown first) widths from 128 up reach 99 % on their training images while test accuracy stays at 77–84 %, and the test loss stops falling from 32 neurons on: they memorise.', de: 'Mit allen 60 000 liegen Trainings- und Testkurve aufeinander. Mit 1 000 Bildern (20 Epochen, ohne Augmentierung: der Vergleich, der zuerst zu sehen ist) erreichen Breiten ab 128 auf ihren Trainingsbildern 99 %, die Testgenauigkeit bleibt bei 77–84 %, und der Testverlust sinkt ab 32 Neuronen nicht mehr: sie lernen auswendig.' } },
  { param: 'labelNoise', text: { en: 'A wide model trained long enough gets more training images “right” than have correct labels — it has learned the wrong labels by heart, and its test accuracy gains nothing from that.', de: 'Ein breites, lange trainiertes Modell hat mehr Trainingsbilder „richtig“, als richtige Beschriftungen haben — es hat die falschen auswendig gelernt, und die Testgenauigkeit gewinnt dadurch nichts.' } },
  { param: 'augment', text: { en: 'Varying the images: random crops show every epoch new variants of the images, which makes memorising harder — compare the gap between the curves with augmentation on and off.', de: 'Bilder abwandeln: zufällige Ausschnitte zeigen in jeder Epoche neue Varianten der Bilder, das erschwert Auswendiglernen — vergleiche die Lücke zwischen den Kurven mit und ohne Augmentierung.' } },
  { param: 'backend', text: { en: 'Where the network computes: ideal (exact numbers) against the chip model (5-bit inputs, 6-bit weights, analog noise). On the chip model narrow layers suffer most: with the default settings 4–16 neurons stay below 25 % test accuracy, 256 reach about 85 %.', de: 'Wo das Netz rechnet: ideal (genaue Zahlen) gegen das Chip-Modell (5-Bit-Eingaben, 6-Bit-Gewichte, analoges Rauschen). Auf dem Chip-Modell leiden schmale Lagen am meisten: mit den Standardeinstellungen bleiben 4–16 Neuronen unter 25 % Testgenauigkeit, 256 erreichen etwa 85 %.' } },
  { param: 'conv', text: { en: 'Convolution: set conv (e.g. 16 channels, kernel 9, stride 3) and run the sweep again — does a convolution help? Measured on all 60 000 images without crops, 10 epochs, cosine learning rate, batch 200: 784 → 256 → 256 → 10 reached 96.3 %, a 16-channel convolution → 128 → 10 reached 96.6 % with 38 % of the weights (bench/presets.md).', de: 'Faltung: stell conv ein (z. B. 16 Kanäle, Kern 9, Schritt 3) und starte den Vergleich noch einmal — hilft eine Faltung? Gemessen mit allen 60 000 Bildern ohne Ausschnitte, 10 Epochen, Kosinus-Lernrate, Batch 200: 784 → 256 → 256 → 10 erreichte 96,3 %, eine Faltung mit 16 Kanälen → 128 → 10 erreichte 96,6 % mit 38 % der Gewichte (bench/presets.md).' } },
];

function statusText(lang: Lang, sweep: SweepState): string {
  const done = capacityPoints(sweep).length;
  switch (sweep.source) {
    case 'none':
      return tr(lang, { en: 'No sweep yet: press “Run sweep” to train one model per width with your settings.', de: 'Noch kein Vergleich: „Vergleich starten“ trainiert ein Modell pro Breite mit deinen Einstellungen.' });
    case 'precomputed':
      return sweep.note
        ? tr(lang, { en: `Precomputed at build time (${sweep.note}), not with your settings. Press “Run sweep” to train with yours.`, de: `Beim Bauen der Seite vorberechnet (${budgetNote(sweep.note, 'de')}), nicht mit deinen Einstellungen. „Vergleich starten“ trainiert mit deinen.` })
        : tr(lang, { en: 'Precomputed at build time for exactly your settings.', de: 'Beim Bauen der Seite für genau deine Einstellungen vorberechnet.' });
    case 'live':
      if (sweep.state === 'running') return tr(lang, { en: `Training: ${done} of ${sweep.widths.length} widths finished…`, de: `Training läuft: ${done} von ${sweep.widths.length} Breiten fertig…` });
      if (sweep.state === 'error') return tr(lang, { en: `The sweep failed: ${sweep.error ?? ''}`, de: `Der Vergleich ist fehlgeschlagen: ${sweep.error ?? ''}` });
      if (sweep.state === 'cancelled') return tr(lang, { en: `Stopped after ${done} widths.`, de: `Nach ${done} Breiten angehalten.` });
      return tr(lang, { en: `Done: ${done} widths trained with your settings.`, de: `Fertig: ${done} Breiten mit deinen Einstellungen trainiert.` });
  }
}

const ROW_STATE: Record<string, { en: string; de: string }> = {
  done: { en: 'done', de: 'fertig' }, running: { en: 'running', de: 'läuft' }, queued: { en: 'waiting', de: 'wartet' }, pending: { en: 'waiting', de: 'wartet' },
  waiting: { en: 'waiting', de: 'wartet' }, cancelled: { en: 'stopped', de: 'angehalten' }, error: { en: 'failed', de: 'fehlgeschlagen' },
};

/** The precomputed sweep's budget (written in English at build time) in the reader's language. */
function budgetNote(note: string, lang: Lang): string {
  if (lang === 'en') return note;
  return note.replace(/training images/g, 'Trainingsbilder').replace(/(\d) epochs/g, '$1 Epochen').replace(/no augmentation/g, 'ohne Augmentierung');
}

function sweepTableElement(lang: Lang, sweep: SweepState): HTMLElement {
  const pct = (v: number | null) => (v === null ? '–' : `${formatNumber(lang, v * 100, 1)} %`);
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : formatNumber(lang, v, 3));
  const head = element('tr', {}, [
    tr(lang, { en: 'hidden neurons', de: 'versteckte Neuronen' }), tr(lang, { en: 'accuracy, training images', de: 'Genauigkeit Trainingsbilder' }), tr(lang, { en: 'accuracy, test images', de: 'Genauigkeit Testbilder' }),
    tr(lang, { en: 'loss, training images', de: 'Verlust Trainingsbilder' }), tr(lang, { en: 'loss, test images', de: 'Verlust Testbilder' }), tr(lang, { en: 'state', de: 'Stand' }),
  ].map((text) => element('th', { scope: 'col', text })));
  const stateWord = (state: string) => tr(lang, ROW_STATE[state] ?? { en: state, de: state });
  const body = sweep.rows.map((row) => {
    const r = row as SweepRow;
    const state = row.state === 'running' && r.progress ? r.progress : row.state;
    return element('tr', { 'data-hidden': row.hidden, 'data-state': row.state }, [
      element('td', { text: String(row.hidden) }), element('td', { text: pct(r.trainAccuracy ?? null) }), element('td', { text: pct(r.testAccuracy ?? null) }),
      element('td', { text: num(r.trainLoss ?? null) }), element('td', { text: num(r.testLoss ?? null) }), element('td', { text: r.error ? tr(lang, { en: `failed: ${r.error}`, de: `fehlgeschlagen: ${r.error}` }) : state === row.state ? stateWord(state) : state }),
    ]);
  });
  // a wide table scrolls in its own box on a phone, not the page
  return element('div', { class: 'zf-table-wrap' }, [element('table', { class: 'zf-sweep-table' }, [element('thead', {}, [head]), element('tbody', {}, body)])]);
}

function capacityView(lang: Lang, sweep: SweepState, request: Mutable<boolean>, width?: number): HTMLElement {
  const points = capacityPoints(sweep);
  const running = sweep.source === 'live' && sweep.state === 'running';
  const button = element('button', { type: 'button', class: 'zf-run-sweep', text: running ? tr(lang, { en: 'Stop sweep', de: 'Vergleich anhalten' }) : tr(lang, { en: 'Run sweep', de: 'Vergleich starten' }) });
  button.addEventListener('click', () => {
    // Re-assigning true restarts a finished sweep; false stops a running one (and shows the precomputed one).
    request.value = !running;
  });
  // The parameter's name as the controls call it; its code name follows in small print.
  const lookFor = element('dl', { class: 'zf-look-for' }, LOOK_FOR.flatMap(({ param, text }) => [
    element('dt', {}, [paramSpec(param).label[lang], ' ', element('small', { class: 'zf-code-name' }, ['(', element('code', { text: param }), ')'])]),
    element('dd', { text: tr(lang, text) })]));
  return element('div', { class: 'zf-capacity-explorer', 'data-source': sweep.source, 'data-state': sweep.state, 'data-points': points.length }, [
    element('p', { class: 'zf-sweep-status', text: statusText(lang, sweep) }),
    button,
    // at the column's width, so the axis text stays readable on a phone
    capacityFigure(points, { lang, width }),
    capacityLossPlot(points, { lang, width }),
    sweepTableElement(lang, sweep),
    element('h3', { text: tr(lang, { en: 'What to look for', de: 'Worauf achten' }) }),
    lookFor,
  ]);
}

export const capacityCells: CellSpec[] = [
  {
    name: 'sweepParams',
    doc: 'Every parameter that decides the capacity sweep, as one object.',
    // The graph's answer to "which parameters decide a sweep" (lib/precompute/resultParams.generated.ts) starts here.
    inputs: ['backend', 'layers', 'conv', 'convKernel', 'convStride', 'shift', 'lr', 'lrSchedule', 'epochs', 'batchSize', 'augment', 'noise', 'gain', 'mockSource', 'chipId', 'calibration', 'seed', 'trainSize', 'labelNoise', 'sweepWidths'],
    // Spelled out (not ...rest): the cells test checks that parameter names match the inputs.
    define: (backend, layers, conv, convKernel, convStride, shift, lr, lrSchedule, epochs, batchSize, augment, noise, gain, mockSource, chipId, calibration, seed, trainSize, labelNoise, sweepWidths) => ({ backend, layers, conv, convKernel, convStride, shift, lr, lrSchedule, epochs, batchSize, augment, noise, gain, mockSource, chipId, calibration, seed, trainSize, labelNoise, sweepWidths }) as unknown as SweepParams,
  },
  { name: 'sweepRequestState', doc: 'Holds whether the reader pressed “Run sweep”.', inputs: ['host'], define: (host: Host) => hostState<boolean>(host, 'sweepRequest', () => false) },
  { name: 'sweepRequested', doc: 'true once the reader pressed “Run sweep”.', inputs: ['sweepRequestState'], define: (sweepRequestState: Mutable<boolean>) => sweepRequestState.changes() },
  {
    name: 'sweep',
    doc: 'The capacity sweep: one training per width of sweepWidths (precomputed until requested), filled in as widths finish.',
    inputs: ['host', 'sweepRequested', 'sweepParams', 'mockParameter', 'chipDevice', 'invalidation'],
    define: (host: Host, sweepRequested: boolean, sweepParams: SweepParams, mockParameter: MockParameter, chipDevice: ChipDevice | undefined, invalidation: Promise<void>) =>
      sweepRequested
        ? untilInvalidated(invalidation, (signal) => liveSweep(host, sweepParams, mockParameter, sweepParams.backend === 'chip' ? chipDevice : undefined, signal))
        : precomputedSweepState(host, sweepParams),
  },
  { name: 'capacity', doc: "The sweep's results: per width, final train and test accuracy and loss.", inputs: ['sweep'], define: (sweep: SweepState) => capacityPoints(sweep) },
  {
    name: 'capacityPlot',
    doc: 'Figure: accuracy and loss against width (log scale), with the Run sweep button.',
    inputs: ['host', 'sweep', 'sweepRequestState', 'width'],
    define: (host: Host, sweep: SweepState, sweepRequestState: Mutable<boolean>, width: number) => capacityView(host.lang ?? 'en', sweep, sweepRequestState, width),
  },
];
