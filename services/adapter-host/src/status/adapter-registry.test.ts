import { AppError, createLogger, type Platform } from '@cliver/common';
import type { AdapterContext, IncomingMessage, PlatformAdapter } from '../platform';
import { AdapterRegistry } from './adapter-registry';

const log = createLogger({ service: 'test', level: 'silent' });
const platform = (extra: Partial<Platform> = {}): Platform => ({ type: 'telegram', token: 't', allowed_users: [], require_mention: false, ...extra }) as Platform;
const message: IncomingMessage = {
  address: { channelId: 'c', threadId: '' }, eventId: 'e1', messageId: 'm1', userId: '42', userName: 'Alice', text: 'hi', files: [], isGroup: false, mentionsBot: true, sentAtMs: 0,
};

let sentNotices: Array<{ to: unknown; text: string; replyTo?: string }> = [];
beforeEach(() => {
  sentNotices = [];
});

function fakeAdapter(contexts: Map<string, AdapterContext>, name: string, failStart = false): PlatformAdapter {
  return {
    start: async (ctx) => {
      if (failStart) throw new Error('cannot start');
      contexts.set(name, ctx);
    },
    stop: async () => undefined,
    render: (md) => [{ text: md }],
    sendChunk: async (to, chunk, options) => {
      sentNotices.push({ to, text: chunk.text, replyTo: options.replyTo });
      return '1';
    },
    sendFile: async () => '2',
    sendTyping: async () => undefined,
    typingIntervalMs: 4000,
    formattingFallbacks: 2,
  };
}

function registry(record: (adapter: string, m: IncomingMessage) => Promise<unknown>, platforms: Record<string, Platform> = { tg: platform() }) {
  const contexts = new Map<string, AdapterContext>();
  const changes: string[] = [];
  const r = new AdapterRegistry({
    platforms,
    configDir: '/',
    log,
    record,
    recent: async () => [],
    onChange: () => changes.push(r.list().map((s) => `${s.name}:${s.state}`).join(',')),
    load: (name) => fakeAdapter(contexts, name, name === 'broken'),
  });
  return { r, contexts, changes };
}

describe('AdapterRegistry', () => {
  it('starts every adapter; one that cannot start shows error and leaves the others running', async () => {
    const { r, contexts } = registry(async () => undefined, { tg: platform(), broken: platform() });
    expect(r.list().map((s) => s.state)).toEqual(['standby', 'standby']);
    await r.startAll();
    expect(contexts.has('tg')).toBe(true);
    expect(r.list().find((s) => s.name === 'broken')).toMatchObject({ state: 'error', error: 'cannot start' });
    expect(r.list().find((s) => s.name === 'tg')).toMatchObject({ formattingFallbacks: 2 });
  });

  it('reports each state change once', async () => {
    const { r, contexts, changes } = registry(async () => undefined);
    await r.startAll();
    const ctx = contexts.get('tg')!;
    ctx.setState('connecting');
    ctx.setState('connected');
    ctx.setState('connected');
    expect(changes).toEqual(['tg:connecting', 'tg:connected']);
  });

  it('lets go of an event agent-core refuses as invalid, so one bad message cannot stop the bot, and tells the sender why', async () => {
    const { r, contexts } = registry(async () => {
      throw new AppError('invalid_argument', 'message.text is longer than 65536 characters', { field: 'message.text' });
    });
    await r.startAll();
    await expect(contexts.get('tg')!.receive(message)).resolves.toBeUndefined();
    expect(sentNotices).toEqual([{ to: message.address, text: 'Sorry, I could not take that message: message.text is longer than 65536 characters', replyTo: 'm1' }]);
  });

  it('rejects when agent-core could not record the event for now, so the adapter does not acknowledge it', async () => {
    const { r, contexts } = registry(async () => {
      throw new AppError('unavailable', 'agent-core is restarting');
    });
    await r.startAll();
    await expect(contexts.get('tg')!.receive(message)).rejects.toThrow('agent-core is restarting');
  });

  it('does not record what admit refuses', async () => {
    const record = jest.fn(async () => undefined);
    const { r, contexts } = registry(record, { tg: platform({ allowed_users: ['7'] }) });
    await r.startAll();
    await contexts.get('tg')!.receive(message);
    expect(record).not.toHaveBeenCalled();
  });
});
