/**
 * Section "Parameters": for every entry of lib/params.ts, `viewof <name>` (the control) and `<name>` (its
 * value); and the two inputs every section's figures read besides them: the reader's language (`lang`) and
 * the width figures take in the page column (`width`, Observable's builtin of that name).
 */
import { PARAMS, type ParamName, type ParamSpec } from '../lib/params';
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
export function langOf(host: Host, doc: Document | undefined): Lang {
  const fromHost = (host as { lang?: unknown }).lang;
  if (fromHost === 'de' || fromHost === 'en') return fromHost;
  return doc?.documentElement.lang === 'de' ? 'de' : 'en';
}

export const parameterCells: CellSpec[] = PARAMS.flatMap((spec) => parameterCellsFor(spec as ParamSpec));

/** The reader's side: language and column width. */
export const readerCells: CellSpec[] = [
  { name: 'lang', inputs: ['host'], define: (host: Host) => langOf(host, globalThis.document) },
  // Only figures read it, so it is computed only in a page (it needs the DOM).
  { name: 'width', inputs: [], define: () => observe<number>((change) => watchColumnWidth(document, change)) },
];
