// Discord end to end: the real discord.js inside a real adapter-host process, against the test kit's
// fake Discord (REST and gateway), with a real agent-core (SQLite, fake LLM) and gateway-api for
// /health. The adapter runs with its production timings: the fake's options (a short heartbeat)
// are what makes it quick, not test-only config keys.
import { killStartedProcesses, makeTempHome, startFakeDiscord, startFakeLlm, startServiceProcess, waitFor, FAKE_DISCORD_IDS, type DiscordSentMessage, type FakeDiscord, type FakeLlm, type ManagedProcess, type TempHome } from '@cliver/testkit';

jest.setTimeout(120_000);

const TOKEN = 'discord-e2e-secret-token';
const { general, second, thread } = FAKE_DISCORD_IDS;

let llm: FakeLlm;
let fake: FakeDiscord;
let home: TempHome;
let core: ManagedProcess;
let adapters: ManagedProcess;

/** The bot's messages in a channel whose content includes `marker`, once there are `n` of them. */
function replies(channelId: string, marker: string, n = 1): Promise<DiscordSentMessage[]> {
  return waitFor(() => {
    const found = fake.sent(channelId).filter((m) => m.content.includes(marker));
    return found.length >= n ? found : undefined;
  }, { timeoutMs: 30_000, what: `${n} bot message(s) with "${marker}" in channel ${channelId}` });
}

const count = (channelId: string, content: string) => fake.sent(channelId).filter((m) => m.content === content).length;

async function health(): Promise<{ adapters: Array<{ name: string; state: string; error: string }> }> {
  const res = await fetch(`${home.url}/health`);
  return (await res.json()) as never;
}

beforeAll(async () => {
  llm = await startFakeLlm();
  fake = await startFakeDiscord({ token: TOKEN, heartbeatIntervalMs: 1000, log: () => undefined });
  home = await makeTempHome({
    gateway: {
      lease_ttl_seconds: 3,
      platforms: { dc: { type: 'discord', token: TOKEN, api_url: fake.restUrl } },
    },
    top: {
      default_model: 'fake/gpt-test',
      providers: { fake: { type: 'openai', api_url: llm.openaiBaseUrl, api_key: 'k', models: ['gpt-test'] } },
    },
  });
  core = startServiceProcess(home, 'agent-core');
  startServiceProcess(home, 'gateway-api');
  adapters = startServiceProcess(home, 'adapter-host');
  await waitFor(async () => (await health()).adapters.find((a) => a.name === 'dc')?.state === 'connected', { timeoutMs: 30_000, what: 'the dc adapter to connect' });
});

afterAll(async () => {
  await killStartedProcesses();
  await Promise.all([fake?.close(), llm?.close()]);
  home?.remove();
});

