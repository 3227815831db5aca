// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyLinkButton } from '../../lib/ui/copyLink';

describe('copyLinkButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies the current address, read at click time, and says so', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    let url = 'https://example.org/z/?hidden=32';
    const root = copyLinkButton(() => url, 'de');
    url = 'https://example.org/z/?hidden=64';
    root.querySelector('button')!.click();
    await vi.waitFor(() => expect(root.querySelector('[role=status]')!.textContent).toBe('Link kopiert'));
    expect(writeText).toHaveBeenCalledWith('https://example.org/z/?hidden=64');
  });

  it('shows the link selected when the clipboard is refused', async () => {
    vi.stubGlobal('navigator', { clipboard: { writeText: async () => { throw new Error('denied'); } } });
    const root = copyLinkButton(() => 'https://example.org/?lr=0.1', 'en');
    root.querySelector('button')!.click();
    await vi.waitFor(() => expect(root.querySelector('input')).not.toBeNull());
    const field = root.querySelector('input')!;
    expect(field.value).toBe('https://example.org/?lr=0.1');
    expect(field.readOnly).toBe(true);
  });
});
