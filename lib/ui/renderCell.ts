/**
 * How a mounted cell shows its value (Notebook.mount): a DOM node as itself, a string as text, an error as its
 * message, and any other value (numbers, arrays, objects such as `history` or `confusion`) with Observable's
 * Inspector — the ecosystem's own, expandable view of data.
 */
import { Inspector } from '@observablehq/inspector';
import { libraryMessage } from './dom';

const INSPECT_CLASS = 'zf-inspect';

/** The Inspector's look, with colours dark enough for text contrast ≥ 4.5:1 on white (its own are lighter). */
const INSPECTOR_CSS = `
.zf-inspect .observablehq--inspect { font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; display: block; white-space: pre; overflow-x: auto; color: #1b1e23; }
.zf-inspect .observablehq--collapsed, .zf-inspect .observablehq--inspect a { cursor: pointer; }
.zf-inspect .observablehq--field { text-indent: -1em; margin-left: 1em; }
.zf-inspect .observablehq--empty, .zf-inspect .observablehq--prototype-key { color: #5f6368; font-style: oblique; }
.zf-inspect .observablehq--number, .zf-inspect .observablehq--bigint, .zf-inspect .observablehq--date,
.zf-inspect .observablehq--regexp, .zf-inspect .observablehq--symbol { color: #0b6e7a; }
.zf-inspect .observablehq--boolean, .zf-inspect .observablehq--null, .zf-inspect .observablehq--undefined { color: #0a6e4b; }
.zf-inspect .observablehq--string { color: #005c8a; }
.zf-inspect .observablehq--key, .zf-inspect .observablehq--index { color: #5a2ea6; }
.zf-inspect .observablehq--keyword { color: #1f5f99; }
[data-cell][data-status="error"] { color: #b00020; }
`;

function injectInspectorStyles(doc: Document): void {
  if (doc.getElementById('zf-inspector-styles')) return;
  const style = doc.createElement('style');
  style.id = 'zf-inspector-styles';
  style.textContent = INSPECTOR_CSS;
  (doc.head ?? doc.documentElement).append(style);
}

/** Show a cell's new value (or error) in `element`; sets data-status to fulfilled or error. */
export function renderCell(element: Element, value: unknown, error?: Error): void {
  if (error) {
    element.setAttribute('data-status', 'error');
    // The page's language, or the embedding page's: the message is the library's (English), after a German sentence on a German page.
    const lang = element.closest('[lang]')?.getAttribute('lang') ?? element.ownerDocument?.documentElement?.getAttribute('lang');
    element.replaceChildren(...libraryMessage(lang === 'de' ? 'de' : 'en', { en: '', de: 'Das hat nicht geklappt. ' }, error.message, element.ownerDocument));
    return;
  }
  element.setAttribute('data-status', 'fulfilled');
  const NodeClass = element.ownerDocument?.defaultView?.Node;
  if (NodeClass && value instanceof NodeClass) {
    if (value !== element.firstChild || element.childNodes.length !== 1) element.replaceChildren(value);
  } else if (value === undefined) {
    element.replaceChildren();
  } else if (typeof value === 'string') {
    element.textContent = value;
  } else {
    const doc = element.ownerDocument;
    injectInspectorStyles(doc);
    // Reuse the Inspector's node so that what the reader expanded stays expanded when the value changes.
    let node = element.firstElementChild;
    if (!(node instanceof (doc.defaultView?.HTMLElement ?? HTMLElement)) || !node.classList.contains(INSPECT_CLASS) || element.childNodes.length !== 1) {
      node = doc.createElement('div');
      node.className = INSPECT_CLASS;
      element.replaceChildren(node);
    }
    new Inspector(node).fulfilled(value);
  }
}
