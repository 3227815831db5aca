/**
 * "Copy link": the address already mirrors every parameter (notebook/page.ts keeps it in step), so a link is the
 * current URL. Teachers paste it into a worksheet; readers share what they see.
 */
import { element } from './dom';
import { tr, type Lang } from './i18n';

const TEXT = {
  copy: { en: 'Copy link', de: 'Link kopieren' },
  copied: { en: 'Link copied', de: 'Link kopiert' },
  manual: { en: 'Copy this link:', de: 'Diesen Link kopieren:' },
} as const;

/** A button that copies `currentUrl()` to the clipboard; where the clipboard is refused it shows the link selected. */
export function copyLinkButton(currentUrl: () => string, lang: Lang = 'en'): HTMLElement {
  const status = element('span', { class: 'zf-copy-status', role: 'status' });
  const button = element('button', { type: 'button', class: 'zf-copy-link', text: tr(lang, TEXT.copy) });
  const root = element('span', { class: 'zf-copy' }, [button, status]);
  button.addEventListener('click', async () => {
    const url = currentUrl();
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      status.replaceChildren(tr(lang, TEXT.copied));
    } catch {
      // Clipboard refused (insecure origin, permissions): show the link, selected, for Ctrl+C.
      const field = element('input', { type: 'text', readonly: true, value: url, 'aria-label': tr(lang, TEXT.manual), size: 40 });
      status.replaceChildren(tr(lang, TEXT.manual), ' ', field);
      field.select();
    }
  });
  return root;
}
