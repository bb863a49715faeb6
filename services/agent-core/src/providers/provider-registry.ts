import type { ModelInfo } from './model-catalog';
import type { Provider } from './provider';
import { AnthropicProvider } from './anthropic-provider';
import { OpenAiProvider } from './openai-provider';
import { DEFAULT_RETRY_POLICY, RetryingProvider, type RetryPolicy } from './retrying-provider';

/** One SDK client per configured provider, built on first use and reused (keep-alive pools). */
export class ProviderRegistry {
  private readonly providers = new Map<string, Provider>();

  constructor(private readonly options: { timeoutMs: number; retry?: RetryPolicy } = { timeoutMs: 120_000 }) {}

  for(model: ModelInfo): Provider {
    let provider = this.providers.get(model.provider);
    if (!provider) {
      const inner =
        model.providerType === 'anthropic'
          ? new AnthropicProvider(model.provider, model.apiUrl, model.apiKey, this.options.timeoutMs)
          : new OpenAiProvider(model.provider, model.providerType, model.apiUrl, model.apiKey, this.options.timeoutMs);
      provider = new RetryingProvider(inner, this.options.retry ?? DEFAULT_RETRY_POLICY);
      this.providers.set(model.provider, provider);
    }
    return provider;
  }
}
