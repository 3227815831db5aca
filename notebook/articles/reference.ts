/**
 * The reference of every cell an author may use (dist/cells.html), generated from the cells themselves:
 * names and inputs from the notebook's cell list; what a cell holds from its `doc` (CellSpec.doc) or else the
 * comment written above it in cells/; its type from TypeScript (the declared `type`, or what its `define`
 * returns, read with the compiler's type checker); parameters from lib/params.ts. Nothing here is hand-written
 * per cell, so the page cannot drift from the code.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notebookCells } from '../../cells/index';
import { PARAMS, type ParamSpec } from '../../lib/params';
import { BUILTIN_NAMES } from '../../lib/runtime/cell';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CellReference {
  name: string;
  /** The file of cells/ that defines it (its notebook section), e.g. "training". */
  section: string;
  inputs: string[];
  /** What it holds, one or two sentences ('' when nobody wrote one yet). */
  doc: string;
  /** Its value's TypeScript type (for generators and async generators: what they yield). */
  type: string;
}

interface SourceFacts {
  section: string;
  doc: string;
  type: string;
}

function paramType(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int': return `number (integer ${spec.min}–${spec.max})`;
    case 'number': return `number (${spec.min}${spec.minExclusive ? ' exclusive' : ''}–${spec.max})`;
    case 'enum': return spec.options.map((option) => JSON.stringify(option)).join(' | ');
    case 'boolean': return 'boolean';
    case 'intList': return `number[] (integers ${spec.min}–${spec.max}, at most ${spec.maxLength})`;
  }
}

