/** Section "Parameters": for every entry of lib/params.ts, `viewof <name>` (the control) and `<name>` (its value). */
import { PARAMS, type ParamName, type ParamSpec } from '../lib/params';
import { viewCellName, type CellSpec } from '../lib/runtime/cell';
import { input, type ViewLike } from '../lib/runtime/generators';
import type { Host } from '../lib/runtime/host';

function parameterCellsFor(spec: ParamSpec): CellSpec[] {
  return [
    { name: viewCellName(spec.name), inputs: ['host'], define: (host: Host) => host.view(spec), view: spec.name as ParamName },
    { name: spec.name, inputs: [viewCellName(spec.name)], define: (view: ViewLike) => input(view) },
  ];
}

export const parameterCells: CellSpec[] = PARAMS.flatMap((spec) => parameterCellsFor(spec as ParamSpec));
