/** Small DOM helpers shared by the components (the only DOM-touching module family is lib/ui). */

export interface CellOption {
  /** Set `data-cell` on the root; the page does this when it mounts a component as a notebook cell. */
  cell?: string;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  children: (Node | string | null | undefined)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child != null) el.append(child);
  return el;
}

export function applyCell(root: Element, options: CellOption | undefined): void {
  if (options?.cell !== undefined) {
    if (typeof options.cell !== 'string' || options.cell === '') throw new RangeError(`cell must be a non-empty string, got ${JSON.stringify(options.cell)}`);
    root.setAttribute('data-cell', options.cell);
  }
}

let idCounter = 0;
/** Unique ids for aria-labelledby / aria-describedby links. */
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `zf-${prefix}-${idCounter}`;
}

/**
 * A message of the library as a reader sees it, after `lead` in the reader's language. The library's messages are
 * English (they name inputs, files and allowed values, for developers too): on a German page the message follows
 * "Die Meldung (englisch):" and is marked `lang="en"`, so a screen reader reads it as English.
 */
export function libraryMessage(lang: 'en' | 'de', lead: { en: string; de: string }, message: string, doc: Document = document): (string | Node)[] {
  if (lang !== 'de') return lead.en ? [lead.en, message] : [message];
  const detail = doc.createElement('span');
  detail.lang = 'en';
  detail.textContent = message;
  return [`${lead.de}Die Meldung (englisch): `, detail];
}
