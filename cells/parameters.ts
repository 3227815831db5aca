/**
 * Section "Parameters": for every entry of lib/params.ts, `viewof <name>` (the control) and `<name>` (its
 * value); and the two inputs every section's figures read besides them: the reader's language (`lang`) and
 * the width figures take in the page column (`width`, Observable's builtin of that name).
 */
import { PARAMS, type ParamName, type ParamSpec } from '../lib/params';
import { PRESET_PARAMS, presetChanges } from '../lib/presets';
import { viewCellName, type CellSpec } from '../lib/runtime/cell';
import { input, observe, type ViewLike } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';
import type { Lang } from '../lib/ui/i18n';
import { watchColumnWidth } from '../lib/ui/throttle';

function parameterCellsFor(spec: ParamSpec): CellSpec[] {
  return [
    { name: viewCellName(spec.name), inputs: ['host'], define: (host: Host) => host.view(spec), view: spec.name as ParamName },
    { name: spec.name, inputs: [viewCellName(spec.name)], define: (view: ViewLike) => input(view) },
  ];
}

/** The page language: the host's, else the document's `<html lang>`, else English. */
function langOf(host: Host, doc: Document | undefined): Lang {
  const fromHost = (host as { lang?: unknown }).lang;
  if (fromHost === 'de' || fromHost === 'en') return fromHost;
  return doc?.documentElement.lang === 'de' ? 'de' : 'en';
}

/**
 * `viewof preset` is the preset's control and, on every change of it (control, address, set(), CLI), sets
 * the parameters the preset names through their own views, so their controls show the new values
 * (lib/presets.ts); changing one of them afterwards is allowed (cells/presets.ts says the settings then
 * no longer match).
 */
function presetViewCell(spec: ParamSpec): CellSpec {
  return {
    name: viewCellName(spec.name),
    inputs: ['host', ...PRESET_PARAMS.map((name) => viewCellName(name))],
    // Spelled out (not ...rest): the cells test checks that parameter names match the inputs (PRESET_PARAMS' order).
    define: (host: Host, viewBackend: ViewLike, viewNoise: ViewLike, viewGain: ViewLike, viewMockSource: ViewLike, viewHidden: ViewLike, viewLayers: ViewLike,
      viewConv: ViewLike, viewConvKernel: ViewLike, viewConvStride: ViewLike, viewShift: ViewLike, viewLr: ViewLike, viewLrSchedule: ViewLike, viewEpochs: ViewLike,
      viewBatchSize: ViewLike, viewAugment: ViewLike, viewTrainSize: ViewLike, viewLabelNoise: ViewLike) => {
      const views = [viewBackend, viewNoise, viewGain, viewMockSource, viewHidden, viewLayers, viewConv, viewConvKernel, viewConvStride, viewShift, viewLr,
        viewLrSchedule, viewEpochs, viewBatchSize, viewAugment, viewTrainSize, viewLabelNoise];
      const view = host.view(spec) as ViewLike & EventTarget;
      const named = new Map(PRESET_PARAMS.map((name, i) => [name, views[i] as ViewLike & EventTarget]));
      view.addEventListener('input', () => {
        const current = Object.fromEntries(PRESET_PARAMS.map((name) => [name, named.get(name)!.value]));
        for (const { name, value } of presetChanges(String(view.value), current)) {
          const target = named.get(name)!;
          target.value = value;
          target.dispatchEvent(new ((target as Partial<Node>).ownerDocument?.defaultView?.Event ?? Event)('input', { bubbles: true }));
        }
      });
      return view;
    },
    view: spec.name as ParamName,
  };
}

export const parameterCells: CellSpec[] = PARAMS.flatMap((spec) =>
  spec.name === 'preset' ? [presetViewCell(spec as ParamSpec), parameterCellsFor(spec as ParamSpec)[1]] : parameterCellsFor(spec as ParamSpec));

/** The reader's side: language and column width. */
export const readerCells: CellSpec[] = [
  { name: 'lang', doc: "The page's language, 'en' or 'de' (the host's, else the document's lang attribute).", inputs: ['host'], define: (host: Host) => langOf(host, globalThis.document) },
  // Only figures read it, so it is computed only in a page (it needs the DOM).
  { name: 'width', doc: "The width in pixels of the page's text column (figures size themselves to it); follows resizes.", inputs: [], define: () => observe<number>((change) => watchColumnWidth(document, change)) },
];
