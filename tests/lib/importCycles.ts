/**
 * The import graph of lib/ and its cycles, for tests/lib/cycles.test.ts. Every static `import`/`export … from`
 * counts, `import type` too: two modules that name each other's types are tangled even when the bundler can
 * drop one direction. Dynamic `import()` does not count (it is how tfjs stays off the first view).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

/** Static imports of one file (type-only ones too unless `runtimeOnly`), as absolute paths of .ts files. */
export function staticImports(file: string, runtimeOnly = false): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  // `import x from`, `import { a, type B } from`, `export … from`; not `import type`, `export type`, nor import('…').
  const pattern = /^\s*(import|export)\s+([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    const names = match[2].trim();
    const typeOnly = names.startsWith('type ') || (/^\{[^}]*\}$/.test(names) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type')));
    if (runtimeOnly && typeOnly) continue;
    let target = resolve(dirname(file), match[3].replace(/\.js$/, ''));
    if (!target.endsWith('.ts') && !target.endsWith('.json')) target += '.ts';
    found.push(target);
  }
  return found;
}

/** Every elementary cycle's files (strongly connected components with more than one file, or a file importing itself). */
export function importCycles(root: string, runtimeOnly = false): string[][] {
  const files = sourceFiles(root);
  const graph = new Map(files.map((f) => [f, staticImports(f, runtimeOnly).filter((t) => t.startsWith(root))]));
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!indices.has(f)) visit(f);
  return components;
}
