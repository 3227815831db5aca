/**
 * Issue 16: an address with %-escapes that decodeURIComponent refuses blanked the page (a dependency read it at
 * load time). notebook/addressGuard.ts repairs such an address before any dependency runs and reports what it repaired.
 */
import { describe, expect, it } from 'vitest';
import { malformedEscapes, paramsFromSearch, repairedSearch } from '../../lib/state/url';

describe('addresses whose escapes do not decode', () => {
  it.each([
    ['?junk=%ZZ', '?junk=%25ZZ'],
    ['?hidden=32&junk=%ZZ&lang=de', '?hidden=32&junk=%25ZZ&lang=de'],
    ['?%ZZ', '?%25ZZ='],
    ['?a=%', '?a=%25'],
    ['?a=%E0%A4', '?a=%EF%BF%BD'],
    ['https://x.org/p/index.html?junk=%ZZ#top', '?junk=%25ZZ'],
  ])('%s is repaired to %s, and every component then decodes', (search, repaired) => {
    expect(repairedSearch(search)).toBe(repaired);
    for (const part of repaired.slice(1).split('&')) expect(() => decodeURIComponent(part)).not.toThrow();
  });

  it('keeps the values this page reads: the repaired address gives the same parameters', () => {
    const search = '?hidden=32&junk=%ZZ&seed=%E0%A4';
    expect(paramsFromSearch(repairedSearch(search)!)).toEqual(paramsFromSearch(search));
  });

  it('leaves good addresses alone', () => {
    for (const search of ['', '?', '?hidden=32', '?a=%41%42', '?x=%C3%A4', '?a=1+2']) expect(repairedSearch(search)).toBeNull();
  });

  it('reports what was malformed, like other refused values, in English and German', () => {
    expect(malformedEscapes('?hidden=32&junk=%ZZ&x=%E0%A4')).toEqual([
      { name: 'junk', raw: '%ZZ', reason: '"%ZZ" is not a valid %-escape (a % is followed by two hex digits); read as text' },
      { name: 'x', raw: '%E0%A4', reason: 'the %-escapes are not valid UTF-8; read as text' },
    ]);
    expect(malformedEscapes('?junk=%ZZ', 'de')[0].reason).toBe('„%ZZ“ ist kein gültiges %-Escape (auf % folgen zwei Hexadezimalziffern); als Text gelesen');
    expect(malformedEscapes('?hidden=32')).toEqual([]);
  });
});
