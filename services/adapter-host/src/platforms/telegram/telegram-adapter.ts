import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import type { MessageEntity, Update } from 'grammy/types';
import { backoffDelayMs, pause } from '@cliver/common';
import type { Address, AdapterContext, IncomingFile, OutgoingFile, PlatformAdapter, SendOptions } from '../../platform';
import { renderChunks, type RenderedChunk } from '../../outbound/render';
import { httpErrorText, isEntityError, toDeliveryError } from './telegram-errors';
import { toIncoming, type FileRef } from './telegram-message';
import { TELEGRAM_BUDGET, TelegramPace, type TelegramBudget } from './telegram-pace';
import { MAX_FILE_BYTES } from '../../inbound/fit-attachments';

const DEFAULT_API_ROOT = 'https://api.telegram.org';
// Long poll length. The watchdog gives a poll this long plus a margin before it calls it stalled.
const POLL_TIMEOUT_S = 25;
const STALL_MARGIN_MS = 15_000;
// The Bot API's limit for sendPhoto; a larger image goes as a document.
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface TelegramTimings {
  pollTimeoutS: number;
  stallMarginMs: number;
  /** Backoff after a failed poll or a failed record. */
  retry: { baseMs: number; maxMs: number };
  /** What Telegram accepts; sends beyond it wait here (TelegramPace). */
  budget?: TelegramBudget;
}

const DEFAULT_TIMINGS: TelegramTimings = { pollTimeoutS: POLL_TIMEOUT_S, stallMarginMs: STALL_MARGIN_MS, retry: { baseMs: 1000, maxMs: 30_000 } };

/**
 * Telegram over grammY's Bot API client with our own long-poll loop. Neither `bot.start()` nor
 * @grammyjs/runner fits DESIGN's "acknowledge only after agent-core committed": both confirm an
 * update by asking for the next offset whatever the handler did (bot.catch swallows a failed
 * record, the runner fetches ahead). Here the offset moves past an update only once it is
 * recorded, so a message is never lost to an agent-core restart; updates run one at a time, so
 * each chat's order is kept. Sends go through auto-retry, which honours 429 retry_after.
 */
export class TelegramAdapter implements PlatformAdapter {
  readonly typingIntervalMs = 4000;
  private bot: Bot | undefined;
  private ctx: AdapterContext | undefined;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private entityFallbacks = 0;

  // Made anew at each start: a stopped one drops what waits in it and takes nothing more.
  private pace = new TelegramPace();

  constructor(private readonly timings: TelegramTimings = DEFAULT_TIMINGS) {}

  async start(ctx: AdapterContext): Promise<void> {
    this.ctx = ctx;
    this.stopping = new AbortController();
    this.pace = new TelegramPace(this.timings.budget ?? TELEGRAM_BUDGET);
    const apiRoot = (ctx.config.api_root ?? DEFAULT_API_ROOT).replace(/\/+$/, '');
    this.bot = new Bot(ctx.config.token ?? '', { client: { apiRoot } });
    // Network errors are not retried here: a send that timed out may have been posted already,
    // and the delivery loop decides about those. 429 and 5xx are safe to repeat.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
    ctx.setState('connecting');
    this.loop = this.run(apiRoot);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.pace.stop();
  }

  render(markdown: string): RenderedChunk[] {
    return renderChunks(markdown, 'telegram');
  }

  async sendChunk(to: Address, chunk: RenderedChunk, options: SendOptions): Promise<string> {
    const api = this.requireBot().api;
    const base = {
      ...(to.threadId ? { message_thread_id: Number(to.threadId) } : {}),
      ...(options.replyTo ? { reply_parameters: { message_id: Number(options.replyTo), allow_sending_without_reply: true } } : {}),
      link_preview_options: { is_disabled: true },
    };
    try {
      const sent = await this.pace.run(to.channelId, () => api.sendMessage(to.channelId, chunk.text, { ...base, entities: chunk.entities as MessageEntity[] | undefined }));
      return String(sent.message_id);
    } catch (err) {
      if (!isEntityError(err)) throw toDeliveryError(err);
      // Our entities are built, not parsed, so this should not happen; if Telegram still refuses
      // them, the words matter more than the formatting. Counted and logged, never silent.
      this.entityFallbacks++;
      this.ctx?.log.warn({ err, fallbacks: this.entityFallbacks, key: options.idempotencyKey }, 'Telegram refused the formatting; sent as plain text');
      try {
        const sent = await this.pace.run(to.channelId, () => api.sendMessage(to.channelId, chunk.text, base));
        return String(sent.message_id);
      } catch (plainErr) {
        throw toDeliveryError(plainErr);
      }
    }
  }

