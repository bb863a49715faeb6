import { z } from 'zod';
import { Gateway } from './gateway-schema';
import { describeModelLookupFailure, findModelId, listModelIds } from './models';
import { absoluteUrl, boolish, numeric, stringish, timeZone } from './scalars';
import { listSecretPaths, secret } from './secret-tag';

export { maskSecret, secret } from './secret-tag';
import { keyPolicies } from './unknown-keys';

// The only description of config.yaml. It accepts every key of the original CLIver (0.1.3) so
// an existing file loads unchanged; keys nobody knows are reported by the loader as warnings.

/** Provider types with their own handling; any other type is treated as OpenAI-compatible. */
export const KNOWN_PROVIDER_TYPES = ['openai', 'anthropic', 'deepseek', 'ollama', 'vllm'] as const;

const positiveInt = () => numeric(z.number().int().min(1));
const nonNegative = () => numeric(z.number().min(0));

/** Sampling options passed to the provider; unknown keys are passed through as the original did. */
export const ModelOptions = z.looseObject({
  temperature: nonNegative().optional(),
  top_p: numeric(z.number().min(0).max(1)).optional(),
  max_tokens: positiveInt().optional(),
  frequency_penalty: numeric(z.number()).optional(),
  presence_penalty: numeric(z.number()).optional(),
});

/** A model in its object form; other keys the original accepted are kept. */
export const ModelEntry = z.looseObject({
  name: stringish(z.string().min(1)),
  context_window: positiveInt().optional(),
  capabilities: z.array(z.string()).optional(),
  options: ModelOptions.optional(),
  think_mode: boolish().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

/** A model: its plain name, or the object form. Its id is `<provider>/<name>`. */
export const Model = z.union([stringish(z.string().min(1)), ModelEntry]);
export type Model = z.infer<typeof Model>;

export const RateLimit = z.looseObject({
  requests: positiveInt().optional(),
  /** A duration such as "5h" or "1m". */
  period: stringish().optional(),
  /** Fraction of the limit kept in reserve, 0 to 1. */
  margin: numeric(z.number().min(0).max(1)).optional(),
});

/** Prices per 1M tokens. */
export const Pricing = z.looseObject({
  currency: z.string().optional(),
  input: nonNegative().optional(),
  output: nonNegative().optional(),
  cached_input: nonNegative().optional(),
});

export const Provider = z.object({
  type: z.string().min(1).default('openai'),
  api_url: absoluteUrl(),
  api_key: stringish(secret(z.string())).optional(),
  rate_limit: RateLimit.optional(),
  pricing: Pricing.optional(),
  /** Transcription endpoint for voice messages. */
  audio_url: absoluteUrl().optional(),
  audio_model: z.string().min(1).optional(),
  models: z.array(Model).default([]),
});
export type Provider = z.infer<typeof Provider>;

export const MCP_TRANSPORTS = ['stdio', 'sse', 'streamable_http', 'websocket'] as const;

export const McpServer = z
  .object({
    transport: z.enum(MCP_TRANSPORTS),
    command: z.string().min(1).optional(),
    args: z.array(stringish()).optional(),
    env: z.record(z.string(), stringish(secret(z.string()))).optional(),
    url: absoluteUrl().optional(),
    headers: z.record(z.string(), stringish(secret(z.string()))).optional(),
  })
  .superRefine(
    (server, ctx) => {
      const { transport, command, url } = server as Partial<typeof server>;
      // An invalid transport is reported by the enum; guessing what it needs would add noise.
      if (!MCP_TRANSPORTS.includes(transport as (typeof MCP_TRANSPORTS)[number])) return;
      if (transport === 'stdio' && command === undefined) {
        ctx.addIssue({ code: 'custom', path: ['command'], message: 'is required for transport stdio (the program to start)' });
      }
      if (transport !== 'stdio' && url === undefined) {
        ctx.addIssue({ code: 'custom', path: ['url'], message: `is required for transport ${transport} (the server's URL)` });
      }
    },
    { when: () => true },
  );
export type McpServer = z.infer<typeof McpServer>;

/** Session retention; cleanup runs at start and then periodically. */
export const Session = z.object({
  max_sessions: positiveInt().default(300),
  /**
   * Turns kept per session, counted as the original counts them and as the portal's `turn_count`
   * shows them: one turn is one message, the user's or the assistant's (so 100 keeps the last 50
   * exchanges). Older turns are deleted; the model gets at most this many, fewer when the context
   * window is tight.
   */
  max_turns_per_session: positiveInt().default(100),
  max_age_days: positiveInt().default(30),
});
export type Session = z.infer<typeof Session>;

/** Ours: limits of the agent's tool-calling loop. */
export const AgentLoop = z.object({
  /** Model calls per turn before the loop stops with a clear message. */
  max_iterations: positiveInt().default(20),
  /**
   * Chat conversations whose turns run at the same time; messages of one conversation always
   * run one after the other, in the order they arrived.
   */
  max_parallel_conversations: positiveInt().default(4),
  /**
   * How long a provider may keep one request waiting, for its answer to start or, while it
   * streams, for the next piece, before the request fails with deadline_exceeded. A timed-out
   * request is not retried: it may still be running (and billed) at the provider.
   */
  provider_timeout_seconds: positiveInt().default(120),
});
export type AgentLoop = z.infer<typeof AgentLoop>;

const ConfigShape = z
  .object({
    default_agent_name: z.string().min(1).default('CLIver'),
    providers: z.record(z.string(), Provider).default({}),
    /** A model id `<provider>/<name>`, or a name that only one provider has. */
    default_model: z.string().min(1).optional(),
    mcpServers: z.record(z.string(), McpServer).default({}),
    user_agent: z.string().min(1).optional(),
    /** Unset means every toolset. */
    enabled_toolsets: z.array(z.string()).optional(),
    gateway: Gateway.prefault({}),
    session: Session.prefault({}),
    agent: AgentLoop.prefault({}),
    search_engines: z.array(z.string()).optional(),
    /** IANA zone for tasks and timestamps; unset means the host's zone. */
    timezone: timeZone().optional(),
    theme: z.string().optional(),
    skill_auto_learn: boolish().default(false),
    model_auto_fallback: boolish().default(false),
    workflow_runs_dir: z.string().min(1).optional(),
  })
  .superRefine(
    (config, ctx) => {
      const ref = (config as { default_model?: unknown }).default_model;
      if (typeof ref !== 'string' || ref === '') return;
      const ids = listModelIds((config as { providers?: unknown }).providers);
      const lookup = findModelId(ids, ref);
      if (lookup.kind === 'found') return;
      ctx.addIssue({ code: 'custom', path: ['default_model'], message: describeModelLookupFailure(ref, lookup, ids) });
    },
    { when: () => true },
  );
keyPolicies.add(ConfigShape, { legacyKeys: ['agent_name'] });

/** The original's `agent_name` is the old spelling of `default_agent_name`; the new one wins. */
function adoptLegacyKeys(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const { agent_name: legacy, ...rest } = input as Record<string, unknown>;
  if (legacy === undefined || rest.default_agent_name !== undefined) return rest;
  return { ...rest, default_agent_name: legacy };
}

/** config.yaml, after templates are rendered. */
export const Config = z.preprocess(adoptLegacyKeys, ConfigShape);
export type Config = z.infer<typeof Config>;

/**
 * Dot paths of the secret fields (`providers.*.api_key`, `mcpServers.*.env.*`…), derived from
 * the `secret()` tags: the logger redacts them and the portal masks them.
 */
export function secretPaths(): string[] {
  return listSecretPaths(Config);
}
