import { AppError, backoffDelayMs, call, pause, readStream, type AgentCoreClients, type Fence, type Logger, type ProtoOutboxEntry, type StreamOutboxResponse } from '@cliver/common';
import { DeliveryError, type Address, type OutgoingFile, type PlatformAdapter, type SendOptions } from '../platform';

const fileKind = (kind: string): OutgoingFile['kind'] => (kind === 'image' || kind === 'voice' ? kind : 'file');

export interface DeliveryLoopOptions {
  core: AgentCoreClients;
  /** This replica's lease, or undefined when it does not lead (then nothing is sent). */
  fence: () => Fence | undefined;
  /** The running adapters by name. */
  adapters: () => ReadonlyMap<string, PlatformAdapter>;
  log: Logger;
  /** Attempts per chunk inside one delivery before the entry is handed back to agent-core. */
  attemptsPerChunk?: number;
}

const keyOf = (adapter: string, a: Address) => `${adapter}:${a.channelId}:${a.threadId}`;

/**
 * adapter-host's half of the outbox: reads agent-core's delivery feed, renders and chunks each
 * entry for its platform, posts the chunks in order starting at the first without a platform id,
 * and reports each id at once. Entries of one conversation go one after the other; conversations
 * go in parallel. While a conversation's turn runs, "typing" is shown and repeated.
 */
