import { timingSafeEqual } from 'node:crypto';

/** Whether `given` is the bot token, compared in constant time (STYLE.md §10.11). */
export function tokenMatches(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** REST sends `Authorization: Bot <token>`; anything else (a bare token, Bearer) is a 401 on Discord. */
export function isBotAuthorization(header: unknown, token: string): boolean {
  return typeof header === 'string' && header.startsWith('Bot ') && tokenMatches(header.slice(4), token);
}

/** IDENTIFY and RESUME carry the bare token; Discord tolerates the `Bot ` prefix there. */
export function isGatewayToken(given: unknown, token: string): boolean {
  return typeof given === 'string' && tokenMatches(given.replace(/^Bot\s+/, ''), token);
}
