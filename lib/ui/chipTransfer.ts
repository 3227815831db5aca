/**
 * After the confusion matrix: the trained model moved onto the emulated chip, with and without calibration
 * (lib/chip/transfer.ts). Runs on a button press: 1000 test images through the chip take a moment.
 */
import type { Split } from '../data/types';
import type { EmulatedChip } from '../chip/chip';
import { applyCalibration, calibrateChip } from '../chip/calibration';
import type { ChipCalibration, Lazy } from '../chip/session';
import { firstImages, transferAccuracy, type TransferRow } from '../chip/transfer';
import type { HagenModel } from '../hagen/types';
import { element } from './dom';
import { formatNumber, tr, type Lang } from './i18n';

export const TRANSFER_IMAGES = 1000;

const LABELS: Record<TransferRow['target'], { en: string; de: string }> = {
  mock: { en: 'mock (where it was trained)', de: 'Mock (dort trainiert)' },
  'chip, calibrated': { en: 'emulated chip, calibrated', de: 'emulierter Chip, kalibriert' },
  'chip, uncalibrated': { en: 'emulated chip, uncalibrated', de: 'emulierter Chip, unkalibriert' },
};

function resultTable(rows: TransferRow[], lang: Lang): HTMLElement {
  return element('table', { class: 'zf-transfer-table' }, [
    element('caption', { text: tr(lang, { en: `Test accuracy on ${TRANSFER_IMAGES} test images`, de: `Genauigkeit auf ${TRANSFER_IMAGES} Testbildern` }) }),
    ...rows.map((row) => element('tr', { 'data-target': row.target }, [
      element('th', { text: tr(lang, LABELS[row.target]) }),
      element('td', { text: `${formatNumber(lang, row.accuracy * 100, 1)} %` }),
    ])),
  ]);
}

interface TransferPanel {
  /** The inputs the panel was built for, besides the model. */
  settings: readonly unknown[];
  /** Takes the newest weights; a shown result for older weights is marked as such. */
  setModel(model: HagenModel): void;
}
/** Panels by root element: while a run trains, only the model changes (several times a second), and the panel stays. */
const panels = new WeakMap<Element, TransferPanel>();

function transferPanel(initialModel: HagenModel, testSet: Split, chip: Lazy<EmulatedChip>, chipCalibration: Lazy<ChipCalibration>, seed: number, lang: Lang): HTMLElement {
  const t = (en: string, de: string) => tr(lang, { en, de });
  let model = initialModel;
  let resultModel: HagenModel | null = null;
  const output = element('div', { class: 'zf-transfer-result', role: 'status' });
  const button = element('button', { type: 'button', class: 'zf-transfer-run', text: t('Run the trained model on the emulated chip', 'Das trainierte Modell auf dem emulierten Chip laufen lassen') });
  button.addEventListener('click', () => {
    button.disabled = true;
    output.removeAttribute('data-stale');
    output.replaceChildren(t('Running on the emulated chip…', 'Läuft auf dem emulierten Chip …'));
    // Let the page paint the note before the (main-thread) emulation starts.
    setTimeout(() => {
      const weights = model;
      try {
        const raw = chip.value;
        const calibration = chipCalibration.value.calibration ?? calibrateChip(raw);
        const rows = transferAccuracy(weights, firstImages(testSet, TRANSFER_IMAGES),
          { calibrated: applyCalibration(raw, calibration), uncalibrated: raw }, seed);
        resultModel = weights;
        output.replaceChildren(resultTable(rows, lang));
        if (model !== weights) markStale();
      } catch (error) {
        output.replaceChildren(element('p', { class: 'zf-error', role: 'alert', text: (error as Error).message }));
      } finally {
        button.disabled = false;
      }
    }, 30);
  });
  // Said once, when the weights first move on after a result: later batches change nothing on the page.
  const markStale = () => {
    if (output.hasAttribute('data-stale')) return;
    output.setAttribute('data-stale', '');
    output.append(element('p', { class: 'zf-plot-note', text: t('Measured with earlier weights: training has gone on since. Run it again for the newest.', 'Mit früheren Gewichten gemessen: das Training lief seitdem weiter. Erneut starten für die neuesten.') }));
  };
  const root = element('div', { class: 'zf-transfer' }, [
    element('p', { text: t(
      'The model was trained on the mock. Does it work on the (emulated) chip? Calibration is what makes the chip behave like the mock: without it, every neuron has its own offset and gain.',
      'Das Modell wurde auf dem Mock trainiert. Funktioniert es auf dem (emulierten) Chip? Die Kalibrierung sorgt dafür, dass sich der Chip wie der Mock verhält: ohne sie hat jedes Neuron seinen eigenen Offset und seine eigene Verstärkung.') }),
    button, output,
  ]);
  panels.set(root, {
    settings: [testSet, chip, chipCalibration, seed, lang],
    setModel(next) {
      model = next;
      if (resultModel !== null && resultModel !== next) markStale();
    },
  });
  return root;
}

/** The panel for these settings; `previous` (the cell's last value) is kept while only the weights change (several times a second while training). */
export function chipTransferView(previous: unknown, trainedModel: HagenModel, testSet: Split, chip: Lazy<EmulatedChip>, chipCalibration: Lazy<ChipCalibration>, seed: number, lang: Lang): HTMLElement {
  const panel = previous instanceof Element ? panels.get(previous) : undefined;
  const settings = [testSet, chip, chipCalibration, seed, lang];
  if (panel && panel.settings.every((value, i) => value === settings[i])) {
    panel.setModel(trainedModel);
    return previous as HTMLElement;
  }
  return transferPanel(trainedModel, testSet, chip, chipCalibration, seed, lang);
}
