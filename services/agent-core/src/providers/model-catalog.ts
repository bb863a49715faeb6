import { AppError, describeModelLookupFailure, findModelId, listModelIds, type Config } from '@cliver/common';

/** One configured model, resolved from config.yaml's providers. */
export interface ModelInfo {
  /** `<provider>/<name>`, the id clients use. */
  id: string;
  provider: string;
  /** The name the provider's API knows. */
  name: string;
  providerType: string;
  apiUrl: string;
  apiKey?: string;
  contextWindow: number;
  capabilities: string[];
  /** Default sampling options from config; a request's own options win. */
  options: Record<string, unknown>;
}

// Context windows by model family when config does not say (cliver-formats.md §2).
const CONTEXT_WINDOWS: Array<[RegExp, number]> = [
  [/claude/i, 200_000],
  [/gpt-4\.1/i, 1_047_576],
  [/gpt-5/i, 400_000],
  [/(^|\/)o[134](-|$)/i, 200_000],
  [/gpt-4o|gpt-4-turbo/i, 128_000],
  [/gpt-4/i, 8_192],
  [/gpt-3\.5/i, 16_385],
  [/deepseek/i, 64_000],
  [/qwen|llama|mistral|gemma/i, 32_768],
];
const DEFAULT_CONTEXT_WINDOW = 32_768;

function guessContextWindow(name: string): number {
  return CONTEXT_WINDOWS.find(([re]) => re.test(name))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}

function guessCapabilities(type: string, name: string): string[] {
  const caps = ['text_to_text', 'tool_calling'];
  if (/claude|gpt-4o|gpt-4\.1|gpt-5|vision|vl/i.test(name) || type === 'anthropic') caps.push('image_to_text');
  return caps;
}

/** The models of config.yaml, looked up by exact id or unique short name as the original does. */
export class ModelCatalog {
  private readonly models = new Map<string, ModelInfo>();
  private readonly ids: string[];
  readonly defaultModelId: string | undefined;

  /** @param configFile names the file to edit in messages about missing models. */
  constructor(config: Config, private readonly configFile = 'config.yaml') {
    for (const [provider, p] of Object.entries(config.providers ?? {})) {
      for (const m of p.models) {
        const entry = typeof m === 'string' ? { name: m } : m;
        const id = `${provider}/${entry.name}`;
        this.models.set(id, {
          id,
          provider,
          name: entry.name,
          providerType: p.type,
          apiUrl: p.api_url,
          apiKey: p.api_key,
          contextWindow: entry.context_window ?? guessContextWindow(entry.name),
          capabilities: entry.capabilities ?? guessCapabilities(p.type, entry.name),
          options: { ...(entry.options ?? {}) },
        });
      }
    }
    this.ids = listModelIds(config.providers ?? {});
    const lookup = config.default_model ? findModelId(this.ids, config.default_model) : undefined;
    this.defaultModelId = lookup?.kind === 'found' ? lookup.id : this.ids[0];
  }

  list(): ModelInfo[] {
    return [...this.models.values()];
  }

  /** Resolves a request's model (empty = the default); unknown → not_found `model_not_found`. */
  resolve(ref: string | undefined): ModelInfo {
    const wanted = ref || this.defaultModelId;
    if (!wanted) {
      throw new AppError(
        'failed_precondition',
        `no models are configured: add a provider with its models under \`providers:\` in ${this.configFile} ` +
          '(the file has a commented example), then restart the gateway. To try the gateway without any key first, run `npm run demo`.',
        { reason: 'no_models', field: 'model' },
      );
    }
    const lookup = findModelId(this.ids, wanted);
    if (lookup.kind !== 'found') {
      throw new AppError('not_found', `The model '${wanted}' does not exist: ${describeModelLookupFailure(wanted, lookup, this.ids)}`, {
        reason: 'model_not_found',
        field: 'model',
      });
    }
    return this.models.get(lookup.id)!;
  }
}
