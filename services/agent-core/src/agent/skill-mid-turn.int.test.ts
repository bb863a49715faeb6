import { z } from 'zod';
import { Config, createLogger } from '@cliver/common';
import { startFakeLlm, type FakeLlm } from '@cliver/testkit';
import { ModelCatalog } from '../providers/model-catalog';
import { ProviderRegistry } from '../providers/provider-registry';
import type { Skill } from '../skills/skill-catalog';
import { defineTool } from '../tools/tool';
import { Agent } from './agent';
import type { SessionPort } from './ports';
import { TurnSetupBuilder } from './turn-setup';

// The whole loop with the real turn setup: a skill the model activates in the middle of a turn
// must apply to the very next model call of that turn, as the original did.
const log = createLogger({ service: 'test', level: 'silent' });
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const review: Skill = {
  name: 'review',
  description: 'Reviews code',
  source: 'global',
  path: '/skills-root/review/SKILL.md',
  allowedTools: ['add'],
  body: 'Review the change line by line.',
  metadata: {},
};
const skills = { get: (name: string) => (name === 'review' ? review : undefined), list: () => [review] };
const tool = (name: string) => defineTool({ name, description: name, input: z.object({}), run: () => `${name} ran` });
const noSessions: SessionPort = { open: () => undefined, history: async () => [], record: () => undefined };

type Sent = { messages: Array<{ role: string; content: string }>; tools?: Array<{ function: { name: string } }> };

test('a skill activated mid-turn restricts the tools and adds its body from the next model call on', async () => {
  const config = Config.parse({ providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'k', models: ['gpt-test'] } } });
  const setup = new TurnSetupBuilder({
    agentName: 'CLIver',
    agentDir: '/nonexistent',
    timeZone: 'UTC',
    skills,
    builtinTools: [tool('add'), tool('multiply')],
    mcpTools: () => [],
    profile: { get: async () => '' },
    now: () => new Date('2026-11-26T09:00:00Z'),
  });
  const agent = new Agent({ catalog: new ModelCatalog(config), providers: new ProviderRegistry({ timeoutMs: 10_000 }), sessions: noSessions, setup, log, maxIterations: 5 });
  fake.script({ reply: { toolCalls: [{ name: 'Skill', arguments: { name: 'review' } }] } });
  fake.script({ reply: { text: 'reviewed' } });

  const result = await agent.run(
    { requestId: 'r1', surface: 'api', stateless: true, messages: [{ role: 'user', content: 'review my change' }], options: {}, clientTools: [], skills: [], toolFilter: [] },
    () => undefined,
    new AbortController().signal,
  );

  expect(result.text).toBe('reviewed');
  const [first, second] = fake.requests.filter((r) => r.api === 'openai').map((r) => r.body as Sent);
  expect(first!.tools!.map((t) => t.function.name).sort()).toEqual(['Skill', 'add', 'multiply']);
  expect(first!.messages[0]!.content).not.toContain('# Skill: review');
  expect(second!.tools!.map((t) => t.function.name).sort()).toEqual(['Skill', 'add']);
  expect(second!.messages[0]!.content).toContain('# Skill: review\n\nReview the change line by line.');
});
