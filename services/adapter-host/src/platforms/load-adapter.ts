import { resolve } from 'node:path';
import { AppError, isAdapterModule, type Platform } from '@cliver/common';
import { ADAPTER_MEMBERS, type PlatformAdapter } from '../platform';

// A built-in adapter's SDK is loaded with the first adapter of its type: discord.js alone costs
// about 0.3 s and 40 MB at start-up, which an install without a Discord bot should not pay.
/* eslint-disable @typescript-eslint/no-require-imports */
const BUILTIN: Record<string, (() => PlatformAdapter) | undefined> = {
  telegram: () => new (require('./telegram/telegram-adapter') as typeof import('./telegram/telegram-adapter')).TelegramAdapter(),
  discord: () => new (require('./discord/discord-adapter') as typeof import('./discord/discord-adapter')).DiscordAdapter(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function missingMembers(candidate: unknown): string[] {
  if (candidate === null || typeof candidate !== 'object') return [...ADAPTER_MEMBERS];
  const o = candidate as Record<string, unknown>;
  const missing: string[] = ADAPTER_MEMBERS.filter((m) => typeof o[m] !== 'function');
  if (typeof o.typingIntervalMs !== 'number') missing.push('typingIntervalMs');
  return missing;
}

/**
 * Builds the adapter of one `gateway.platforms` entry. A custom adapter is a module (a path
 * relative to the config file's folder, or a package name) whose default export, or export
 * `createAdapter`, is a factory `(config) => PlatformAdapter` or a class; it is checked against
 * the contract at start, and what is missing is named.
 */
export function loadAdapter(name: string, config: Platform, configDir: string): PlatformAdapter {
  const builtin = BUILTIN[config.type];
  if (builtin) return builtin();
  if (!isAdapterModule(config.type)) {
    throw new AppError('failed_precondition', `gateway.platforms.${name}: type "${config.type}" is not available in this version (built in: ${Object.keys(BUILTIN).join(', ')}; or a JS module path such as ./my-adapter.js)`, { reason: 'adapter_type_unavailable', field: `gateway.platforms.${name}.type` });
  }
  const target = config.type.startsWith('.') ? resolve(configDir, config.type) : config.type;
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(target) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('failed_precondition', `gateway.platforms.${name}: cannot load the adapter module ${target}: ${(err as Error).message}`, { reason: 'adapter_module_missing', field: `gateway.platforms.${name}.type`, cause: err });
  }
  const factory = (mod.createAdapter ?? mod.default ?? mod) as unknown;
  if (typeof factory !== 'function') {
    throw new AppError('failed_precondition', `gateway.platforms.${name}: ${target} must export createAdapter(config) or a default class/factory`, { reason: 'adapter_contract', field: `gateway.platforms.${name}.type` });
  }
  const make = factory as (cfg: Platform) => unknown;
  let adapter: unknown;
  try {
    adapter = /^class\s/.test(Function.prototype.toString.call(make)) ? new (make as unknown as new (cfg: Platform) => unknown)(config) : make(config);
  } catch (err) {
    throw new AppError('failed_precondition', `gateway.platforms.${name}: the adapter in ${target} failed to construct: ${(err as Error).message}`, { reason: 'adapter_contract', cause: err });
  }
  const missing = missingMembers(adapter);
  if (missing.length) {
    throw new AppError('failed_precondition', `gateway.platforms.${name}: the adapter in ${target} does not implement the adapter contract: missing ${missing.join(', ')}`, { reason: 'adapter_contract', field: `gateway.platforms.${name}.type` });
  }
  return adapter as PlatformAdapter;
}
