/**
 * The page's prose written into index.html by the build, in both languages, so a reader sees the text
 * before any script has arrived (at 1.6 Mbit/s main.js takes seconds). Each `[data-prose]` placeholder gets
 * one child per language (`lang="en"`, `lang="de"`); a stylesheet shows the one matching `<html lang>`, and
 * a one-line inline script sets `<html lang="de">` for `?lang=de` before the body is parsed. Once main.js
 * runs, notebook/page.ts renders the prose again for the reader's language alone (the same text).
 *
 * The wording lives in notebook/prose/*.ts; this only places it. Section paragraphs are authored HTML
 * (see prose/types.ts); headings and short texts are escaped.
 */
import type { Lang } from '../lib/ui/i18n';
import { PAGE_SECTIONS, type PageSection, type Prose } from './prose/types';

const LANGS: readonly Lang[] = ['en', 'de'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Shows the language of `<html lang>` and hides the other, before and without scripts (English when no lang matches). */
const PRERENDER_STYLE = '<style>html:not([lang="de"]) [data-prose] > [lang="de"], html:not([lang="de"]) [data-prose-after] > [lang="de"], html[lang="de"] [data-prose] > [lang="en"], html[lang="de"] [data-prose-after] > [lang="en"] { display: none }</style>';
/** Runs while the head is parsed (no download): the reader's `?lang=de` picks German before the body appears (another
 *  spelling such as `DE`, which lib/state/url.ts langOfSearch also reads as German, gets it once main.js has run). */
const PRERENDER_SCRIPT = '<script>if (new URLSearchParams(location.search).get("lang") === "de") document.documentElement.lang = "de";</script>';

function sectionHtml(prose: Prose, section: PageSection, part: 'lead' | 'after'): string {
  const text = prose.sections[section];
  const paragraphs = (part === 'lead' ? text.lead : text.after ?? []).map((html) => `<p>${html}</p>`).join('');
  return part === 'lead' ? `<h2>${escapeHtml(text.heading)}</h2>${paragraphs}` : paragraphs;
}

function bothLanguages(proses: Record<Lang, Prose>, inline: boolean, html: (prose: Prose) => string): string {
  const tag = inline ? 'span' : 'div';
  return LANGS.map((lang) => `<${tag} lang="${lang}">${html(proses[lang])}</${tag}>`).join('');
}

/**
 * index.html with every prose placeholder filled in both languages. Refuses a page whose placeholders name
 * prose that does not exist, so a renamed section cannot silently leave a hole.
 */
export function prerenderProse(page: string, proses: Record<Lang, Prose>): string {
  let out = page.replace(/<([a-z0-9]+)([^>]*?)\sdata-prose(-after)?="([^"]+)"([^>]*)>[\s\S]*?<\/\1>/g, (_all, tag: string, before: string, after: string | undefined, key: string, rest: string) => {
    const open = `<${tag}${before} data-prose${after ?? ''}="${key}"${rest}>`;
    if ((PAGE_SECTIONS as readonly string[]).includes(key)) {
      return `${open}${bothLanguages(proses, false, (prose) => sectionHtml(prose, key as PageSection, after ? 'after' : 'lead'))}</${tag}>`;
    }
    if (!after && (key === 'title' || key === 'subtitle' || key === 'emulatedBadge')) {
      return `${open}${bothLanguages(proses, true, (prose) => escapeHtml(prose[key]))}</${tag}>`;
    }
    throw new Error(`build: index.html has a prose placeholder "${key}" that notebook/prose does not define`);
  });
  if (!out.includes('</head>')) throw new Error('build: index.html has no </head> for the prose style');
  out = out.replace('</head>', `  ${PRERENDER_STYLE}\n  ${PRERENDER_SCRIPT}\n</head>`);
  return out;
}

/**
 * index.html with the components' stylesheet (lib/ui/styles.ts) in its head, under the id injectStyles() looks for:
 * the prerendered text is laid out in its final font and spacing from the first paint, not again when main.js runs.
 */
export function inlineStyles(page: string, css: string, id: string): string {
  if (/<\/style/i.test(css)) throw new Error('build: the stylesheet must not contain "</style"');
  if (!page.includes('</head>')) throw new Error('build: index.html has no </head> for the stylesheet');
  return page.replace('</head>', `  <style id="${escapeHtml(id)}">${css}</style>\n</head>`);
}
