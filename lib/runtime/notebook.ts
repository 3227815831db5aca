import { Runtime, type Module, type Variable } from '@observablehq/runtime';
import { isParamName, sameParamValue, validateParam } from '../params';
import { BUILTIN_NAMES, type CellSpec } from './cell';
import type { ViewLike } from './generators';
import { checkGraph } from './graph';
import type { Host } from './host';

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
  /** Replace a cell's definition (same name); dependants re-run. */
  redefine(cell: CellSpec): void;
  /** Names of all cells, in definition order. */
  readonly names: readonly string[];
  /** Stop everything: running generators see `invalidation` and get return(). */
  dispose(): void;
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
    const variable = observeVariable(name, observer);
    return () => {
      if (!disposed) variable.delete();
    };
  }

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
    names: cells.map((c) => c.name),

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
      return observe(name, (value, error) => render(element, value, error));
    },

    redefine(cell) {
      knownCell(cell.name);
      const old = cellsByName.get(cell.name)!;
      if (old.view !== cell.view) throw new Error(`cell "${cell.name}": redefine cannot change which parameter it is a view of`);
      checkGraph(
        cells.map((c) => (c.name === cell.name ? cell : c)),
        BUILTIN_NAMES,
      );
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

function render(element: Element, value: unknown, error?: Error): void {
  if (error) {
    element.setAttribute('data-status', 'error');
    element.textContent = error.message;
    return;
  }
  element.setAttribute('data-status', 'fulfilled');
  const NodeClass = element.ownerDocument?.defaultView?.Node;
  if (NodeClass && value instanceof NodeClass) {
    if (value !== element.firstChild || element.childNodes.length !== 1) element.replaceChildren(value);
  } else if (value === undefined) {
    element.replaceChildren();
  } else {
    element.textContent = typeof value === 'string' ? value : safeJson(value);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
