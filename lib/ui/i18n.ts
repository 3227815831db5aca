/** The two languages of the page. Every component takes `lang` (English by default). */
export type Lang = 'en' | 'de';

export function checkLang(lang: unknown): Lang {
  if (lang !== 'en' && lang !== 'de') throw new RangeError(`lang must be 'en' or 'de', got ${JSON.stringify(lang)}`);
  return lang;
}

export interface Text {
  en: string;
  de: string;
}

export function tr(lang: Lang, text: Text): string {
  return text[lang];
}

const formats = new Map<string, Intl.NumberFormat>();

/** Format a number for the reader's language (decimal comma in German). One formatter per language and digits:
 *  toLocaleString with options builds a new one at every call (tens of ms over a page's controls). */
export function formatNumber(lang: Lang, value: number, digits = 2): string {
  const key = `${lang}:${digits}`;
  let format = formats.get(key);
  if (!format) formats.set(key, format = new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits }));
  return format.format(value);
}
