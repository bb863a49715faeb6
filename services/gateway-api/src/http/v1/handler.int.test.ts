import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { agentCoreClients, AppError, closeClients, createLogger, type ChatRequest, type ChatResponse } from '@cliver/common';
import { waitFor } from '@cliver/testkit';
import { v1Handler, type V1Limits } from './handler';

// The /v1 handler in-process on port 0, with short timings and a scripted agent-core turn, for
// what the real-process e2e suites cannot check without waiting for seconds: body timeouts on a
// raw socket and keep-alives on a silent stream.

const log = createLogger({ service: 'test', level: 'silent' });
const LIMITS: V1Limits = {
  body: { maxBytes: 1024 * 1024, idleTimeoutMs: 300, totalTimeoutMs: 1_000 },
  keepAlive: { openAfterMs: 100, everyMs: 100 },
};

/** A turn the test drives: it waits for `release`, then yields `events` (or throws `error`). */
interface ScriptedTurn {
  events: ChatResponse[];
  error?: AppError;
}

let server: Server;
let port: number;
let clients: ReturnType<typeof agentCoreClients>;
let turn: ScriptedTurn;
let release: () => void;
let released: Promise<void>;

async function* scriptedChat(_request: ChatRequest): AsyncGenerator<ChatResponse> {
  await released;
  for (const e of turn.events) yield e;
  if (turn.error) throw turn.error;
}

async function startWith(limits: V1Limits): Promise<void> {
  // Never called by these tests: /v1/models is covered against a real agent-core in e2e.
  clients = agentCoreClients('127.0.0.1:9', undefined);
  server = createServer(v1Handler({ log, core: { clients, mux: { chat: scriptedChat } }, apiKey: undefined, trustedProxies: [], limits }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
}

beforeEach(async () => {
  turn = { events: [] };
  released = new Promise((resolve) => (release = resolve));
  await startWith(LIMITS);
});

afterEach(async () => {
  release();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  closeClients(clients);
});

const BODY = JSON.stringify({ model: 'fake/m', messages: [{ role: 'user', content: 'hi' }] });
const STREAM_BODY = JSON.stringify({ model: 'fake/m', stream: true, messages: [{ role: 'user', content: 'hi' }] });

/**
 * Sends `head` and the first part of a body on a raw socket, then (unless `trickle` keeps sending
 * a byte at a time) nothing more. Resolves with what the server sent once it closed the socket.
 */
function stallingRequest(head: string, part: Buffer | string, trickle?: { everyMs: number; bytes: Buffer }): Promise<{ text: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text: Buffer.concat(received).toString('utf8'), elapsedMs: Date.now() - started });
    });
    socket.write(head);
    socket.write(part);
    let sent = 0;
    if (trickle) {
      timer = setInterval(() => {
        if (sent < trickle.bytes.length && !socket.destroyed) socket.write(trickle.bytes.subarray(sent, ++sent));
      }, trickle.everyMs);
    }
  });
}

function headOf(length: number, extra = ''): string {
  return `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;
}

function parseResponse(text: string): { status: number; headers: string; body: unknown } {
  const [head, body] = text.split('\r\n\r\n', 2) as [string, string];
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('a body that stalls or trickles', () => {
  it('is answered 408 with an OpenAI error object once no byte came for the idle bound, and the socket is closed', async () => {
    const { text, elapsedMs } = await stallingRequest(headOf(BODY.length), BODY.slice(0, 20));
    const res = parseResponse(text);
    expect(res.status).toBe(408);
    expect(res.headers).toContain('connection: close');
    expect(res.body).toEqual({
      error: {
        message: 'No part of the request body arrived for 300 ms. Send the whole body right after the headers.',
        type: 'invalid_request_error',
        param: null,
        code: 'request_timeout',
      },
    });
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    expect(elapsedMs).toBeLessThan(LIMITS.body.totalTimeoutMs);
  });

  it('is answered 408 once the whole body has not arrived within the total bound, however steadily it trickles', async () => {
    const { text, elapsedMs } = await stallingRequest(headOf(BODY.length), BODY.slice(0, 5), { everyMs: 50, bytes: Buffer.from(BODY.slice(5)) });
    const res = parseResponse(text);
    expect(res.status).toBe(408);
    expect(res.body).toMatchObject({ error: { message: 'The request body did not arrive within 1000 ms. Send the whole body right after the headers.', code: 'request_timeout' } });
    expect(elapsedMs).toBeGreaterThanOrEqual(1_000);
  });

  it('is answered 408 when a gzip body stalls too', async () => {
    const zipped = gzipSync(BODY);
    const { text } = await stallingRequest(headOf(zipped.length, 'Content-Encoding: gzip\r\n'), zipped.subarray(0, 10));
    expect(parseResponse(text)).toMatchObject({ status: 408, body: { error: { code: 'request_timeout' } } });
  });
});

/** POSTs `body` and collects the response as it arrives, chunk by chunk. */
function post(body: string): Promise<{ res: IncomingMessage; chunks: string[]; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
      const ended = new Promise<string>((done) => res.on('end', () => done(chunks.join(''))));
      resolve({ res, chunks, ended });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const TEXT_TURN: ChatResponse[] = [
  { started: { model: 'fake/m' } },
  { text: { choiceIndex: 0, text: 'late answer' } },
  { choiceFinished: { choiceIndex: 0, finishReason: 'stop' } },
  { done: { model: 'fake/m', usage: undefined, text: 'late answer', iterations: 1 } },
];

describe('a streaming turn that stays silent', () => {
  it('gets its headers and keep-alive comments before any content, then the answer', async () => {
    turn.events = TEXT_TURN;
    const { res, chunks, ended } = await post(STREAM_BODY);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor(() => chunks.join('').split(': keep-alive\n\n').length > 2, { what: 'two keep-alive comments' });
    release();
    const body = await ended;
    const firstData = body.indexOf('data: ');
    expect(body.slice(0, firstData)).toMatch(/^(: keep-alive\n\n){2,}$/);
    const data = body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.slice(0, -1).map((d) => (JSON.parse(d) as { choices: Array<{ delta: { content?: string } }> }).choices[0]!.delta.content ?? '').join('')).toBe('late answer');
  });

  it('reports a deadline_exceeded after the stream opened as an error chunk, mapped as OpenAI errors are, then [DONE]', async () => {
    turn.error = new AppError('deadline_exceeded', "provider 'fake' did not answer within 1 s", { reason: 'timeout' });
    const { res, chunks, ended } = await post(STREAM_BODY);
    expect(res.statusCode).toBe(200);
    await waitFor(() => chunks.join('').includes(': keep-alive'), { what: 'a keep-alive comment' });
    release();
    const data = (await ended).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    expect(data).toEqual([JSON.stringify({ error: { message: "provider 'fake' did not answer within 1 s", type: 'server_error', param: null, code: 'timeout' } }), '[DONE]']);
  });

  it('answers a deadline_exceeded before the stream opened as a JSON 504, without a keep-alive ever following', async () => {
    turn.error = new AppError('deadline_exceeded', "provider 'fake' did not answer within 1 s", { reason: 'timeout' });
    release();
    const { res, ended } = await post(BODY);
    expect(res.statusCode).toBe(504);
    expect(JSON.parse(await ended)).toEqual({ error: { message: "provider 'fake' did not answer within 1 s", type: 'server_error', param: null, code: 'timeout' } });
    const streamed = await post(STREAM_BODY);
    expect(streamed.res.statusCode).toBe(504);
    expect(await streamed.ended).not.toContain('keep-alive');
  });
});
