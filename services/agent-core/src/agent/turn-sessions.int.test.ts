import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, createLogger } from '@cliver/common';
import { startFakeLlm, type FakeLlm } from '@cliver/testkit';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import { SUMMARY_PREFIX } from '../sessions/history';
import { SessionRepo } from '../sessions/session-repo';
import { openStore } from '../store/db';
import { Agent } from './agent';
import type { TurnRequest } from './turn';
import { TurnSessions } from './turn-sessions';

const log = createLogger({ service: 'test', level: 'silent' });
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

type Sent = { messages: Array<{ role: string; content: string }> };

describe('sessions through the agent', () => {
  it('summarises older turns when the window is passed, stores the summary and reuses it', async () => {
    const { db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-compress-')), 'gateway.db'));
    const repo = new SessionRepo(db);
    const config = Config.parse({
      providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: [{ name: 'tiny', context_window: 400 }] } },
    });
    const providers = new ProviderRegistry({ timeoutMs: 10_000 });
    const sessions = new TurnSessions({ repo, providers, maxTurnsPerSession: 100, log, now: () => new Date() });
    const agent = new Agent({ catalog: new ModelCatalog(config), providers, sessions, setup: { setup: () => ({ system: 'test', tools: [] }) }, log, maxIterations: 4 });
    fake.script({ match: { lastUserIncludes: 'user: ' }, times: Infinity, reply: { text: 'The user talked about numbered topics.' } });

    let sessionId = '';
    const say = async (text: string) => {
      const req: TurnRequest = {
        requestId: text, surface: 'cli', stateless: false, sessionId: sessionId || undefined,
        messages: [{ role: 'user', content: text }], options: {}, clientTools: [], skills: [], toolFilter: [],
      };
      await agent.run(req, (e) => e.type === 'session' && (sessionId = e.sessionId), new AbortController().signal);
    };
    const filler = 'lorem ipsum dolor sit amet '.repeat(6);
    for (let i = 1; i <= 6; i++) await say(`topic ${i}: ${filler}`);

    const isSummaryCall = (r: (typeof fake.requests)[number]) => (r.body as Sent).messages[0]!.content.startsWith('Summarise the conversation');
    const summaryCalls = () => fake.requests.filter(isSummaryCall).length;
    expect(summaryCalls()).toBeGreaterThanOrEqual(1);
    const stored = repo.get(sessionId)!;
    expect(stored.summary).toBe('The user talked about numbered topics.');
    expect(stored.summaryUptoTurn).toBeGreaterThan(0);
    const lastChat = fake.requests.filter((r) => !isSummaryCall(r)).at(-1)!.body as Sent;
    expect(lastChat.messages[1]).toEqual({ role: 'user', content: `${SUMMARY_PREFIX} The user talked about numbered topics.` });

    // The next short turn fits: the stored summary is reused, not redone.
    const before = summaryCalls();
    await say('short');
    expect(summaryCalls()).toBe(before);
    // Raw turns stay for the portal.
    expect(repo.turns(sessionId)).toHaveLength(14);
  });
});
