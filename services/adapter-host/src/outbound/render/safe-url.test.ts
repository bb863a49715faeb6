import { safeUrl, WEB_SCHEMES } from './safe-url.js';

describe('safeUrl', () => {
  const schemes = ['http:', 'https:', 'tg:', 'mailto:'];

  it('accepts absolute http, https, tg and mailto addresses, normalised', () => {
    expect(safeUrl('HTTPS://Example.com/a b', schemes)).toBe('https://example.com/a%20b');
    expect(safeUrl('tg://resolve?domain=x', schemes)).toBe('tg://resolve?domain=x');
    expect(safeUrl('mailto:a@b.example', schemes)).toBe('mailto:a@b.example');
  });

  it('refuses other schemes, relative paths, missing hosts and missing addresses', () => {
    for (const href of ['javascript:alert(1)', 'data:text/html,x', 'ftp://x.example', '/relative', 'x.example', 'https://', 'mailto:', 'tg:']) {
      expect([href, safeUrl(href, schemes)]).toEqual([href, null]);
    }
  });

  it('refuses what a platform does not open, when asked for web links only', () => {
    expect(safeUrl('tg://resolve?domain=x', WEB_SCHEMES)).toBeNull();
  });
});