describe('a Discord bot', () => {
  it('shows the adapter connected in /health, without its token', async () => {
    const h = await health();
    expect(h.adapters.find((a) => a.name === 'dc')).toMatchObject({ state: 'connected', error: '' });
    expect(JSON.stringify(h)).not.toContain(TOKEN);
  });

  it('answers a guild channel message once, in the channel, replying to it, without the mention', async () => {
    const question = fake.injectMessage({ channel: 'general', text: 'hello guild', mentionBot: true });
    const [reply] = await replies(general, 'echo: hello guild');
    expect(reply!.content).toBe('echo: hello guild');
    expect(reply!.messageReference).toMatchObject({ message_id: question.id });
    expect(count(general, 'echo: hello guild')).toBe(1);
  });

  it('answers a thread message in the same thread', async () => {
    const question = fake.injectMessage({ channel: 'thread', text: 'hello thread' });
    const [reply] = await replies(thread, 'echo: hello thread');
    expect(reply!.messageReference).toMatchObject({ message_id: question.id });
    expect(fake.sent(general).some((m) => m.content === 'echo: hello thread')).toBe(false);
  });

  it('answers a DM in the DM', async () => {
    const question = fake.injectMessage({ channel: 'dm', text: 'hello dm' });
    const [reply] = await replies(question.channel_id, 'echo: hello dm');
    expect(reply!.messageReference).toMatchObject({ message_id: question.id });
  });

  it('splits a 3,000-character reply into chunks of at most 2,000 characters, in order', async () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${String(i).padStart(2, '0')}: ${'lorem ipsum '.repeat(7)}`);
    const long = `${paragraphs.join('\n\n')}\n\nThe end.`;
    expect(long.length).toBeGreaterThanOrEqual(3000);
    llm.script({ match: { lastUserIncludes: 'long one' }, reply: { text: long } });
    fake.injectMessage({ channel: 'second', text: 'long one' });
    await replies(second, 'The end.');
    const mine = fake.sent(second);
    expect(mine.length).toBeGreaterThan(1);
    for (const m of mine) expect(m.content.length).toBeLessThanOrEqual(2000);
    const joined = mine.map((m) => m.content).join('\n\n');
    const order = [...joined.matchAll(/Paragraph (\d\d):/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(mine.at(-1)!.content).toMatch(/The end\.$/);
  });

  it('answers a message sent while the gateway connection was down once, after the resume', async () => {
    fake.injectMessage({ channel: 'general', text: 'before the drop' });
    await replies(general, 'echo: before the drop');
    const resumes = fake.gateway.resumes.length;
    fake.dropConnection();
    fake.injectMessage({ channel: 'general', text: 'while the gateway was down' });
    await replies(general, 'echo: while the gateway was down');
    expect(fake.gateway.resumes.slice(resumes)).toEqual([expect.objectContaining({ outcome: 'resumed' })]);
    // A later message is answered after it: by then a second answer to the replay would be there too.
    fake.injectMessage({ channel: 'general', text: 'after the resume' });
    await replies(general, 'echo: after the resume');
    expect(count(general, 'echo: while the gateway was down')).toBe(1);
    expect(fake.gateway.identifies).toHaveLength(1);
    await waitFor(async () => (await health()).adapters.find((a) => a.name === 'dc')?.state === 'connected', { what: 'connected after the resume' });
  });
});

describe('crashes', () => {
  it('answers messages sent while adapter-host was down once it is back: a new session fetches what it missed', async () => {
    fake.injectMessage({ channel: 'second', text: 'before the restart' });
    await replies(second, 'echo: before the restart');
    adapters.kill('SIGKILL');
    await adapters.waitForExit();
    fake.injectMessage({ channel: 'second', text: 'while adapter-host was down' });
    fake.injectMessage({ channel: 'thread', text: 'in the thread meanwhile' });
    adapters = startServiceProcess(home, 'adapter-host');
    await replies(second, 'echo: while adapter-host was down');
    expect(count(second, 'echo: while adapter-host was down')).toBe(1);
    expect(count(second, 'echo: before the restart')).toBe(1);
    await replies(thread, 'echo: in the thread meanwhile');
    // A later message is answered after them: by then a second answer to either would be there too.
    fake.injectMessage({ channel: 'second', text: 'after the restart' });
    await replies(second, 'echo: after the restart');
    expect(count(second, 'echo: while adapter-host was down')).toBe(1);
    expect(count(thread, 'echo: in the thread meanwhile')).toBe(1);
  });

  it('answers a message whose turn agent-core was killed in, once, after agent-core restarts', async () => {
    llm.script({ match: { lastUserIncludes: 'survive the crash' }, reply: { hang: true } });
    fake.injectMessage({ channel: 'general', text: 'survive the crash' });
    await waitFor(() => llm.requests.some((r) => JSON.stringify(r.body).includes('survive the crash')), { what: 'the turn to reach the model' });
    core.kill('SIGKILL');
    await core.waitForExit();
    core = startServiceProcess(home, 'agent-core');
    await replies(general, 'echo: survive the crash');
    fake.injectMessage({ channel: 'general', text: 'after the crash' });
    await replies(general, 'echo: after the crash');
    expect(count(general, 'echo: survive the crash')).toBe(1);
  });
});
