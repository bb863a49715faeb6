// A small version of tdlib's LinkManager checks: which URLs Telegram keeps on a text_link.

const USER_LINK = /^tg:(?:\/\/)?user\?(?:.*&)?id=(\d+)(?:&|#|$)/i;
const EMOJI_LINK = /^tg:(?:\/\/)?emoji\/?\?(?:[^#]*&)?id=(\d+)(?:[&#]|$)/i;

/** The user id of a `tg://user?id=N` link (Telegram turns such a link into a text_mention), else undefined. */
export function linkUserId(url: string): number | undefined {
  const m = USER_LINK.exec(url.trim());
  const id = m ? Number(m[1]) : 0;
  return id > 0 ? id : undefined;
}

/** The custom emoji id of a `tg://emoji?id=N` link; throws Telegram's message when it is not one. */
export function linkCustomEmojiId(url: string): string {
  if (!/^tg:/i.test(url)) throw new Error('Custom emoji URL must have scheme tg');
  if (!/^tg:(?:\/\/)?emoji\b/i.test(url)) throw new Error('Custom emoji URL must have host "emoji"');
  const m = EMOJI_LINK.exec(url);
  if (!m) throw new Error('Custom emoji URL must have an emoji identifier');
  if (m[1].startsWith('0')) throw new Error('Invalid custom emoji identifier specified');
  return m[1];
}

function isValidHost(host: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return true;
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0)) return false;
  const tld = labels[labels.length - 1];
  return tld.length >= 2 && /^(?:[a-z]+|xn--[a-z0-9-]+)$/i.test(tld);
}

/**
 * The URL Telegram stores for a text_link, or '' when it would drop it: http(s) URLs are normalized
 * (`telegram.org` becomes `http://telegram.org/`), tg:// and ton:// links are kept, anything else is refused.
 */
export function checkedLink(raw: string): string {
  const url = raw.trim();
  if (url.length === 0) return '';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tg' || scheme === 'ton' || scheme === 'tonsite') return url;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https' && url.includes('://')) return '';
  const withScheme = scheme === 'http' || scheme === 'https' ? url : `http://${url}`;
  try {
    const parsed = new URL(withScheme);
    return isValidHost(parsed.hostname) ? parsed.href : '';
  } catch {
    return '';
  }
}
