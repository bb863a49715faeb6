import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, call, readStream, type AgentCoreClients, type ChatMuxClient, type ChatRequest, type ChatResponse } from '@cliver/common';
import { CompletionCollector } from '../../openai/completion-json';
import { CompletionStream } from '../../openai/completion-stream';
import { parseChatRequest } from '../../openai/parse-request';
import { toChatRequest } from '../../openai/to-grpc';
import type { CompletionMeta } from '../../openai/completion-events';
import { toV1Error } from './errors';
import { writeJson } from './write-json';

export interface AgentLink {
  clients: AgentCoreClients;
  mux: ChatMuxClient;
}

const sendJson = (res: ServerResponse, body: unknown) => writeJson(res, 200, body);

function modelObject(id: string) {
  return { id, object: 'model', created: 0, owned_by: 'cliver' };
}

async function modelIds(core: AgentLink): Promise<string[]> {
  const { agent } = core.clients;
  const { models } = await call(agent, agent.listModels, {});
  return models.map((m) => m.id);
}

export async function listModels(core: AgentLink, res: ServerResponse): Promise<void> {
  sendJson(res, { object: 'list', data: (await modelIds(core)).map(modelObject) });
}

export async function getModel(core: AgentLink, res: ServerResponse, id: string): Promise<void> {
  if (!(await modelIds(core)).includes(id)) throw new AppError('not_found', `The model '${id}' does not exist`, { reason: 'model_not_found', field: 'model' });
  sendJson(res, modelObject(id));
}

/** Cancels the turn in agent-core when the HTTP client goes away before the answer is complete. */
function abortOnClientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

const SESSION_KEY = /^[\x21-\x7e]{1,256}$/;

/** The stored conversation a request continues, if any: the X-Cliver-Session header, else `user`. */
function sessionKeyOf(req: IncomingMessage, user: string | null | undefined): string | undefined {
  const header = req.headers['x-cliver-session'];
  if (header !== undefined && (typeof header !== 'string' || !SESSION_KEY.test(header))) {
    throw new AppError('invalid_argument', 'X-Cliver-Session must be 1 to 256 visible ASCII characters', { field: 'X-Cliver-Session' });
  }
  return header || user || undefined;
}

// Bodies up to this size share the multiplexed chat call; larger ones (inline images) get a
// call of their own, so they hold up no other turn while they cross, and a body too large for
// gRPC fails alone.
const MUX_MAX_BODY_BYTES = 256 * 1024;

function turnEvents(core: AgentLink, req: IncomingMessage, request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatResponse> {
  const length = Number(req.headers['content-length'] ?? Number.POSITIVE_INFINITY);
  if (length <= MUX_MAX_BODY_BYTES) return core.mux.chat(request, signal);
  return readStream<ChatResponse>((md, o) => core.clients.agent.chat(request, md, o), { signal });
}

export async function chatCompletions(core: AgentLink, req: IncomingMessage, res: ServerResponse, json: unknown): Promise<void> {
  const body = parseChatRequest(json);
  const sessionKey = sessionKeyOf(req, body.user);
  const grpcRequest = toChatRequest(body, sessionKey);
  const meta: CompletionMeta = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: body.model };
  const events = turnEvents(core, req, grpcRequest, abortOnClientGone(res));

  if (!body.stream) {
    const collector = new CompletionCollector();
    for await (const e of events) {
      if (e.session) res.setHeader('X-Cliver-Session-Id', e.session.sessionId);
      collector.event(e);
    }
    sendJson(res, collector.toJson(meta));
    return;
  }
  // Headers wait for the first event, so a failure before it is still a plain JSON error with
  // its HTTP status; after it, failures travel inside the stream.
  const stream = new CompletionStream(res, meta, body.stream_options?.include_usage === true);
  let opened = false;
  try {
    for await (const e of events) {
      if (e.session) {
        if (!opened) res.setHeader('X-Cliver-Session-Id', e.session.sessionId);
        continue;
      }
      if (!opened && !e.started) {
        stream.open();
        opened = true;
      }
      stream.event(e);
    }
  } catch (err) {
    if (!opened) throw err;
    stream.fail(toV1Error(AppError.from(err), req).body);
  }
}
