import { AppError, type AdapterStatus, type Config, type Logger } from '@cliver/common';
import { admit } from '../inbound/admit';
import { fitAttachments } from '../inbound/fit-attachments';
import type { AdapterState, IncomingMessage, PlatformAdapter, RecentConversation } from '../platform';
import { loadAdapter } from '../platforms/load-adapter';

export interface AdapterRegistryOptions {
  platforms: Config['gateway']['platforms'];
  /** Folder of config.yaml: custom adapter paths are relative to it. */
  configDir: string;
  log: Logger;
  /** Records an admitted message in agent-core; resolves once it is committed. */
  record: (adapter: string, message: IncomingMessage) => Promise<unknown>;
  /** The adapter's recently active conversations, from agent-core (see AdapterContext). */
  recent: (adapter: string, sinceMs: number) => Promise<RecentConversation[]>;
  /** Called after every state change, so it reaches agent-core (and /health) at once. */
  onChange: () => void;
  now?: () => number;
  /** Builds an adapter; tests pass their own. */
  load?: typeof loadAdapter;
}

/**
 * Every configured adapter: its connection (while this replica leads) and its state as /health,
 * `cliver gateway status` and agent-core see it: `connecting | connected | error` with the error
 * text and the time of the last sign of life, `standby` on a replica that does not lead.
 */
export class AdapterRegistry {
  private readonly states = new Map<string, AdapterStatus>();
  private readonly running = new Map<string, PlatformAdapter>();
  private readonly now: () => number;

  constructor(private readonly o: AdapterRegistryOptions) {
    this.now = o.now ?? Date.now;
    // The first states are not changes: nothing is told (the caller's reporter may not exist yet).
    for (const [name, p] of Object.entries(o.platforms)) {
      this.states.set(name, { name, type: p.type, state: 'standby', error: 'another adapter-host replica is the leader', lastEventAtMs: 0, formattingFallbacks: 0 });
    }
  }

  /** This replica leads: connect every adapter. One that cannot start shows `error` and leaves the others alone. */
  async startAll(): Promise<void> {
    await Promise.all(Object.entries(this.o.platforms).map(([name, config]) => this.startOne(name, config)));
  }

  async stopAll(reason: string): Promise<void> {
    const adapters = [...this.running.entries()];
    this.running.clear();
    await Promise.all(
      adapters.map(([name, a]) => a.stop().catch((err: unknown) => this.o.log.warn({ err, adapter: name }, 'stopping an adapter failed'))),
    );
    for (const name of Object.keys(this.o.platforms)) this.set(name, 'standby', reason);
  }

  /** The adapters that run now, by name (what the delivery loop may send through). */
  adapters(): ReadonlyMap<string, PlatformAdapter> {
    return this.running;
  }

  list(): AdapterStatus[] {
    return [...this.states.values()].map((s) => ({ ...s, formattingFallbacks: this.running.get(s.name)?.formattingFallbacks ?? 0 }));
  }

  private async startOne(name: string, config: Config['gateway']['platforms'][string]): Promise<void> {
    const log = this.o.log.child({ component: 'adapter', adapter: name, type: config.type });
    let adapter: PlatformAdapter;
    try {
      adapter = (this.o.load ?? loadAdapter)(name, config, this.o.configDir);
    } catch (err) {
      const e = AppError.from(err);
      log.error({ err }, 'adapter cannot start');
      this.set(name, 'error', e.message);
      return;
    }
    this.running.set(name, adapter);
    try {
      await adapter.start({
        name,
        config,
        log,
        receive: async (message) => {
          this.touch(name);
          if (!admit(message, config, log)) return;
          try {
            await this.o.record(name, fitAttachments(message));
          } catch (err) {
            // agent-core refused the event itself (too large, malformed): recording it again can
            // never succeed, and an adapter that waits for it (Telegram's offset) would stop the
            // whole bot behind it. It is logged and let go; everything else is retried.
            const e = AppError.from(err);
            if (e.code !== 'invalid_argument') throw err;
            log.error({ err, eventId: message.eventId, reason: e.reason, field: e.field }, 'agent-core refused a message; it is skipped');
            // Never a silent drop: the sender hears why (best effort; there is no outbox entry to retry).
            const [notice] = adapter.render(`Sorry, I could not take that message: ${e.message}`);
            if (notice) {
              await adapter
                .sendChunk(message.address, notice, { replyTo: message.messageId, idempotencyKey: `refused:${message.eventId}` })
                .catch((sendErr: unknown) => log.warn({ err: sendErr, eventId: message.eventId }, 'could not tell the sender that the message was refused'));
            }
          }
        },
        setState: (state: AdapterState, error?: string) => this.set(name, state, state === 'error' ? (error ?? 'unknown error') : ''),
        markAlive: () => this.touch(name),
        recentConversations: (sinceMs) => this.o.recent(name, sinceMs),
      });
    } catch (err) {
      log.error({ err }, 'adapter failed to start');
      this.set(name, 'error', (err as Error)?.message ?? String(err));
    }
  }

  private touch(name: string): void {
    const s = this.states.get(name);
    if (s) s.lastEventAtMs = this.now();
  }

  private set(name: string, state: string, error: string): void {
    const type = this.o.platforms[name]?.type ?? '';
    const previous = this.states.get(name);
    this.states.set(name, { name, type, state, error, lastEventAtMs: previous?.lastEventAtMs ?? 0, formattingFallbacks: 0 });
    if (previous?.state !== state || previous?.error !== error) {
      this.o.log.info({ adapter: name, state, error: error || undefined }, 'adapter state changed');
      this.o.onChange();
    }
  }
}
