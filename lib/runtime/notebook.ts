import { Runtime, type Module, type Variable } from '@observablehq/runtime';
import { isParamName, sameParamValue, validateParam } from '../params';
import { BUILTIN_NAMES, type CellSpec } from './cell';
import type { ViewLike } from './generators';
import { checkGraph } from './graph';
import type { Host } from './host';
import { renderCell } from '../ui/renderCell';

export interface Notebook {
  /** Validate `value` for parameter `name`, put it into the parameter's view and dispatch `input`; resolves once
   *  the parameter cell holds it. Bad name or value: rejects naming the parameter and the allowed values, changes nothing. */
  set(name: string, value: unknown): Promise<void>;
  /** The cell's next settled value (computes it and its inputs if nothing observes it). */
  value(name: string): Promise<unknown>;
  /** Call `observer` with every new value (or error) of the cell; keeps it computed until the returned function is called. */
  observe(name: string, observer: (value: unknown, error?: Error) => void): () => void;
  /** Observe the cell and render it into `element` (DOM values replace the children, others show as text). */
  mount(name: string, element: Element): () => void;
  /** Add a new cell (an author's): its inputs may be any cell or builtin. Refused, naming the cell and the name,
   *  if the name is taken (ziffern's own cells are replaced only by redefine), an input is unknown or it makes a cycle. */
  define(cell: CellSpec, options?: DefineOptions): void;
  /** Replace a cell's definition on purpose (same name); dependants re-run. Checked like define(). */
  redefine(cell: CellSpec): void;
  /** Names of all cells (ziffern's, then the ones added by define()), in definition order. */
  readonly names: readonly string[];
  /** Stop everything: running generators see `invalidation` and get return(). */
  dispose(): void;
}

export interface DefineOptions {
  /** An input that is not defined yet does not throw: the cell shows the refusal (naming the cell and the input)
   *  until a cell of that name is defined, then runs — and shows a cycle, should one form. For pages whose
   *  cells are defined in no particular order (Notebook Kit runs independent cells in any order). */
  waitForInputs?: boolean;
}

/** The refusal of an input that is no cell (the same words as checkGraph's). */
function unknownInputMessage(cell: string, input: string): string {
  return `cell "${cell}" has unknown input "${input}"; inputs must be cells or builtins (${BUILTIN_NAMES.join(', ')})`;
}

/** How many compute cycles set() waits for a parameter cell to pick up its view's new value. */
const SETTLE_CYCLES = 1000;

/**
 * Build a notebook from cells on a fresh @observablehq/runtime. Builtins: `host`, `invalidation`.
 * Only observed cells (and what they depend on) are computed.
 */
