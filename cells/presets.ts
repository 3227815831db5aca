/**
 * Section "Two models" (issue 12): the `preset` control's companions. `presetMatch` says whether the
 * current settings still are the chosen preset's; `presetComparison` shows the tutorial's and the
 * recommended model side by side (the build precomputes both); `padModel` says which model the trained
 * pad uses.
 */
import type { HagenModel } from '../lib/hagen/types';
import { defaultParams, formatParamValue, paramSpec, type ParamValues } from '../lib/params';
import { lookupPrecomputedSummary, type PretrainedRun } from '../lib/precompute/lookup';
import type { RunSummary, TrainingParams } from '../lib/precompute/files';
import { PRESET_NAMES, PRESET_PARAMS, presetMatch as matchPreset, presetValues, type PresetMatch, type PresetName } from '../lib/presets';
import type { CellSpec } from '../lib/runtime/cell';
import type { Host } from '../lib/runtime/host';
import type { TrainProgress } from '../lib/train/train';
import { element } from '../lib/ui/dom';
import { formatNumber, tr, type Lang } from '../lib/ui/i18n';

const NAMES: Record<PresetName, { en: string; de: string }> = {
  tutorial: { en: 'the tutorial’s model', de: 'das Modell des Tutorials' },
  recommended: { en: 'the recommended model', de: 'das empfohlene Modell' },
};

const percent = (lang: Lang, x: number) => `${formatNumber(lang, 100 * x, 1)} %`;

/** One line: the settings are the preset's, or which of its values changed (by their labels, the code name in small print). */
export function presetStatusView(lang: Lang, match: PresetMatch): HTMLElement {
  const name = tr(lang, NAMES[match.preset]);
  const attrs = { class: 'zf-preset-status', 'data-preset': match.preset, 'data-matches': String(match.matches) };
  if (match.matches) return element('p', { ...attrs, text: tr(lang, { en: `These are the settings of ${name}.`, de: `Das sind die Einstellungen für ${name}.` }) });
  const parts: (string | Node)[] = [tr(lang, { en: `Changed from the settings of ${name}: `, de: `Geändert gegenüber den Einstellungen für ${name}: ` })];
  match.changed.forEach((param, i) => {
    if (i > 0) parts.push(', ');
    let label: string = param;
    try { label = paramSpec(param).label[lang]; } catch { /* not a parameter: its code name */ }
    parts.push(label);
    if (label !== param) parts.push(' (', element('small', {}, [element('code', { text: param })]), ')');
  });
  parts.push(tr(lang, { en: '. The results are your own model’s.', de: '. Die Ergebnisse sind die deines eigenen Modells.' }));
  return element('p', attrs, parts);
}

/** A model in words: "conv 16×(9×9, stride 3) → 128 → 10" or "784 → 256 → 256 → 10". */
export function architectureText(model: Pick<HagenModel, 'layers'> | Pick<RunSummary, 'layers'>): string {
  const [first] = model.layers;
  const head = first.conv ? `conv ${first.outFeatures}×(${first.conv.kernel}×${first.conv.kernel}, stride ${first.conv.stride})` : String(first.inFeatures);
  const widths = (first.conv ? model.layers.slice(1) : model.layers).map((l) => l.outFeatures);
  return [head, ...widths].join(' → ');
}

export interface PresetRun { preset: PresetName; run: RunSummary | null }

/**
 * The precomputed run of every preset (default seed and chip, as the build trains them) in brief, from the
 * precomputed index: comparing them downloads no weights. null where this build has none.
 */
async function runsOfPresets(host: Host): Promise<PresetRun[]> {
  return Promise.all(PRESET_NAMES.map(async (preset) => {
    const params = { ...defaultParams(), ...presetValues(preset), preset } as ParamValues;
    return { preset, run: await lookupPrecomputedSummary(host, params as unknown as TrainingParams) };
  }));
}

function perDigit(confusion: number[][]): number[] {
  return confusion.map((row, digit) => row[digit] / Math.max(1, row.reduce((a, b) => a + b, 0)));
}

