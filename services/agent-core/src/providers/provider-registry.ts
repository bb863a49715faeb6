import type { ModelInfo } from './model-catalog';
import type { CompletionRequest, Provider, StreamEvent } from './provider';
import { providerErrorContext, type ProviderErrorContext } from './provider-errors';
import { OpenAiProvider } from './openai-provider';
import { DEFAULT_RETRY_POLICY, RetryingProvider, type RetryPolicy } from './retrying-provider';
import type { Redact } from './secret-redactor';

export interface ProviderRegistryOptions {
  /**
   * agent.provider_timeout_seconds in ms: the longest a provider may keep us waiting, for its
   * answer to start or, while streaming, for the next piece. A timeout is not retried.
   */
  timeoutMs: number;
  retry?: RetryPolicy;
  /**
   * Masks config secrets in provider error text (`secretRedactor(config)`). Each provider's own
   * api_key is masked in its errors without it.
   */
  redact?: Redact;
}

/**
 * Loads the Anthropic SDK on the first request to an Anthropic model: it is a large package,
 * and most installs never use it, so start-up time and memory should not pay for it.
 */
class LazyAnthropicProvider implements Provider {
  private inner: Provider | undefined;

  constructor(private readonly model: ModelInfo, private readonly ctx: ProviderErrorContext) {}

  async *stream(request: CompletionRequest): AsyncIterable<StreamEvent> {
    if (!this.inner) {
      const { AnthropicProvider } = await import('./anthropic-provider.js');
      this.inner = new AnthropicProvider(this.ctx, this.model.apiUrl, this.model.apiKey);
    }
    yield* this.inner!.stream(request);
  }
}


/** One SDK client per configured provider, built on first use and reused (keep-alive pools). */
export class ProviderRegistry {
  private readonly providers = new Map<string, Provider>();

  constructor(private readonly options: ProviderRegistryOptions = { timeoutMs: 120_000 }) {}

  for(model: ModelInfo): Provider {
    let provider = this.providers.get(model.provider);
    if (!provider) {
      const ctx = providerErrorContext({ provider: model.provider, apiUrl: model.apiUrl, apiKey: model.apiKey, timeoutMs: this.options.timeoutMs, redact: this.options.redact });
      const inner =
        model.providerType === 'anthropic'
          ? new LazyAnthropicProvider(model, ctx)
          : new OpenAiProvider(ctx, model.providerType, model.apiUrl, model.apiKey);
      provider = new RetryingProvider(inner, this.options.retry ?? DEFAULT_RETRY_POLICY);
      this.providers.set(model.provider, provider);
    }
    return provider;
  }
}