export function createNotebook(cells: readonly CellSpec[], host: Host): Notebook {
  checkGraph(cells, BUILTIN_NAMES);
  if (!host || (host.kind !== 'node' && host.kind !== 'browser')) throw new Error('createNotebook: host must be a Host with kind "node" or "browser"');

  // Unknown names would otherwise resolve against globalThis (window, document, …); refuse them by name.
  const runtime = new Runtime({ host: () => host }, (name) => {
    throw new Error(`${name} is not defined in this notebook`);
  });
  const module: Module = runtime.module();
  const cellsByName = new Map<string, CellSpec>();
  // ziffern's own cells: define() never replaces one of them (only an explicit redefine does).
  const ownNames = new Set(cells.map((cell) => cell.name));
  const viewCellOf = new Map<string, string>();
  // One view per parameter for the notebook's life: the runtime re-runs a cell that stops and starts being
  // observed, and a new control would lose what the reader set.
  const views = new Map<string, ViewLike>();
  let disposed = false;

  const definitionOf = (cell: CellSpec): ((...inputs: unknown[]) => unknown) => {
    const param = cell.view;
    if (param === undefined) return cell.define;
    return (...inputs: unknown[]) => {
      const existing = views.get(param);
      if (existing) return existing;
      const view = cell.define(...inputs) as ViewLike;
      if (!view || typeof view.addEventListener !== 'function' || !('value' in view)) {
        throw new Error(`cell "${cell.name}" must return a view (an EventTarget with .value) for parameter "${param}"`);
      }
      views.set(param, view);
      return view;
    };
  };

  for (const cell of cells) {
    cellsByName.set(cell.name, cell);
    if (cell.view !== undefined) {
      if (!isParamName(cell.view)) throw new Error(`cell "${cell.name}" is a view of unknown parameter "${cell.view}"`);
      viewCellOf.set(cell.view, cell.name);
    }
    module.define(cell.name, cell.inputs, definitionOf(cell));
  }

  const knownCell = (name: string): void => {
    if (disposed) throw new Error('this notebook has been disposed');
    if (!cellsByName.has(name)) {
      throw new Error(`unknown cell "${name}"; known cells: ${[...cellsByName.keys()].join(', ')}`);
    }
  };

  const observeVariable = (name: string, observer: (value: unknown, error?: Error) => void): Variable =>
    module
      .variable({
        fulfilled: (value) => observer(value),
        rejected: (error) => observer(undefined, error instanceof Error ? error : new Error(String(error))),
      })
      .define([name], (value: unknown) => value);

  const viewFor = async (param: string): Promise<ViewLike> => {
    const existing = views.get(param);
    if (existing) return existing;
    const viewCell = viewCellOf.get(param);
    if (viewCell === undefined) throw new Error(`parameter "${param}" has no view cell in this notebook`);
    await module.value(viewCell);
    const view = views.get(param);
    if (!view) throw new Error(`cell "${viewCell}" did not produce a view`);
    return view;
  };

  // Methods do not use `this`: the page hands them out detached (window.ziffern = { set, value, observe }).
  function observe(name: string, observer: (value: unknown, error?: Error) => void): () => void {
    knownCell(name);
    // Refused now, not when the first value arrives (where the runtime would swallow the TypeError).
    if (typeof observer !== 'function') {
      throw new TypeError(`observe("${name}", observer): observer must be a function (value, error) => …, got ${observer === null ? 'null' : typeof observer}`);
    }
    const variable = observeVariable(name, observer);
    return () => {
      if (!disposed) variable.delete();
    };
  }

  // Cells defined with waitForInputs whose inputs did not all exist yet (cells of an article run in any order).
  const waiting = new Map<string, CellSpec>();
  const admitWaiting = (): void => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [name, cell] of waiting) {
        if (!cell.inputs.every((input) => cellsByName.has(input) || BUILTIN_NAMES.includes(input))) continue;
        waiting.delete(name);
        changed = true;
        let definition = definitionOf(cell);
        let inputs = cell.inputs;
        try {
          checkGraph(withCell(cell), BUILTIN_NAMES);
        } catch (error) {
          const message = (error as Error).message; // a cycle: the cell (and its dependants) show it
          definition = () => { throw new Error(message); };
          inputs = [];
        }
        cellsByName.set(name, { ...cell, inputs, define: definition });
        module.redefine(name, inputs, definition);
      }
    }
  };

  const withCell = (cell: CellSpec): CellSpec[] => {
    const list = [...cellsByName.values()];
    const index = list.findIndex((c) => c.name === cell.name);
    if (index >= 0) list[index] = cell;
    else list.push(cell);
    return list;
  };

  /** set() of one parameter: validate, set its view, dispatch `input`, wait until its cell holds the value. */
  async function setParam(name: string, value: unknown): Promise<void> {
      if (!viewCellOf.has(name)) {
        if (isParamName(name)) throw new Error(`parameter "${name}" has no view cell in this notebook`);
        throw new Error(`unknown parameter "${name}"; known parameters: ${[...viewCellOf.keys()].join(', ')}`);
      }
      const checked = validateParam(name, value);
      const view = await viewFor(name);
      view.value = checked;
      view.dispatchEvent(inputEventFor(view));
      if (!cellsByName.has(name)) return;
      // The parameter cell pulls the view's value on the runtime's next frame; wait until it holds it so that
      // `await set(); await value(x)` sees the change. Compare with view.value: a control may normalise it.
      for (let cycle = 0; cycle < SETTLE_CYCLES; cycle++) {
        if (sameParamValue(await module.value(name), view.value)) return;
      }
      throw new Error(`parameter "${name}" did not take the value ${String(view.value)} from its view`);
  }
  let presetApplied: Promise<void> = Promise.resolve();

  return {
    get names() {
      return [...cellsByName.keys()];
    },

    async set(name, value) {
      if (disposed) throw new Error('this notebook has been disposed');
      // A preset sets other parameters (cells/parameters.ts); a set() called after it waits until it has,
      // so the later value wins as in the call order (its view cell may take longer to start than theirs).
      if (name === 'preset') {
        const applied = setParam(name, value);
        presetApplied = applied.then(() => undefined, () => undefined);
        return applied;
      }
      await presetApplied;
      return setParam(name, value);
    },


    value(name) {
      knownCell(name);
      return module.value(name);
    },

    observe,

    mount(name, element) {
      knownCell(name);
      element.setAttribute('data-cell', name);
      element.setAttribute('data-status', 'pending');
      return observe(name, (value, error) => renderCell(element, value, error));
    },

    define(cell, options = {}) {
      if (disposed) throw new Error('this notebook has been disposed');
      const name = (cell as Partial<CellSpec> | null)?.name;
      if (typeof name === 'string' && cellsByName.has(name)) {
        throw new Error(
          ownNames.has(name)
            ? `cell "${name}" is one of ziffern's cells; define() only adds new cells. To replace it on purpose, use redefine("${name}", inputs, fn)`
            : `cell "${name}" is already defined; use redefine("${name}", inputs, fn) to change it`,
        );
      }
      if (cell?.view !== undefined) throw new Error(`cell "${String(name)}": define() cannot add a parameter view`);
      const missing = Array.isArray(cell?.inputs) ? cell.inputs.filter((input) => !cellsByName.has(input) && !BUILTIN_NAMES.includes(input)) : [];
      if (missing.length === 0 || !options.waitForInputs) {
        checkGraph(withCell(cell), BUILTIN_NAMES); // names the cell and the unknown input or the cycle
        cellsByName.set(cell.name, cell);
        module.define(cell.name, cell.inputs, definitionOf(cell));
      } else {
        checkGraph(withCell({ ...cell, inputs: [] }), BUILTIN_NAMES); // the cell's own shape
        // Refused until its inputs exist: the cell shows the error (naming it and the input) where it is shown.
        waiting.set(cell.name, cell);
        const refusal: CellSpec = { name: cell.name, inputs: [], define: () => { throw new Error(unknownInputMessage(cell.name, missing[0])); } };
        cellsByName.set(cell.name, refusal);
        module.define(cell.name, [], refusal.define);
      }
      admitWaiting();
    },

    redefine(cell) {
      knownCell(cell?.name);
      const old = cellsByName.get(cell.name)!;
      if (old.view !== cell.view) throw new Error(`cell "${cell.name}": redefine cannot change which parameter it is a view of`);
      checkGraph(withCell(cell), BUILTIN_NAMES);
      cellsByName.set(cell.name, cell);
      module.redefine(cell.name, cell.inputs, definitionOf(cell));
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      runtime.dispose();
    },
  };
}

/** An `input` event from the view's own realm (jsdom rejects events from another realm). */
function inputEventFor(view: ViewLike): Event {
  const ownWindow = (view as Partial<Node>).ownerDocument?.defaultView as (typeof globalThis & Window) | null | undefined;
  const EventClass = ownWindow?.Event ?? Event;
  return new EventClass('input', { bubbles: true });
}