/** Both presets side by side: settings, test accuracy per epoch's end, per digit, and the training time it took. */
export function presetComparisonView(lang: Lang, runs: PresetRun[]): HTMLElement {
  const settings = (preset: PresetName) => {
    const v = presetValues(preset);
    return [
      [tr(lang, { en: 'convolution', de: 'Faltung' }), v.conv ? `${v.conv} × ${v.convKernel}×${v.convKernel}, ${tr(lang, { en: 'stride', de: 'Schritt' })} ${v.convStride}` : tr(lang, { en: 'none', de: 'keine' })],
      [tr(lang, { en: 'dense layers', de: 'dichte Lagen' }), `${v.layers} × ${v.hidden}`],
      [tr(lang, { en: 'augmentation', de: 'Augmentierung' }), formatParamValue(paramSpec('augment'), v.augment, lang)],
      [tr(lang, { en: 'learning rate', de: 'Lernrate' }), `${formatNumber(lang, v.lr as number, 3)}, ${formatParamValue(paramSpec('lrSchedule'), v.lrSchedule, lang)}`],
      [tr(lang, { en: 'batch, epochs', de: 'Batch, Epochen' }), `${v.batchSize}, ${v.epochs}`],
    ] as [string, string][];
  };
  const head = element('tr', {}, [element('th', { text: '' }), ...runs.map(({ preset }) => element('th', { scope: 'col', 'data-preset': preset, text: tr(lang, NAMES[preset]) }))]);
  const rows: HTMLElement[] = [];
  const labels = settings('tutorial').map(([label]) => label);
  labels.forEach((label, i) => rows.push(element('tr', {}, [element('th', { scope: 'row', text: label }), ...runs.map(({ preset }) => element('td', { text: settings(preset)[i][1] }))])));
  const last = (run: RunSummary | null) => run?.epochs.at(-1) ?? null;
  const missing = tr(lang, { en: 'not precomputed in this build', de: 'in diesem Build nicht vorberechnet' });
  rows.push(element('tr', {}, [element('th', { scope: 'row', text: tr(lang, { en: 'model', de: 'Modell' }) }),
    ...runs.map(({ run }) => element('td', { text: run ? architectureText(run) : missing }))]));
  rows.push(element('tr', { class: 'zf-preset-accuracy' }, [element('th', { scope: 'row', text: tr(lang, { en: 'test accuracy (10 000 images)', de: 'Testgenauigkeit (10 000 Bilder)' }) }),
    ...runs.map(({ preset, run }) => element('td', { 'data-preset': preset, 'data-accuracy': last(run)?.testAccuracy ?? '', text: last(run) ? percent(lang, last(run)!.testAccuracy) : '–' }))]));
  rows.push(element('tr', {}, [element('th', { scope: 'row', text: tr(lang, { en: 'after each epoch', de: 'nach jeder Epoche' }) }),
    ...runs.map(({ run }) => element('td', { text: run ? run.epochs.map((e) => formatNumber(lang, 100 * e.testAccuracy, 1)).join(' · ') : '–' }))]));
  rows.push(element('tr', {}, [element('th', { scope: 'row', text: tr(lang, { en: 'weakest digits', de: 'schwächste Ziffern' }) }),
    ...runs.map(({ run }) => {
      if (!run) return element('td', { text: '–' });
      const digits = perDigit(run.confusion).map((acc, digit) => ({ acc, digit })).sort((a, b) => a.acc - b.acc).slice(0, 3);
      return element('td', { text: digits.map(({ acc, digit }) => `${digit}: ${percent(lang, acc)}`).join(', ') });
    })]));
  rows.push(element('tr', {}, [element('th', { scope: 'row', text: tr(lang, { en: 'training time at build (Node)', de: 'Trainingszeit beim Build (Node)' }) }),
    ...runs.map(({ run }) => element('td', { text: run ? `${formatNumber(lang, run.epochs.reduce((s, e) => s + e.seconds, 0), 0)} s` : '–' }))]));
  return element('table', { class: 'zf-preset-comparison' }, [element('thead', {}, [head]), element('tbody', {}, rows)]);
}

