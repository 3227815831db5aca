/** The article build's offline check: which URLs in built files count as leaving the site. */
import { describe, expect, it } from 'vitest';
import { foreignUrls, withLang } from '../../notebook/articles/build';

describe('foreignUrls', () => {
  it('finds CDN imports, stylesheets and fetches, not XML namespace names or markdown-it\'s linkify prefix', () => {
    const built = `import("https://cdn.jsdelivr.net/npm/lodash/+esm");l.href="https://cdn.jsdelivr.net/npm/katex/dist/katex.min.css";
fetch('http://example.org/data.csv');document.createElementNS("http://www.w3.org/2000/svg","svg");e.url=\`http://\${e.url}\``;
    expect(foreignUrls(built)).toEqual([
      'https://cdn.jsdelivr.net/npm/lodash/+esm',
      'https://cdn.jsdelivr.net/npm/katex/dist/katex.min.css',
      'http://example.org/data.csv',
    ]);
    expect(foreignUrls('import("../embed.js"); src="./article-assets/a.js"; ziffern-offline://cdn.jsdelivr.net/npm/x')).toEqual([]);
  });

  it('gives *.de.html notebooks a German page', () => {
    expect(withLang('<html lang="en"><head>', '/x/article.de.html')).toBe('<html lang="de"><head>');
    expect(withLang('<html lang="en"><head>', '/x/article.html')).toBe('<html lang="en"><head>');
  });
});
