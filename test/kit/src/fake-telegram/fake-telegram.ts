import { waitFor } from '../harness/wait-for';
import { Faults } from './faults';
import { Holds } from './holds';
import { HttpListener } from './http-listener';
import { buildInjectedMessage } from './inject';
import { HeldPolls } from './long-poll';
import { Records } from './records';
import { handleRequest } from './routes';
import { FAKE_TELEGRAM_IDS, TelegramState } from './state';
import type { BotInfo, ChatAction, EditedMessage, Failure, InjectMessage, RecordedCall, SentMessage, ServedUpdate, Update, Upload } from './types';

export interface FakeTelegramOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default `999:fake-telegram-token`; a leading `<digits>:` is the bot's user id, as in real tokens. */
  token?: string;
  /** Default `fake_bot`. */
  botUsername?: string;
  /** Default `FakeBot`. */
  botName?: string;
  /** Default 1; real update ids start anywhere, so an adapter must not assume 1. */
  firstUpdateId?: number;
  /** Clock for recorded times and message dates, ms since the epoch; timeouts use real timers. */
  now?: () => number;
}

export interface WaitForOptions {
  /** Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TOKEN = `${FAKE_TELEGRAM_IDS.botId}:fake-telegram-token`;

function botInfo(token: string, username: string, name: string): BotInfo {
  const id = /^(\d+):/.exec(token)?.[1];
  return {
    id: id ? Number(id) : FAKE_TELEGRAM_IDS.botId,
    is_bot: true,
    first_name: name,
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/**
 * A Telegram Bot API server on 127.0.0.1 for the real grammY client (fake-platforms.md §1): long
 * polling, sends validated as Telegram validates them, uploads and downloads, and a control
 * surface to inject messages, fail or drop calls, stall polls and restart on the same port.
 */
export class FakeTelegram {
  readonly token: string;
  readonly bot: BotInfo;
  readonly host: string;
  private readonly now: () => number;
  private readonly state: TelegramState;
  private readonly records = new Records();
  private readonly faults = new Faults();
  private readonly holds = new Holds();
  private readonly polls: HeldPolls;
  private readonly listener: HttpListener;
  private stalled = false;
  private closed = false;

  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.bot = botInfo(this.token, options.botUsername ?? 'fake_bot', options.botName ?? 'FakeBot');
    this.now = options.now ?? Date.now;
    this.host = options.host ?? '127.0.0.1';
    this.state = new TelegramState(this.now, options.firstUpdateId);
    this.polls = new HeldPolls(this.state.updates);
    const deps = {
      token: this.token,
      state: this.state,
      records: this.records,
      faults: this.faults,
      holds: this.holds,
      polls: this.polls,
      bot: this.bot,
      now: this.now,
      isStalled: () => this.stalled,
    };
    this.listener = new HttpListener(this.host, options.port ?? 0, (req, res) => handleRequest(deps, req, res));
  }

  get port(): number {
    return this.listener.port;
  }

  /** What `new Bot(token, { client: { apiRoot } })` and the adapter's `api_root` take (no trailing slash: grammY throws on one). */
  get apiRoot(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  // ---- records ----

  /** Every request, in arrival order (newest 10,000). */
  get calls(): RecordedCall[] {
    return this.records.calls;
  }

  /** sendChatAction calls that succeeded. */
  get actions(): ChatAction[] {
    return this.records.actions;
  }

  /** Files the bot uploaded, with their bytes (newest 1,000). */
  get uploads(): Upload[] {
    return this.records.uploads;
  }

  get edits(): EditedMessage[] {
    return this.records.edits;
  }

  /** Every update handed to a poll, with when (newest 10,000). */
  servedUpdates(): ServedUpdate[] {
    return this.records.served;
  }

  /** The messages the bot posted, in a chat and in one thread of it when given. */
  sent(chatId?: number, threadId?: number): SentMessage[] {
    return this.records.sentTo(chatId, threadId);
  }

  /** The first posted message (already there or still to come) that matches. */
  waitForSent(predicate: (m: SentMessage) => boolean = () => true, options: WaitForOptions = {}): Promise<SentMessage> {
    return waitFor(() => this.records.sent.find(predicate), { timeoutMs: options.timeoutMs ?? 10_000, intervalMs: 20, what: 'a message sent to fake-telegram' });
  }

  /** The first recorded call of that method (case-insensitive), or matching the predicate. */
  waitForCall(match: string | ((c: RecordedCall) => boolean), options: WaitForOptions = {}): Promise<RecordedCall> {
    const test = typeof match === 'string' ? (c: RecordedCall) => c.method.toLowerCase() === match.toLowerCase() : match;
    const what = typeof match === 'string' ? `a ${match} call to fake-telegram` : 'a matching call to fake-telegram';
    return waitFor(() => this.records.calls.find(test), { timeoutMs: options.timeoutMs ?? 10_000, intervalMs: 20, what });
  }

  /** getUpdates requests held open right now, waiting for an update. */
  get heldPolls(): number {
    return this.polls.count;
  }

  /** Queued updates that no getUpdates offset has confirmed yet (replays included). */
  get pendingUpdates(): number {
    return this.state.updates.pendingCount;
  }

  /** Forgets the records and queued failures; chats, messages, files and updates stay. */
  clearRecords(): void {
    this.records.clear();
    this.faults.clear();
  }

  // ---- control ----

  /** Queues a user's message as an update and wakes a held poll; returns the update. */
  injectMessage(spec: InjectMessage = {}): Update {
    const message = buildInjectedMessage({ state: this.state, bot: this.bot, now: this.now }, spec);
    return this.state.updates.push({ message });
  }

  /** Queues any other update as given (an edited_message, a channel_post …), with the next update_id. */
  injectUpdate(fields: Omit<Update, 'update_id'>): Update {
    return this.state.updates.push(fields);
  }

  /** Serves an update once more on the next poll, whatever the offset: a Telegram redelivery. */
  replayUpdate(updateId: number): Update {
    return this.state.updates.replay(updateId);
  }

  /** The next `n` calls of `method` (case-insensitive; default every Bot API method) fail this way. */
  failNext(n: number, failure: Failure, method?: string): void {
    this.faults.add(n, failure, method);
  }

  /**
   * Holds calls of `method` (default every Bot API method) before they are processed: after `skip`
   * matching calls pass, the next `count` (default 1) wait for release(). A held call whose client
   * goes away first is dropped unprocessed, like a request lost in flight.
   */
  holdNext(method?: string, options: { skip?: number; count?: number } = {}): void {
    this.holds.add(method, options.skip ?? 0, options.count ?? 1);
  }

  /** The calls being held right now. */
  held(): RecordedCall[] {
    return this.holds.held();
  }

  /** Lets every held call through (and forgets pending holdNext rules); returns how many. */
  release(): number {
    return this.holds.release();
  }

  /** Destroys every open socket, held long polls included; the fake keeps listening. */
  dropConnections(): void {
    this.listener.dropConnections();
  }

  /** While on, getUpdates requests are read and never answered; the socket stays open (a stalled poll). */
  stallPolls(on: boolean): void {
    this.stalled = on;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('fake-telegram was closed; call startFakeTelegram() for a new one');
    await this.listener.listen();
  }

  /** Stops listening and cuts every connection; start() listens again on the same port with the same state. */
  async stop(): Promise<void> {
    await this.listener.close();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegram(options);
  await fake.start();
  return fake;
}