/** Which model the trained pad answers with, in one sentence. */
export function padModelText(lang: Lang, match: PresetMatch, pretrained: PretrainedRun | null, training: TrainProgress | null): string {
  const which = pretrained?.source === 'file'
    ? tr(lang, { en: `the model from the file ${pretrained.label}`, de: `das Modell aus der Datei ${pretrained.label}` })
    : match.matches ? tr(lang, NAMES[match.preset]) : tr(lang, { en: 'a model with your own settings', de: 'ein Modell mit deinen eigenen Einstellungen' });
  const how = pretrained?.source === 'precomputed'
    ? tr(lang, { en: 'trained when the site was built', de: 'beim Bauen der Seite trainiert' })
    : pretrained?.source === 'file' ? tr(lang, { en: 'loaded', de: 'geladen' })
      : training?.state === 'done' ? tr(lang, { en: 'trained here', de: 'hier trainiert' }) : tr(lang, { en: 'training here', de: 'wird hier trainiert' });
  const accuracy = training?.epochs.at(-1)?.testAccuracy;
  const score = accuracy === undefined ? '' : tr(lang, { en: `, ${percent(lang, accuracy)} on the test set`, de: `, ${percent(lang, accuracy)} auf den Testbildern` });
  return tr(lang, { en: `The pad uses ${which} (${how}${score}).`, de: `Das Feld nutzt ${which} (${how}${score}).` });
}

export const presetCells: CellSpec[] = [
  {
    name: 'presetMatch',
    doc: 'Whether the settings match the chosen preset: { preset, matches, changed } (the parameters changed since).',
    inputs: ['preset', ...PRESET_PARAMS],
    // Spelled out (not ...rest): the cells test checks that parameter names match the inputs.
    define: (preset: PresetName, backend: unknown, noise: unknown, gain: unknown, mockSource: unknown, hidden: unknown, layers: unknown, conv: unknown, convKernel: unknown,
      convStride: unknown, shift: unknown, lr: unknown, lrSchedule: unknown, epochs: unknown, batchSize: unknown, augment: unknown, trainSize: unknown, labelNoise: unknown) =>
      matchPreset(preset, { backend, noise, gain, mockSource, hidden, layers, conv, convKernel, convStride, shift, lr, lrSchedule, epochs, batchSize, augment, trainSize, labelNoise }),
  },
  { name: 'presetStatus', doc: 'Figure: which preset is in use, or that the settings no longer match it.', inputs: ['presetMatch', 'lang'], define: (presetMatch: PresetMatch, lang: Lang) => presetStatusView(lang, presetMatch) },
  { name: 'presetRuns', doc: "Both presets' precomputed runs in brief (model shape, test accuracy per epoch, last confusion), from the build's index: no weights downloaded.", inputs: ['host'], define: (host: Host) => runsOfPresets(host) },
  { name: 'presetComparison', doc: 'Figure: the tutorial and the recommended model side by side (settings, accuracy per epoch).', inputs: ['presetRuns', 'lang'], define: (presetRuns: PresetRun[], lang: Lang) => presetComparisonView(lang, presetRuns) },
  {
    name: 'padModel',
    doc: 'Figure: one line saying which model the trained pad uses (preset, precomputed or trained here, its accuracy).',
    inputs: ['presetMatch', 'pretrained', 'training', 'lang'],
    define: (presetMatch: PresetMatch, pretrained: PretrainedRun | null, training: TrainProgress | null, lang: Lang) =>
      element('p', { class: 'zf-pad-model', 'data-preset': presetMatch.matches ? presetMatch.preset : 'custom', 'data-source': pretrained?.source ?? 'live', text: padModelText(lang, presetMatch, pretrained, training) }),
  },
];