/** Read docs and types of the cells written as object literals `{ name: '…', inputs, define }` in cells/. */
async function sourceFacts(): Promise<Map<string, SourceFacts>> {
  const ts = (await import('typescript')).default;
  const configPath = join(PROJECT_ROOT, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, PROJECT_ROOT);
  const program = ts.createProgram([join(PROJECT_ROOT, 'cells/index.ts')], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const facts = new Map<string, SourceFacts>();
  const cellsDir = join(PROJECT_ROOT, 'cells');

  const valueType = (type: import('typescript').Type): string => {
    // A generator's or promise's cell holds what it yields or resolves to; a union is read member by member.
    const members = type.isUnion() ? type.types : [type];
    const names = members.map((member) => {
      const symbol = member.getSymbol()?.getName();
      const args = checker.getTypeArguments(member as import('typescript').TypeReference);
      if ((symbol === 'Promise' || symbol === 'Generator' || symbol === 'AsyncGenerator') && args.length > 0) return valueType(args[0]);
      return checker.typeToString(member, undefined, ts.TypeFormatFlags.NoTruncation);
    });
    const unique = [...new Set(names.flatMap((name) => name.split(' | ')))];
    return unique.join(' | ').replace(/\bfalse \| true\b|\btrue \| false\b/, 'boolean').replace(/import\("[^"]+"\)\./g, '');
  };

  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(cellsDir)) continue;
    const section = relative(cellsDir, file.fileName).replace(/\.ts$/, '').replace(/^display\//, '');
    const visit = (node: import('typescript').Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const property = (key: string) => node.properties.find((p): p is import('typescript').PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key);
        const nameProperty = property('name');
        const defineProperty = node.properties.find((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'define');
        if (nameProperty && ts.isStringLiteral(nameProperty.initializer) && defineProperty) {
          const docProperty = property('doc');
          const typeProperty = property('type');
          const comments = ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? [];
          const written = comments.map((range) => file.text.slice(range.pos, range.end).replace(/^\/\*\*?|\*\/$/g, '').replace(/^\s*(\/\/|\*)\s?/gm, '').trim()).join(' ');
          let type = '';
          if (typeProperty && ts.isStringLiteral(typeProperty.initializer)) type = typeProperty.initializer.text;
          else {
            const fnType = checker.getTypeAtLocation(ts.isPropertyAssignment(defineProperty) ? defineProperty.initializer : defineProperty);
            const signature = fnType.getCallSignatures()[0];
            if (signature) type = valueType(checker.getReturnTypeOfSignature(signature));
          }
          facts.set(nameProperty.initializer.text, {
            section,
            doc: docProperty && ts.isStringLiteralLike(docProperty.initializer) ? docProperty.initializer.text : written.replace(/\s+/g, ' '),
            type,
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return facts;
}

/** A hash of everything TypeScript reads for the reference (cells, lib, types, tsconfig). */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) hash.update(relative(PROJECT_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const dir of ['cells', 'lib', 'types']) walk(join(PROJECT_ROOT, dir));
  hash.update(readFileSync(join(PROJECT_ROOT, 'tsconfig.json')));
  return hash.digest('hex');
}

/** Where the types and docs read by TypeScript are kept between builds (gitignored): reading them takes 10–30 s. */
const FACTS_CACHE = join(PROJECT_ROOT, '.cache/cell-reference.json');

async function cachedSourceFacts(): Promise<Map<string, SourceFacts>> {
  const key = sourcesHash();
  try {
    const cached = JSON.parse(readFileSync(FACTS_CACHE, 'utf8')) as { key: string; facts: [string, SourceFacts][] };
    if (cached.key === key) return new Map(cached.facts);
  } catch {
    // no cache yet, or unreadable: read the sources
  }
  const facts = await sourceFacts();
  mkdirSync(dirname(FACTS_CACHE), { recursive: true });
  writeFileSync(FACTS_CACHE, JSON.stringify({ key, facts: [...facts] }));
  return facts;
}

/** Every cell of the notebook, in the notebook's order, with what it holds, its type and its inputs. */
export async function cellReference(options: { cache?: boolean } = {}): Promise<CellReference[]> {
  const facts = options.cache === false ? await sourceFacts() : await cachedSourceFacts();
  const params = new Map<string, ParamSpec>(PARAMS.map((spec) => [spec.name, spec as ParamSpec]));
  return notebookCells.map((cell) => {
    const param = params.get(cell.name) ?? (cell.view !== undefined ? params.get(cell.view) : undefined);
    const declared = cell as { doc?: string; type?: string };
    if (param) {
      const isView = cell.view !== undefined;
      return {
        name: cell.name,
        section: 'parameters',
        inputs: [...cell.inputs],
        doc: isView ? `The control of “${param.label.en}” (set() and the address change it too).` : `${param.label.en}: ${param.help.en}`,
        type: isView ? 'HTMLElement (a control with .value)' : paramType(param),
      };
    }
    const found = facts.get(cell.name);
    return {
      name: cell.name,
      section: found?.section ?? '',
      inputs: [...cell.inputs],
      doc: declared.doc ?? found?.doc ?? '',
      type: declared.type ?? found?.type ?? '',
    };
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/** The reference as a page of the site (English; names and types are code). */
export function referencePage(cells: readonly CellReference[]): string {
  const rows = cells.map((cell) => `<tr id="${escapeHtml(cell.name.replace(/\s+/g, '-'))}"><th scope="row"><code>${escapeHtml(cell.name)}</code></th><td>${escapeHtml(cell.section)}</td><td>${escapeHtml(cell.doc) || '<span class="none">(no description yet)</span>'}</td><td><code>${escapeHtml(cell.type)}</code></td><td>${cell.inputs.map((input) => `<code>${escapeHtml(input)}</code>`).join(', ')}</td></tr>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ziffern · cells an article can use</title>
<link rel="icon" href="data:,">
<style>
body { font: 15px/1.5 system-ui, sans-serif; color: #1b1b1f; background: #fff; margin: 0; padding: 1.5rem; }
main { max-width: 1200px; margin: 0 auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid #d6d6d6; }
thead th { background: #f2f2f2; }
code { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.none { color: #595959; font-style: italic; }
a { color: #0b57a4; }
</style>
</head>
<body>
<main>
<h1>Cells an article can use</h1>
<p>Every cell of the <a href="index.html">ziffern notebook</a>, generated from the cells by the build. Use a name as an
input of <code>define(name, inputs, fn)</code> or show it with <code>show(name)</code> (see the README, “Write an
article”). Besides these, a cell may ask for <code>${BUILTIN_NAMES.map(escapeHtml).join('</code> and <code>')}</code>. Types of
generators are what they yield.</p>
<table>
<caption>${cells.length} cells, in the notebook's order</caption>
<thead><tr><th scope="col">name</th><th scope="col">section</th><th scope="col">what it holds</th><th scope="col">type</th><th scope="col">inputs</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</main>
</body>
</html>
`;
}
