import type { ModelInfo } from './model-catalog';
import type { CompletionRequest, Provider, StreamEvent } from './provider';
import { OpenAiProvider } from './openai-provider';
import { DEFAULT_RETRY_POLICY, RetryingProvider, type RetryPolicy } from './retrying-provider';

/**
 * Loads the Anthropic SDK on the first request to an Anthropic model: it is a large package,
 * and most installs never use it, so start-up time and memory should not pay for it.
 */
class LazyAnthropicProvider implements Provider {
  private inner: Provider | undefined;

  constructor(private readonly model: ModelInfo, private readonly timeoutMs: number) {}

  async *stream(request: CompletionRequest): AsyncIterable<StreamEvent> {
    if (!this.inner) {
      const { AnthropicProvider } = await import('./anthropic-provider.js');
      this.inner = new AnthropicProvider(this.model.provider, this.model.apiUrl, this.model.apiKey, this.timeoutMs);
    }
    yield* this.inner!.stream(request);
  }
}

/** One SDK client per configured provider, built on first use and reused (keep-alive pools). */
export class ProviderRegistry {
  private readonly providers = new Map<string, Provider>();

  constructor(private readonly options: { timeoutMs: number; retry?: RetryPolicy } = { timeoutMs: 120_000 }) {}

  for(model: ModelInfo): Provider {
    let provider = this.providers.get(model.provider);
    if (!provider) {
      const inner =
        model.providerType === 'anthropic'
          ? new LazyAnthropicProvider(model, this.options.timeoutMs)
          : new OpenAiProvider(model.provider, model.providerType, model.apiUrl, model.apiKey, this.options.timeoutMs);
      provider = new RetryingProvider(inner, this.options.retry ?? DEFAULT_RETRY_POLICY);
      this.providers.set(model.provider, provider);
    }
    return provider;
  }
}
