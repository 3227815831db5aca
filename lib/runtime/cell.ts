import type { ParamName } from '../params';

/**
 * One notebook cell. `define` receives the values of `inputs`, in order, and may return a value, a promise,
 * a generator or an async generator (each yield is a new value). Builtins usable as inputs: `host`,
 * `invalidation` (a promise that resolves when this run is superseded).
 */
export interface CellSpec {
  name: string;
  inputs: readonly string[];
  // Cells are heterogeneous; the graph check (lib/runtime/graph.ts) ties inputs to parameter names instead.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  define: (...inputs: any[]) => unknown;
  /** What the cell holds, for the cell reference (dist/cells.html); else the comment above the cell is used. */
  doc?: string;
  /** Its value's type for the reference when TypeScript's reading of `define` says too little (e.g. `unknown`). */
  type?: string;
  /** Set on `viewof <param>` cells: this cell's value is the view (control) of that parameter. */
  view?: ParamName;
  /**
   * A display cell whose first run holds the main thread long (seconds of chip emulation): the page mounts it
   * only when its placeholder comes near the viewport, so it never delays the first view.
   */
  mountWhenVisible?: boolean;
}

/** Inputs every notebook provides without a cell. */
export const BUILTIN_NAMES: readonly string[] = ['host', 'invalidation'];

/** The conventional name of a parameter's view cell. */
export function viewCellName(param: string): string {
  return `viewof ${param}`;
}
