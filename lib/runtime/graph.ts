import { BUILTIN_NAMES, type CellSpec } from './cell';

/**
 * Static checks of a cell list, run when a notebook is created and by the tests of cells/: every input is a
 * cell or a builtin, no name is defined twice, and the dependency graph has no cycle. The runtime would report
 * these lazily (and fall back to globalThis for unknown names); we want them at once, by name.
 */
export function checkGraph(cells: readonly CellSpec[], builtins: readonly string[] = BUILTIN_NAMES): void {
  const byName = new Map<string, CellSpec>();
  for (const cell of cells) {
    if (typeof cell.name !== 'string' || cell.name === '') throw new Error(`cell names must be non-empty strings, got ${JSON.stringify(cell.name)}`);
    if (typeof cell.define !== 'function') throw new Error(`cell "${cell.name}": define must be a function`);
    if (!Array.isArray(cell.inputs)) throw new Error(`cell "${cell.name}": inputs must be an array of names`);
    if (byName.has(cell.name)) throw new Error(`cell "${cell.name}" is defined more than once`);
    if (builtins.includes(cell.name)) throw new Error(`cell "${cell.name}" shadows a builtin (builtins: ${builtins.join(', ')})`);
    byName.set(cell.name, cell);
  }
  for (const cell of cells) {
    for (const name of cell.inputs) {
      if (!byName.has(name) && !builtins.includes(name)) {
        throw new Error(`cell "${cell.name}" has unknown input "${name}"; inputs must be cells or builtins (${builtins.join(', ')})`);
      }
    }
  }
  const cycle = findCycle(cells, byName);
  if (cycle) throw new Error(`cells form a cycle: ${cycle.join(' → ')}`);
}

/**
 * The parameters a cell depends on, as the graph says: every parameter whose view cell (`view` set) is
 * upstream of `name`, not looking through the cells in `skip` (e.g. a shortcut that only picks a stored
 * result). In the order of `cells`.
 */
export function upstreamParameters(cells: readonly CellSpec[], name: string, skip: readonly string[] = []): string[] {
  const byName = new Map(cells.map((c) => [c.name, c]));
  if (!byName.has(name)) throw new Error(`upstreamParameters: no cell "${name}"`);
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const current = byName.get(stack.pop()!);
    if (!current) continue; // a builtin
    for (const input of current.inputs) {
      if (seen.has(input) || skip.includes(input)) continue;
      seen.add(input);
      stack.push(input);
    }
  }
  return cells.filter((c) => c.view !== undefined && seen.has(c.name)).map((c) => c.view!);
}

/** A dependency cycle as a list of names (first = last), or null. Iterative DFS with colours. */
export function findCycle(cells: readonly CellSpec[], byName = new Map(cells.map((c) => [c.name, c]))): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of cells) {
    if (state.has(root.name)) continue;
    const path: string[] = [];
    const stack: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    state.set(root.name, 'visiting');
    path.push(root.name);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const inputs = byName.get(top.name)?.inputs ?? [];
      if (top.next >= inputs.length) {
        state.set(top.name, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const input = inputs[top.next++];
      if (!byName.has(input)) continue;
      const seen = state.get(input);
      if (seen === 'visiting') return [...path.slice(path.indexOf(input)), input];
      if (seen === undefined) {
        state.set(input, 'visiting');
        path.push(input);
        stack.push({ name: input, next: 0 });
      }
    }
  }
  return null;
}

/**
 * The declared parameter names of a function, read from its source: `(a, b) => …`, `x => …`,
 * `async function* name(a, b) {…}`, `function (a) {…}`, methods `name(a) {…}`. Default values and rest
 * parameters are reported by name; destructuring patterns are rejected (cells take plain named inputs).
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  if (typeof fn !== 'function') throw new TypeError('parameterNames: expected a function');
  const source = stripComments(Function.prototype.toString.call(fn)).trim();
  const single = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (single) return [single[1]];
  const open = source.indexOf('(');
  if (open < 0) throw new Error(`parameterNames: cannot find a parameter list in ${source.slice(0, 60)}`);
  let depth = 0;
  let close = -1;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  if (close < 0) throw new Error(`parameterNames: unbalanced parameter list in ${source.slice(0, 60)}`);
  const list = source.slice(open + 1, close).trim();
  if (list === '') return [];
  return splitTopLevel(list).map((part) => {
    const name = /^(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)\s*(?:=[\s\S]*)?$/.exec(part.trim());
    if (!name) throw new Error(`parameterNames: parameter "${part.trim()}" is not a plain name`);
    return name[1];
  });
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.filter((p) => p.trim() !== '');
}
