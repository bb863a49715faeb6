import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError } from '../../platform';

const GATEWAY_CLOSE_HINTS: Record<number, string> = {
  4004: 'Discord rejected the bot token when identifying (close 4004): check gateway.platforms.NAME.token',
  4013: 'Discord refused the gateway intents (close 4013 invalid intents); this adapter needs Guilds, GuildMessages, DirectMessages and MessageContent',
  4014: 'Discord refused a privileged intent (close 4014): enable "Message Content Intent" for the bot in the Developer Portal (Bot → Privileged Gateway Intents)',
};

function messageOf(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/** Discord REST failures in the delivery loop's terms: rejected (permanent unless 5xx), rate limited, unreachable. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof RateLimitError) {
    const waitMs = Math.ceil(Math.max(err.retryAfter, err.timeToReset));
    const scope = err.global ? 'global rate limit' : `rate limit on ${err.method.toUpperCase()} ${err.route}`;
    return new DeliveryError(`Discord ${scope}: retry in ${Math.ceil(waitMs / 1000)} s`, false, waitMs, { cause: err });
  }
  if (err instanceof DiscordAPIError) {
    if (err.status >= 500) return new DeliveryError(`Discord failed (HTTP ${err.status}): ${err.message}`, false, undefined, { cause: err });
    return new DeliveryError(`Discord refused the message (HTTP ${err.status}, code ${err.code}): ${err.message}`, true, undefined, { cause: err });
  }
  // A 5xx that outlasted @discordjs/rest's own retries (3 by default).
  if (err instanceof HTTPError) return new DeliveryError(`Discord failed (HTTP ${err.status}) on ${err.method.toUpperCase()} after retrying; will try again later`, false, undefined, { cause: err });
  return new DeliveryError(`cannot reach Discord: ${messageOf(err)}`, false, undefined, { cause: err });
}

export interface LoginFailure {
  message: string;
  /** Logging in again cannot help until the config changes. */
  permanent: boolean;
  retryAfterMs?: number;
}

/** Why `client.login()` failed, for the adapter state; `name` is the adapter's key under gateway.platforms. */
export function describeLoginError(err: unknown, name: string, host: string): LoginFailure {
  if ((err as { code?: unknown })?.code === 'TokenInvalid') {
    return { message: `Discord rejected the bot token (401 Unauthorized): check gateway.platforms.${name}.token`, permanent: true };
  }
  if (err instanceof DiscordAPIError && err.status === 404) {
    return {
      message: `Discord answered 404 Not Found to GET ${new URL(err.url).pathname} on ${host}: gateway.platforms.${name}.api_url must be the REST API root, such as https://discord.com/api (discord.js adds /v10 itself)`,
      permanent: true,
    };
  }
  if (err instanceof DiscordAPIError && err.status < 500) {
    return { message: `Discord refused the login (HTTP ${err.status}, code ${err.code}): ${err.message}`, permanent: true };
  }
  if (err instanceof RateLimitError) return { message: `Discord rate-limited the login; retrying in ${Math.ceil(err.retryAfter / 1000)} s`, permanent: false, retryAfterMs: err.retryAfter };
  if (err instanceof HTTPError || err instanceof DiscordAPIError) return { message: `Discord failed (HTTP ${err.status}) during login; retrying`, permanent: false };
  return { message: `cannot reach Discord at ${host}: ${messageOf(err)}; retrying`, permanent: false };
}

/** A gateway close discord.js will not recover from (it emits shardDisconnect only for those). */
export function describeFatalClose(code: number, name: string): string {
  const hint = GATEWAY_CLOSE_HINTS[code];
  if (hint) return hint.replace('NAME', name);
  return `the Discord gateway closed the connection for good (code ${code}); fix the cause, then restart adapter-host`;
}
