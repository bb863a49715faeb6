import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../harness/listen';
import { anthropicWire } from './anthropic-wire';
import { openaiWire } from './openai-wire';
import { paceOf, sendJson, waitBeforeAnswer } from './respond';
import { defaultReply, parseRule, Script } from './script';
import { parseMultipart, sendTranscription } from './transcription';
import type { Api, RecordedRequest, Rule } from './types';
import type { Body, ChatWire } from './wire';

export interface FakeLlmOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

// Recording is unbounded in spirit, but a benchmark sends millions of requests through one fake.
const MAX_RECORDED = 10_000;
const MODEL_IDS = ['gpt-4o', 'gpt-4o-mini', 'whisper-1', 'claude-sonnet-4-6', 'claude-haiku-4-5'];
// One body serves both SDKs: OpenAI reads `data[].id/object`, Anthropic's page also wants has_more/first_id/last_id.
const MODELS = JSON.stringify({
  object: 'list',
  data: MODEL_IDS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake-llm', type: 'model', display_name: id, created_at: '2024-01-01T00:00:00Z' })),
  has_more: false,
  first_id: MODEL_IDS[0],
  last_id: MODEL_IDS[MODEL_IDS.length - 1],
});

function authorized(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  return Boolean(req.headers['x-api-key']) || (typeof auth === 'string' && /^Bearer \S+/i.test(auth));
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}

function isBody(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NO_KEY = 'fake-llm: no API key; send x-api-key or Authorization: Bearer <key>';

export class FakeLlm {
  /** Recorded in arrival order; cleared in place by reset(), so a held reference stays current. */
  readonly requests: RecordedRequest[] = [];
  readonly host: string;
  private currentPort: number;
  private server: Server | undefined;
  private abort = new AbortController();
  private closed = false;
  private readonly rules = new Script();
  private waiters: Array<{ n: number; done: () => void }> = [];

  constructor(opts: FakeLlmOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.currentPort = opts.port ?? 0;
  }

  get port(): number {
    return this.currentPort;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.currentPort}`;
  }

  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /** The Anthropic SDK appends /v1/messages itself. */
  get anthropicBaseUrl(): string {
    return this.url;
  }

  script(rule: Rule): void {
    this.rules.add(rule);
  }

  /** Forgets scripted rules and recorded requests. */
  reset(): void {
    this.rules.reset();
    this.requests.length = 0;
  }

  waitForRequests(n: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    if (this.requests.length >= n) return Promise.resolve(this.requests.slice());
    return new Promise((resolve, reject) => {
      const waiter = {
        n,
        done: () => {
          clearTimeout(timer);
          resolve(this.requests.slice());
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`fake-llm saw ${this.requests.length} of ${n} requests within ${timeoutMs} ms; check that the client calls ${this.url}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('fake-llm was closed; call startFakeLlm() for a new one');
    if (this.server) return;
    this.abort = new AbortController();
    const server = createServer({ noDelay: true }, (req, res) => this.onRequest(req, res));
    this.currentPort = await listen(server, this.currentPort, this.host);
    this.server = server;
  }

  /** Stops listening and cuts open connections (hanging and streaming ones too); start() reuses the port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.abort.abort();
    await closeServer(server);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private record(api: Api, path: string, req: IncomingMessage, body: unknown, res?: ServerResponse): void {
    if (this.requests.length >= MAX_RECORDED) this.requests.splice(0, MAX_RECORDED / 2);
    const entry: RecordedRequest = { api, path, headers: req.headers, body, at: Date.now() };
    this.requests.push(entry);
    // Lets a test prove that cancelling a turn really stopped the provider request.
    res?.once('close', () => {
      if (!res.writableFinished) entry.clientAborted = true;
    });
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => this.requests.length >= w.n);
    this.waiters = this.waiters.filter((w) => this.requests.length < w.n);
    for (const w of ready) w.done();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      this.route(req, res, raw).catch((err: unknown) => {
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: { message: `fake-llm failed: ${String(err)}`, type: 'server_error' } });
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'POST /v1/chat/completions':
        return this.chat(openaiWire, req, res, path, raw);
      case 'POST /v1/messages':
        return this.chat(anthropicWire, req, res, path, raw);
      case 'GET /v1/models':
        this.record('models', path, req, null);
        if (!authorized(req)) return openaiWire.sendError(res, { status: 401, message: NO_KEY });
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(MODELS);
      case 'POST /v1/audio/transcriptions':
        return this.transcribe(req, res, path, raw);
      case 'POST /_control/script':
        try {
          this.rules.add(parseRule(parseJson(raw)));
        } catch (err) {
          return sendJson(res, 400, { error: { message: (err as Error).message } });
        }
        return sendJson(res, 200, { ok: true });
      case 'POST /_control/reset':
        this.reset();
        return sendJson(res, 200, { ok: true });
      case 'GET /_control/requests':
        return sendJson(res, 200, this.requests);
      default:
        return sendJson(res, 404, {
          error: { message: `fake-llm has no route ${route}; it serves POST /v1/chat/completions, POST /v1/messages, GET /v1/models, POST /v1/audio/transcriptions and /_control/{script,reset,requests}` },
        });
    }
  }

  private async chat(wire: ChatWire, req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): Promise<void> {
    const body = parseJson(raw);
    this.record(wire.api, path, req, body, res);
    if (!authorized(req)) return wire.sendError(res, { status: 401, message: NO_KEY });
    if (!isBody(body)) return wire.sendError(res, { status: 400, message: 'The request body must be a JSON object.' });
    const bad = wire.invalid(body);
    if (bad) return wire.sendError(res, { status: 400, message: bad.message }, bad.param);
    const turn = wire.turn(body);
    const reply = this.rules.next(wire.api, turn) ?? defaultReply(turn);
    if (reply.hang) return;
    const pace = paceOf(reply);
    const signal = this.abort.signal;
    if ('error' in reply) {
      if (await waitBeforeAnswer(res, pace, 1, signal)) wire.sendError(res, reply.error);
      return;
    }
    await wire.answer(res, body, reply as { text?: string }, turn, pace, signal);
  }

  private async transcribe(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer): Promise<void> {
    const upload = parseMultipart(req.headers['content-type'], raw);
    this.record('transcription', path, req, upload ?? null);
    if (!authorized(req)) return openaiWire.sendError(res, { status: 401, message: NO_KEY });
    if (!upload || upload.files.length === 0) {
      return openaiWire.sendError(res, { status: 400, message: "Missing required parameter: 'file'." }, 'file');
    }
    const reply = this.rules.next('transcription', { model: upload.fields.model ?? '', lastUserText: upload.fields.prompt ?? '' });
    if (reply?.hang) return;
    if (!(await waitBeforeAnswer(res, paceOf(reply ?? {}), 1, this.abort.signal))) return;
    if (reply && 'error' in reply) return openaiWire.sendError(res, reply.error);
    sendTranscription(res, upload, reply && 'text' in reply && typeof reply.text === 'string' ? reply.text : 'transcribed audio');
  }
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const fake = new FakeLlm(opts);
  await fake.start();
  return fake;
}