export class DeliveryLoop {
  private controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly lanes = new Map<string, Promise<void>>();
  // Entries queued or being posted. A feed that reconnects offers every undelivered entry again,
  // including the one being posted right now: taking it twice would post its chunks twice.
  private readonly pending = new Set<string>();
  private readonly typing = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: DeliveryLoopOptions) {}

  start(): void {
    if (this.running) return;
    this.controller = new AbortController();
    this.running = this.feed(this.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    for (const t of this.typing.values()) clearInterval(t);
    this.typing.clear();
    await this.running;
    this.running = undefined;
    await Promise.all(this.lanes.values());
  }

  private async feed(signal: AbortSignal): Promise<void> {
    for (let failures = 0; !signal.aborted; ) {
      const fence = this.o.fence();
      if (!fence) return;
      const { messaging } = this.o.core;
      const adapters = [...this.o.adapters().keys()];
      try {
        const events = readStream<StreamOutboxResponse>((md, opts) => messaging.streamOutbox({ fence, adapters }, md, opts), { signal });
        for await (const e of events) {
          failures = 0;
          if (e.entry) this.enqueue(e.entry, signal);
          else if (e.activity?.address) this.onActivity(e.activity.address.adapter, e.activity.address, e.activity.running);
        }
      } catch (err) {
        if (signal.aborted) return;
        const e = AppError.from(err);
        if (e.reason === 'stale_fencing_token') {
          this.o.log.warn({ err }, 'the delivery feed was refused: this replica no longer holds the lease');
        } else if (failures === 0) {
          this.o.log.warn({ err }, 'the delivery feed from agent-core broke off; reconnecting');
        }
      }
      failures++;
      await pause(backoffDelayMs(failures, { baseMs: 200, maxMs: 5000, jitter: 0.2 }), signal);
    }
  }

  private enqueue(entry: ProtoOutboxEntry, signal: AbortSignal): void {
    const id = String(entry.id);
    if (this.pending.has(id)) return;
    this.pending.add(id);
    const address = entry.address!;
    const key = keyOf(address.adapter, address);
    const next = (this.lanes.get(key) ?? Promise.resolve())
      .then(() => this.deliver(entry, signal))
      .catch((err: unknown) => this.o.log.error({ err, entryId: entry.id }, 'delivering a reply failed unexpectedly'))
      .finally(() => this.pending.delete(id));
    this.lanes.set(key, next);
    void next.finally(() => this.lanes.get(key) === next && this.lanes.delete(key));
  }

  private async deliver(entry: ProtoOutboxEntry, signal: AbortSignal): Promise<void> {
    const address = entry.address!;
    const log = this.o.log.child({ entryId: entry.id, adapter: address.adapter });
    const adapter = this.o.adapters().get(address.adapter);
    if (!adapter) return this.fail(entry, `no running adapter named "${address.adapter}"`, false, 30_000, log);
    // The text's chunks, then each attached file: one numbered unit each, reported as posted one by one.
    const chunks = adapter.render(entry.markdown);
    const files = entry.attachments.map((a) => ({ kind: fileKind(a.kind), fileName: a.fileName, mimeType: a.mimeType, data: a.data }));
    const units = chunks.length + files.length;
    if (!units) return this.fail(entry, 'the reply is empty after rendering', true, 0, log);
    for (let index = 0; index < units; index++) {
      if (entry.postedChunkIds[index]) continue;
      if (signal.aborted || !this.o.fence()) return;
      const options: SendOptions = { replyTo: index === 0 && entry.replyToMessageId ? entry.replyToMessageId : undefined, idempotencyKey: `${entry.id}:${index}` };
      const post = index < chunks.length ? () => adapter.sendChunk(address, chunks[index]!, options) : () => adapter.sendFile(address, files[index - chunks.length]!, options);
      let platformId: string;
      try {
        platformId = await this.send(post, signal);
      } catch (err) {
        if (signal.aborted) return;
        const d = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err), false);
        return this.fail(entry, d.message, d.permanent, d.retryAfterMs ?? 0, log);
      }
      if (!(await this.report(entry, index, units, platformId, signal, log))) return;
    }
    this.stopTyping(keyOf(address.adapter, address));
    log.debug({ chunks: chunks.length }, 'reply delivered');
  }

  /** One chunk, with a few quick retries for what may pass (rate limits, outages). */
  private async send(post: () => Promise<string>, signal: AbortSignal): Promise<string> {
    const attempts = this.o.attemptsPerChunk ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await post();
      } catch (err) {
        const d = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err), false);
        if (d.permanent || attempt >= attempts || signal.aborted) throw d;
        await pause(d.retryAfterMs ?? backoffDelayMs(attempt, { baseMs: 500, maxMs: 10_000, jitter: 0.2 }), signal);
      }
    }
  }

  /** Records the chunk's id; retries while agent-core is away (the chunk is posted: its id must not be lost). */
  private async report(entry: ProtoOutboxEntry, index: number, count: number, platformMessageId: string, signal: AbortSignal, log: Logger): Promise<boolean> {
    const { messaging } = this.o.core;
    for (let attempt = 1; !signal.aborted; attempt++) {
      const fence = this.o.fence();
      if (!fence) return false;
      try {
        await call(messaging, messaging.reportChunk, { fence, entryId: entry.id, index, count, platformMessageId }, { deadlineMs: 5000, waitForReady: true });
        return true;
      } catch (err) {
        const e = AppError.from(err);
        if (e.code === 'failed_precondition' || e.code === 'invalid_argument' || e.code === 'not_found') {
          log.error({ err, index }, 'agent-core refused a chunk report');
          return false;
        }
        await pause(backoffDelayMs(attempt, { baseMs: 200, maxMs: 5000, jitter: 0.2 }), signal);
      }
    }
    return false;
  }

  private async fail(entry: ProtoOutboxEntry, error: string, permanent: boolean, retryAfterMs: number, log: Logger): Promise<void> {
    log.warn({ error, permanent }, 'could not deliver a reply');
    const fence = this.o.fence();
    if (!fence) return;
    const { messaging } = this.o.core;
    await call(messaging, messaging.reportDeliveryFailure, { fence, entryId: entry.id, error, permanent, retryAfterMs }).catch((err: unknown) =>
      log.warn({ err }, 'could not report the failed delivery; agent-core offers the entry again on the next feed'),
    );
  }

  private onActivity(adapterName: string, address: Address, running: boolean): void {
    const key = keyOf(adapterName, address);
    if (!running) return this.stopTyping(key);
    const adapter = this.o.adapters().get(adapterName);
    if (!adapter || this.typing.has(key)) return;
    const show = () => void adapter.sendTyping(address).catch((err: unknown) => this.o.log.debug({ err, adapter: adapterName }, 'typing indicator failed'));
    show();
    this.typing.set(key, setInterval(show, adapter.typingIntervalMs));
  }

  private stopTyping(key: string): void {
    clearInterval(this.typing.get(key));
    this.typing.delete(key);
  }
}
