import { killStartedProcesses, waitFor, waitForHealthy } from '@cliver/testkit';
import { MODEL, startOpenAiGateway, type OpenAiGateway } from './support/openai-gateway';

// gateway-api sends every turn over one long-lived gRPC call to agent-core (ChatMux). When
// agent-core dies, that call dies with it: the turns on it must fail at once (never hang), and
// the restarted agent-core must get a new call, not requests stuck on the dead one.

jest.setTimeout(120_000);

let gw: OpenAiGateway;

beforeAll(async () => {
  gw = await startOpenAiGateway();
});

afterAll(async () => {
  await gw?.stop();
  await killStartedProcesses();
});

// Bounded, so that a request stuck on a dead call fails the test quickly instead of hanging it.
const ask = (content: string) => gw.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] }, { timeout: 15_000 });

test('a turn in flight when agent-core is killed fails with 503; after the restart every request is answered', async () => {
  expect((await ask('warm up')).choices[0]!.message.content).toBe('echo: warm up');
  const before = await gw.agentCorePid();

  gw.fake.script({ reply: { text: 'never sent', firstTokenDelayMs: 60_000 } });
  const inFlight = gw.postChat({ model: MODEL, messages: [{ role: 'user', content: 'slow' }] });
  await waitFor(() => gw.fake.requests.length === 1, { what: 'the provider request of the slow turn' });
  process.kill(before, 'SIGKILL');

  const res = await inFlight;
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: { type: string; code: string } }).error).toMatchObject({ type: 'server_error', code: 'service_unreachable' });

  // The supervisor brings agent-core back; then requests are answered again, each of them.
  await waitFor(() => gw.agentCorePid().then((pid) => pid !== before, () => false), { timeoutMs: 30_000, what: 'a new agent-core' });
  await waitForHealthy(gw.home);
  gw.fake.reset();
  await waitFor(() => ask('first after restart').then(() => true, () => false), { timeoutMs: 10_000, what: 'an answer from the new agent-core' });
  for (let i = 0; i < 5; i++) expect((await ask(`sequential ${i}`)).choices[0]!.message.content).toBe(`echo: sequential ${i}`);
  const together = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(`concurrent ${i}`)));
  expect(together.map((r) => r.choices[0]!.message.content)).toEqual(Array.from({ length: 20 }, (_, i) => `echo: concurrent ${i}`));
});
