// A link is only made clickable when its address is absolute and uses a scheme the platform
// opens safely; anything else (javascript:, data:, relative paths) is shown as its label.

export const WEB_SCHEMES = ['http:', 'https:'] as const;

/** The normalised absolute URL, or null when the link must be shown as plain text. */
export function safeUrl(href: string, schemes: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (!schemes.includes(url.protocol)) return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return null;
  // "mailto:" or "tg:" alone opens nothing.
  if (url.href.length === url.protocol.length) return null;
  return url.href;
}
