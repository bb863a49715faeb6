import { z } from 'zod';
import type { CustomIssueParams } from '../validation/describe-issue';
import { absoluteUrl, boolish, hostPort, numeric, stringish } from './scalars';
import { secret } from './secret-tag';
import { keyPolicies } from './unknown-keys';

/** Platform types with a built-in adapter; any other `type` must be a custom adapter path. */
export const BUILTIN_PLATFORM_TYPES = ['telegram', 'discord', 'slack', 'feishu'] as const;
export type BuiltinPlatformType = (typeof BUILTIN_PLATFORM_TYPES)[number];

/** `my_pkg.my_module.MyAdapter`: a module path and a class name, as the original loaded them. */
const CUSTOM_ADAPTER_PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/;
/**
 * Ours: a JS module that exports an adapter: `./my-adapter.js` (relative to config.yaml), an
 * absolute path, or a scoped package `@scope/name`. A bare word is not taken as a package, so a
 * typo such as "telgram" is still reported.
 */
const ADAPTER_MODULE = /^(?:\.{1,2}\/|\/)\S+$|^@[\w.-]+\/[\w.-]+$/;

/** Whether `type` names a JS adapter module (see ADAPTER_MODULE). */
export function isAdapterModule(type: string): boolean {
  return ADAPTER_MODULE.test(type);
}

/** What each built-in type cannot start without, and what the reader should put there. */
const REQUIRED_PLATFORM_KEYS: Record<BuiltinPlatformType, Record<string, string>> = {
  telegram: { token: 'the bot token from @BotFather' },
  discord: { token: 'the bot token from the Discord Developer Portal' },
  slack: { token: 'the bot token, xoxb-…', app_token: 'the app-level token, xapp-…, that Socket Mode uses' },
  feishu: { token: 'the app secret', app_id: 'the app id, cli_…' },
};

export function isBuiltinPlatformType(type: unknown): type is BuiltinPlatformType {
  return (BUILTIN_PLATFORM_TYPES as readonly unknown[]).includes(type);
}

const secretString = () => stringish(secret(z.string()));
const requiredSecret = () => stringish(secret(z.string().min(1)));

/**
 * One chat platform under `gateway.platforms`; its map key is the adapter's name. Loose, because
 * a custom adapter receives its own extra keys; built-in types still get typos reported.
 */
export const Platform = z
  .looseObject({
    type: z.string().min(1),
    token: requiredSecret().optional(),
    allowed_users: z.array(stringish()).default([]),
    home_channel: stringish().optional(),
    api_root: absoluteUrl().optional(),
    api_url: absoluteUrl().optional(),
    domain: z.string().min(1).optional(),
    app_id: stringish(z.string().min(1)).optional(),
    app_token: requiredSecret().optional(),
    verification_token: secretString().optional(),
    encrypt_key: secretString().optional(),
    mode: z.enum(['webhook', 'ws']).optional(),
    /** In groups, answer only messages that mention the bot (or reply to it); DMs are always answered. */
    require_mention: boolish().default(false),
  })
  .superRefine(
    (platform, ctx) => {
      const { type } = platform as { type?: unknown };
      if (typeof type !== 'string' || type === '') return;
      if (!isBuiltinPlatformType(type)) {
        if (CUSTOM_ADAPTER_PATH.test(type) || ADAPTER_MODULE.test(type)) return;
        const params: CustomIssueParams = {
          expected: `one of ${BUILTIN_PLATFORM_TYPES.join(', ')} or a custom adapter module such as ./my-adapter.js or @scope/adapter`,
        };
        ctx.addIssue({ code: 'custom', path: ['type'], message: 'unknown platform type', params });
        return;
      }
      for (const [key, what] of Object.entries(REQUIRED_PLATFORM_KEYS[type])) {
        if ((platform as Record<string, unknown>)[key] !== undefined) continue;
        ctx.addIssue({ code: 'custom', path: [key], message: `is required for type ${type} (${what})` });
      }
    },
    { when: () => true },
  );
keyPolicies.add(Platform, {
  reportUnknownWhen: (value) => isBuiltinPlatformType(value.type),
});
export type Platform = z.infer<typeof Platform>;

/** Internal gRPC addresses of the services (host:port); container mode overrides them by env. */
export const InternalAddresses = z.object({
  agent_core: hostPort().default('127.0.0.1:8331'),
  gateway_api: hostPort().default('127.0.0.1:8332'),
  adapter_host: hostPort().default('127.0.0.1:8333'),
  scheduler: hostPort().default('127.0.0.1:8334'),
});
export type InternalAddresses = z.infer<typeof InternalAddresses>;

/** The `gateway:` section: the public HTTP listener, admin login, platforms and our internals. */
export const Gateway = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: numeric(z.number().int().min(1).max(65535)).default(8321),
  /**
   * Bearer key for /v1/*. Unset: /v1 accepts any key (or none), and gateway-api refuses to
   * listen on anything but loopback, so only programs on this machine can reach it.
   */
  api_key: secretString().optional(),
  admin_username: stringish(z.string().min(1)).default('admin'),
  /**
   * Password of the admin portal (not served by this version yet). Accepted now so that an
   * existing config loads; when the portal is there, leaving it unset will make its first start
   * generate one, print it once and store only its hash (DESIGN.md).
   */
  admin_password: secretString().optional(),
  /** Unset means `<home>/gateway.log`. */
  log_file: z.string().min(1).optional(),
  platforms: z.record(z.string(), Platform).default({}),
  // prefault, not default: zod 4 returns a default as-is, and the nested defaults must apply.
  internal: InternalAddresses.prefault({}),
  /** How long the running gateway's lease lasts without renewal. */
  lease_ttl_seconds: numeric(z.number().int().min(2).max(60)).default(8),
  /**
   * Ours: which peers may set X-Forwarded-For (Express `trust proxy` values: `loopback`,
   * `uniquelocal` for a Docker network, or addresses/CIDRs). Client addresses decide the
   * per-client limits, so only the proxy in front (Caddy) may be trusted.
   */
  trusted_proxies: z.array(z.string().min(1)).default(['loopback']),
});
export type Gateway = z.infer<typeof Gateway>;
