/**
 * Notebook state that is not a parameter: requests from buttons ("run the sweep", "train live"), a model
 * loaded from a file, the run history. Each is a lib/runtime Mutable held once per host (= per
 * notebook), so a cell that stops and starts being observed finds the same state again. Writers (the
 * page's buttons, the CLI, embed) assign `.value`; readers depend on the `changes()` cell.
 */
import type { Host } from '../lib/runtime/host';
import { Mutable } from '../lib/runtime/generators';

const states = new WeakMap<Host, Map<string, Mutable<unknown>>>();

/** The notebook's Mutable named `name`, created with `initial` on first use. */
export function hostState<T>(host: Host, name: string, initial: () => T): Mutable<T> {
  let byName = states.get(host);
  if (!byName) states.set(host, (byName = new Map()));
  let state = byName.get(name);
  if (!state) byName.set(name, (state = new Mutable<unknown>(initial())));
  return state as Mutable<T>;
}
