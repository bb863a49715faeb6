// The config module's public surface; services import it through @cliver/common.

// Loading (main.ts of every service)
export { loadConfig } from './load';
export type { LoadConfigOptions, LoadedConfig } from './load';
export { ConfigError, formatConfigProblem } from './problem';
export type { ConfigProblem } from './problem';
export { starterConfigText, writeStarterConfig } from './starter';
export { ENV_OVERRIDES } from './env-sources';

// Shape of config.yaml
export {
  Config,
  Provider,
  Model,
  ModelEntry,
  ModelOptions,
  McpServer,
  Session,
  KNOWN_PROVIDER_TYPES,
  MCP_TRANSPORTS,
} from './schema';
export { Gateway, Platform, InternalAddresses, BUILTIN_PLATFORM_TYPES, isBuiltinPlatformType, isAdapterModule } from './gateway-schema';
export type { BuiltinPlatformType } from './gateway-schema';

// Models (lookup by id or unique short name)
export { listModelIds, findModelId, describeModelLookupFailure } from './models';
export type { ModelLookup } from './models';

// Secrets (logger redaction, portal masking)
export { secretPaths, secret, maskSecret } from './schema';
export { listSecretPaths } from './secret-tag';

// "Did you mean": one rule for config keys and task YAML keys
export { suggestKey } from './unknown-keys';

// Templates (also useful to check a single value in the portal)
export { renderTemplates } from './template';
export type { RenderResult, TemplateUse, TemplateFailure } from './template';
