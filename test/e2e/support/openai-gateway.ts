import OpenAI from 'openai';
import { agentCoreClients, call, closeClients, serviceInfoClient } from '@cliver/common';
import {
  makeTempHome,
  startFakeLlm,
  startGatewayProcess,
  startServiceProcess,
  waitFor,
  waitForHealthy,
  type FakeLlm,
  type ManagedProcess,
  type TempHome,
} from '@cliver/testkit';

export const API_KEY = 'sk-cliver-e2e-4f1c9a7b2d';
/** The fake provider's models; `gpt-test` is the default and its short name is unique. */
export const MODEL = 'fake/gpt-test';
export const OTHER_MODEL = 'fake/gpt-4o-mini';

/** One gateway (real processes) whose only provider is a fake LLM, with /v1 behind API_KEY. */
export interface OpenAiGateway {
  home: TempHome;
  fake: FakeLlm;
  /** The official client, pointed at this gateway's /v1, without retries. */
  client: OpenAI;
  /** POST /v1/chat/completions on the wire: a string body is sent verbatim, anything else as JSON. */
  postChat(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Any request under the gateway's URL, authorized unless the caller sets its own header. */
  request(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<Response>;
  /** The pid that answers ServiceInfo at this home's agent-core address. */
  agentCorePid(): Promise<number>;
  /** Sessions stored in agent-core (all sources). */
  sessionCount(): Promise<number>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /**
   * `supervisor` runs `cliver gateway start` (restarts crashed services); `services` starts only
   * agent-core and gateway-api as their containers run them, so a killed agent-core stays down.
   */
  mode?: 'supervisor' | 'services';
}

function waitForLog(p: ManagedProcess, msg: string): Promise<unknown> {
  return waitFor(() => p.logs().find((l) => l.msg === msg), { timeoutMs: 30_000, what: `"${msg}" in ${p.name}'s log (${p.logFile})` });
}

export async function startOpenAiGateway(options: GatewayOptions = {}): Promise<OpenAiGateway> {
  const fake = await startFakeLlm();
  const home = await makeTempHome({
    gateway: { api_key: API_KEY },
    top: {
      default_model: MODEL,
      providers: { fake: { type: 'openai', api_url: fake.openaiBaseUrl, api_key: 'provider-key', models: ['gpt-test', 'gpt-4o-mini'] } },
    },
  });
  const processes: ManagedProcess[] = [];
  if (options.mode === 'services') {
    const core = startServiceProcess(home, 'agent-core');
    processes.push(core);
    await waitForLog(core, 'agent-core ready');
    const api = startServiceProcess(home, 'gateway-api');
    processes.push(api);
    await waitForLog(api, 'gateway-api ready');
  } else {
    processes.push(startGatewayProcess(home));
    await waitForHealthy(home);
  }

  const request: OpenAiGateway['request'] = (method, path, init = {}) =>
    fetch(`${home.url}${path}`, { method, body: init.body, headers: { authorization: `Bearer ${API_KEY}`, ...init.headers } });

  return {
    home,
    fake,
    client: new OpenAI({ apiKey: API_KEY, baseURL: `${home.url}/v1`, maxRetries: 0 }),
    request,
    postChat: (body, headers = {}) =>
      request('POST', '/v1/chat/completions', {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    async agentCorePid() {
      const info = serviceInfoClient(`127.0.0.1:${home.ports.agentCore}`, home.internalKey());
      try {
        return (await call(info, info.getServiceInfo, {}, 2000)).info!.pid;
      } finally {
        info.close();
      }
    },
    async sessionCount() {
      const c = agentCoreClients(`127.0.0.1:${home.ports.agentCore}`, home.internalKey());
      try {
        return (await call(c.sessions, c.sessions.listSessions, { source: '', limit: 500, offset: 0 })).total;
      } finally {
        closeClients(c);
      }
    },
    async stop() {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await fake.close();
      home.remove();
    },
  };
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` included as it is). */
export async function readSseData(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

/** The messages the fake provider received in recorded request `i`. */
export function providerMessages(fake: FakeLlm, i: number): Array<Record<string, unknown>> {
  const req = fake.requests[i];
  if (!req) throw new Error(`the fake LLM recorded ${fake.requests.length} requests, not ${i + 1}`);
  return (req.body as { messages: Array<Record<string, unknown>> }).messages;
}

export function providerBody(fake: FakeLlm, i: number): Record<string, unknown> {
  const req = fake.requests[i];
  if (!req) throw new Error(`the fake LLM recorded ${fake.requests.length} requests, not ${i + 1}`);
  return req.body as Record<string, unknown>;
}
