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

/** Format a number for the reader's language (decimal comma in German). */
export function formatNumber(lang: Lang, value: number, digits = 2): string {
  return value.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits });
}
