// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { langFromSearch, langProblem, problemText } from '../../notebook/page';

describe('the page language and refused address values', () => {
  it('takes en or de in any case, and reports other values like any refused value', () => {
    expect(langFromSearch('?lang=de')).toBe('de');
    expect(langFromSearch('?lang=DE')).toBe('de');
    expect(langFromSearch('?lang=fr')).toBe('en');
    expect(langProblem('?lang=de', 'de')).toBeNull();
    expect(langProblem('', 'en')).toBeNull();
    expect(langProblem('?lang=DE', 'de')).toBe('lang=DE: als „de“ gelesen (Groß-/Kleinschreibung egal)');
    expect(langProblem('?lang=fr', 'en')).toBe('lang=fr: not available; allowed are en (English) and de (German). Showing English.');
  });

  it('says refused values in German on the German page', () => {
    expect(problemText({ name: 'epochs', raw: 'abc', reason: 'invalid value "abc" for "epochs": allowed is an integer from 1 to 100' }, 'de'))
      .toBe('epochs=abc: nicht übernommen; erlaubt ist eine ganze Zahl von 1 bis 100');
    expect(problemText({ name: 'foo', reason: 'unknown parameter' }, 'de')).toBe('foo: unbekannter Parameter, nicht übernommen');
    expect(problemText({ name: 'prose', raw: '2', reason: 'prose must be 0 or 1 (or false/true)' }, 'en')).toBe('prose=2: prose must be 0 or 1 (or false/true)');
  });
});