  async sendFile(to: Address, file: OutgoingFile, options: SendOptions): Promise<string> {
    const api = this.requireBot().api;
    const input = new InputFile(file.data, file.fileName);
    const extra = {
      ...(to.threadId ? { message_thread_id: Number(to.threadId) } : {}),
      ...(options.replyTo ? { reply_parameters: { message_id: Number(options.replyTo), allow_sending_without_reply: true } } : {}),
    };
    try {
      // A photo is shown inline; any other file, and an image Telegram would recompress badly, as a document.
      const photo = file.kind === 'image' && file.data.byteLength <= MAX_PHOTO_BYTES;
      const sent = await this.pace.run(to.channelId, (): Promise<{ message_id: number }> => (photo ? api.sendPhoto(to.channelId, input, extra) : api.sendDocument(to.channelId, input, extra)));
      return String(sent.message_id);
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async sendTyping(to: Address): Promise<void> {
    await this.requireBot().api.sendChatAction(to.channelId, 'typing', to.threadId ? { message_thread_id: Number(to.threadId) } : {});
  }

  /** Times the formatting was refused and plain text sent instead. */
  get formattingFallbacks(): number {
    return this.entityFallbacks;
  }

  private requireBot(): Bot {
    if (!this.bot) throw new Error('the Telegram adapter is not started');
    return this.bot;
  }

  private async run(apiRoot: string): Promise<void> {
    const bot = this.requireBot();
    const ctx = this.ctx!;
    const signal = this.stopping.signal;
    let offset = 0;
    let failures = 0;
    let webhookCleared = false;
    let connected = false;
    while (!signal.aborted) {
      try {
        // grammY types its signal with the abort-controller package's AbortSignal; at run time it is Node's.
        // Not bot.init(): it retries getMe on network errors for ever, so an unreachable Bot API
        // would show `connecting` instead of its error.
        if (!bot.isInited()) bot.botInfo = await bot.api.getMe(signal as never);
        // Webhooks and long polling exclude each other; a webhook left set makes every poll 409.
        if (!webhookCleared) {
          await bot.api.deleteWebhook({ drop_pending_updates: false }, signal as never);
          webhookCleared = true;
        }
        // The first poll, and the first after a failure, ask without waiting: the state turns
        // `connected` as soon as Telegram answers, not when a quiet long poll ends 25 s later.
        const updates = await this.poll(bot, offset, signal, connected ? this.timings.pollTimeoutS : 0);
        connected = true;
        failures = 0;
        ctx.markAlive();
        ctx.setState('connected');
        for (const update of updates) {
          await this.deliver(update, apiRoot, signal);
          if (signal.aborted) return;
          offset = update.update_id + 1;
        }
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        connected = false;
        ctx.setState('error', describePollError(err));
        if (!(err instanceof StalledPoll)) ctx.log.warn({ err: safeError(err), failures }, 'Telegram poll failed');
        await pause(backoffDelayMs(failures, { ...this.timings.retry, jitter: 0.2 }), signal);
      }
    }
  }

  /** One long poll, with a watchdog: a poll that outlives its timeout by the margin is stalled. */
  private async poll(bot: Bot, offset: number, stop: AbortSignal, timeoutS: number): Promise<Update[]> {
    const controller = new AbortController();
    const onStop = () => controller.abort();
    stop.addEventListener('abort', onStop, { once: true });
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, timeoutS * 1000 + this.timings.stallMarginMs);
    try {
      return await bot.api.getUpdates({ offset, timeout: timeoutS, allowed_updates: ['message'] }, controller.signal as never);
    } catch (err) {
      if (stalled) throw new StalledPoll();
      throw err;
    } finally {
      clearTimeout(watchdog);
      stop.removeEventListener('abort', onStop);
    }
  }

  /** Records one update, retrying until it is recorded (the offset waits for it) or we stop. */
  private async deliver(update: Update, apiRoot: string, signal: AbortSignal): Promise<void> {
    const bot = this.requireBot();
    const ctx = this.ctx!;
    const incoming = toIncoming(update, bot.botInfo);
    if (!incoming) return;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const files = await this.download(incoming.fileRefs, apiRoot);
        const { fileRefs: _refs, ...rest } = incoming;
        await ctx.receive({ ...rest, files });
        return;
      } catch (err) {
        ctx.log.warn({ err: safeError(err), updateId: update.update_id, attempt }, 'could not record a Telegram message; retrying before acknowledging it');
        await pause(backoffDelayMs(attempt, { ...this.timings.retry, jitter: 0.2 }), signal);
      }
    }
  }

  private async download(refs: FileRef[], apiRoot: string): Promise<IncomingFile[]> {
    const bot = this.requireBot();
    const out: IncomingFile[] = [];
    for (const ref of refs) {
      if (ref.size !== undefined && ref.size > MAX_FILE_BYTES) continue;
      const file = await bot.api.getFile(ref.fileId);
      if (!file.file_path) continue;
      // The URL holds the token: it is never logged.
      const res = await fetch(`${apiRoot}/file/bot${bot.token}/${file.file_path}`);
      if (!res.ok) throw new Error(`downloading a Telegram file failed with HTTP ${res.status}`);
      const data = new Uint8Array(await res.arrayBuffer());
      if (data.byteLength > MAX_FILE_BYTES) continue;
      out.push({ kind: ref.kind, fileName: ref.fileName, mimeType: ref.mimeType, data });
    }
    return out;
  }
}

class StalledPoll extends Error {
  constructor() {
    super('the poll stalled: Telegram kept the connection open but sent nothing past the poll timeout; reconnecting');
  }
}

/** Words for the adapter status: what went wrong and what to do. */
function describePollError(err: unknown): string {
  if (err instanceof StalledPoll) return err.message;
  if (err instanceof GrammyError) {
    if (err.error_code === 409) return 'Conflict: another program is polling this bot token (or a webhook is set); stop the other bot instance';
    if (err.error_code === 401) return 'Telegram rejected the bot token (401 Unauthorized): check gateway.platforms.*.token';
    return `Telegram answered ${err.error_code}: ${err.description}`;
  }
  if (err instanceof HttpError) return `cannot reach the Telegram Bot API: ${httpErrorText(err)}`;
  return (err as Error)?.message ?? String(err);
}

// grammY's HttpError message carries the request URL, which carries the bot token.
function safeError(err: unknown): unknown {
  if (err instanceof HttpError) return { name: 'HttpError', message: httpErrorText(err) };
  return err;
}
