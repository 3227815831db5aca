/**
 * Section "Hardware session" on the page: the session's status, the measured mock parameters beside
 * hxtorch's defaults and the chip pictures.
 */
import type { EmulatedChip } from '../chip/chip';
import { weightSweep } from '../chip/pictures';
import type { LazyChipDevice, MeasuredMockParameter, SessionReport } from '../chip/session';
import { epochTiming, timeForward } from '../chip/timing';
import type { Split } from '../data/types';
import type { HagenModel } from '../hagen/types';
import { Rng } from '../random';
import { mockParamCompare, spreadPlot, weightSweepPlot } from './chipPlots';
import { element } from './dom';
import { formatNumber, tr, type Lang } from './i18n';

/** Neurons whose weight sweep is drawn: a handful from both hemispheres. */
const SWEEP_NEURONS = [3, 60, 130, 200, 260, 330, 400, 480];
/** Images in the timed forward pass. */
const TIMING_BATCH = 200;

export type View = EventTarget & { value: unknown };

function row(label: string, ...value: (Node | string)[]): HTMLElement[] {
  return [element('dt', { text: label }), element('dd', {}, value)];
}

function seconds(lang: Lang, s: number): string {
  return s < 1 ? `${formatNumber(lang, s * 1000, 1)} ms` : `${formatNumber(lang, s, 1)} s`;
}

export function sessionPanel(report: SessionReport, device: LazyChipDevice, model: HagenModel, testSet: Split, trainSize: number, calibrationView: View, tfBackend: string | null, lang: Lang): HTMLElement {
  const t = (en: string, de: string) => tr(lang, { en, de });
  const sources = { nightly: t('last night’s file', 'Datei von letzter Nacht'), fresh: t('measured just now', 'gerade eben gemessen'), none: t('none', 'keine') };
  // an ISO timestamp in the reader's words ("4 December 2026, 03:00" / "4. Dezember 2026, 03:00")
  const when = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
  };
  const rows: HTMLElement[] = [
    ...row(t('the network computes on', 'Das Netz rechnet auf'), report.backend === 'chip' ? t('the emulated chip (hardware in the loop)', 'dem emulierten Chip (Hardware in der Schleife)')
      : report.backend === 'mock' ? t('the chip model (mock)', 'dem Chip-Modell (Mock)') : t('exact numbers (ideal)', 'genauen Zahlen (ideal)')),
    ...row(t('chip', 'Chip'), t(`EMULATED BrainScaleS-2 core, chip id ${report.chipId}`, `EMULIERTER BrainScaleS-2-Kern, Chip-ID ${report.chipId}`)),
    ...row(t('calibration', 'Kalibrierung'), report.calibrated
      ? `${sources[report.calibrationSource]}, ${t('created', 'erstellt')} ${when(String(report.calibrationCreated))} (${formatNumber(lang, report.calibrationAgeHours!, 1)} h ${t('old', 'alt')})`
      : sources[report.calibrated ? report.calibrationSource : 'none']),
    ...row(t('computed by', 'Gerechnet von'), tfBackend === null
      ? t("this computer: ziffern's WebAssembly engine (chip model, ideal); TensorFlow.js is not loaded (only its engine needs it)",
        'diesem Computer: der WebAssembly-Rechenkern von ziffern (Chip-Modell, ideal); TensorFlow.js ist nicht geladen (nur sein Rechenkern braucht es)')
      : t(`this computer: ziffern's WebAssembly engine (chip model, ideal); TensorFlow.js uses “${tfBackend}”`,
        `diesem Computer: der WebAssembly-Rechenkern von ziffern (Chip-Modell, ideal); TensorFlow.js nutzt „${tfBackend}“`)),
  ];
  if (report.residuals) {
    const { offsetLsb, gain, driver } = report.residuals;
    const pct = (v: number) => `${formatNumber(lang, 100 * v, 1)} %`;
    rows.push(...row(t('spread before → after (fresh reads)', 'Streuung vorher → nachher (neue Messung)'),
      `${t('offset', 'Versatz')} ${formatNumber(lang, offsetLsb[0], 2)} → ${formatNumber(lang, offsetLsb[1], 2)} ${t('output steps', 'Ausgabestufen')} · ` +
      `${t('neuron gain', 'Neuronenverstärkung')} ${pct(gain[0])} → ${pct(gain[1])} · ${t('driver', 'Treiber')} ${pct(driver[0])} → ${pct(driver[1])}`));
  }
  const children: (Node | string)[] = [element('dl', { class: 'zf-session-facts' }, rows)];
  if (report.refused) {
    const button = element('button', { type: 'button', class: 'zf-recalibrate', text: t('Recalibrate (fresh)', 'Neu kalibrieren (frisch)') });
    button.addEventListener('click', () => {
      calibrationView.value = 'fresh';
      calibrationView.dispatchEvent(new Event('input', { bubbles: true }));
    });
    children.push(element('p', { class: 'zf-refused', role: 'alert' }, [
      element('strong', { text: t('Calibration refused: ', 'Kalibrierung abgelehnt: ') }), report.refused, ' ', button,
    ]));
  }
  // Chip time: what the chip's time model says, beside how long this computer needs to emulate it.
  const forward = timeForward(model, testSet, Math.min(TIMING_BATCH, testSet.count), device.emulated);
  const epoch = epochTiming(forward, trainSize, testSet.count);
  children.push(element('table', { class: 'zf-chip-time' }, [
    element('caption', { text: t('Chip time (time model of the emulated chip) and wall-clock time (this computer emulating it)', 'Chipzeit (Zeitmodell des emulierten Chips) und Rechenzeit (dieser Computer emuliert ihn)') }),
    element('tr', {}, [element('th'), element('th', { text: t('chip time', 'Chipzeit') }), element('th', { text: t('wall clock', 'Rechenzeit') })]),
    element('tr', {}, [element('th', { text: t(`forward pass, ${forward.batch} images`, `Vorwärtslauf, ${forward.batch} Bilder`) }),
      element('td', { text: seconds(lang, forward.chipSeconds) }), element('td', { text: seconds(lang, forward.wallSeconds) })]),
    element('tr', {}, [element('th', { text: t(`epoch forward passes (${trainSize} + ${testSet.count} images)`, `Vorwärtsläufe einer Epoche (${trainSize} + ${testSet.count} Bilder)`) }),
      element('td', { text: seconds(lang, epoch.chipSeconds) }), element('td', { text: `≈ ${seconds(lang, epoch.wallSecondsEstimate)}` })]),
  ]));
  return element('section', { class: 'zf-session', 'data-calibrated': report.calibrated, 'data-refused': report.refused !== null }, children);
}

export function mockPanel(measured: MeasuredMockParameter, defaults: { gain: number; noiseStd: number }, lang: Lang, width: number): HTMLElement {
  const m = measured.measurement;
  const note = tr(lang, {
    en: `measure_mock_parameter on the emulated chip. hxtorch measures with 256 input rows, read as ${m.chunks} chunks of 128 rows, each with its own noise and rounding, so its noise value is about √${m.chunks} times one chunk's noise: ${formatNumber(lang, m.noiseStd, 2)} LSB reported (and given to the mock, as hxtorch does), ${formatNumber(lang, m.noisePerChunk, 2)} LSB per chunk read.`,
    de: `measure_mock_parameter auf dem emulierten Chip. hxtorch misst mit 256 Eingangszeilen, gelesen als ${m.chunks} Blöcke zu 128 Zeilen mit je eigenem Rauschen und Runden; der Rauschwert ist daher etwa √${m.chunks}-mal das Rauschen eines Blocks: ${formatNumber(lang, m.noiseStd, 2)} Ausgabestufen gemeldet (und wie in hxtorch an das Chip-Modell gegeben), ${formatNumber(lang, m.noisePerChunk, 2)} Ausgabestufen pro gelesenem Block.`,
  });
  return element('div', { class: 'zf-mock-parameters' }, [mockParamCompare({ defaults, measured: m }, { lang, width }), element('p', { class: 'zf-note', text: note })]);
}

export function chipPictures(chip: EmulatedChip, device: LazyChipDevice, report: SessionReport, lang: Lang, width: number): HTMLElement {
  // Own noise streams: drawing the pictures must not change what training later reads.
  const sweepOf = (c: EmulatedChip, label: string) =>
    weightSweep(c.withNoise(Rng.derive(c.id, `pictures/${label}`)), SWEEP_NEURONS, { reads: 4 }).curves.map((curve) => curve.mean);
  const before = sweepOf(chip, 'before');
  const after = device.calibrated ? sweepOf(device.emulated, 'after') : [];
  const weights = weightSweep(chip.withNoise(new Rng(0)), [0], { reads: 2 }).weights;
  const figures: Node[] = [weightSweepPlot({ weights, before, after }, { lang, width })];
  if (report.report) {
    const { before: b, after: a } = report.report;
    figures.push(spreadPlot({
      before: { offset: Array.from(b.measurement.neuronOffset), gain: Array.from(b.measurement.neuronGain) },
      after: { offset: Array.from(a.measurement.neuronOffset), gain: Array.from(a.measurement.neuronGain) },
    }, { lang, width }));
  } else {
    figures.push(element('p', { class: 'zf-note', text: tr(lang, {
      en: 'The emulated chip runs uncalibrated: choose the calibration “last night’s” or “measure now” to see the spreads after calibration.',
      de: 'Der emulierte Chip läuft unkalibriert: wähle bei der Kalibrierung „von letzter Nacht“ oder „jetzt messen“, um die Streuung nach der Kalibrierung zu sehen.',
    }) }));
  }
  return element('div', { class: 'zf-chip-pictures' }, figures);
}
