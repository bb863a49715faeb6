import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, call, describeModelLookupFailure, findModelId, type AgentCoreClients, type ChatMuxClient } from '@cliver/common';
import { CompletionCollector } from '../../openai/completion-json';
import { CompletionStream, type KeepAliveTiming } from '../../openai/completion-stream';
import { parseChatRequest } from '../../openai/parse-request';
import { toChatRequest } from '../../openai/to-grpc';
import type { CompletionMeta } from '../../openai/completion-events';
import { toV1Error } from './errors';
import { writeJson } from './write-json';

export interface AgentLink {
  clients: AgentCoreClients;
  mux: Pick<ChatMuxClient, 'chat'>;
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

/** One model, by its id or by a name chat accepts for it (a unique `/name` suffix); answered with the full id. */
export async function getModel(core: AgentLink, res: ServerResponse, ref: string): Promise<void> {
  const ids = await modelIds(core);
  const lookup = findModelId(ids, ref);
  if (lookup.kind === 'found') return sendJson(res, modelObject(lookup.id));
  const why = lookup.kind === 'ambiguous' ? `: ${describeModelLookupFailure(ref, lookup, ids)}` : '';
  throw new AppError('not_found', `The model '${ref}' does not exist${why}`, { reason: 'model_not_found', field: 'model' });
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

export async function chatCompletions(core: AgentLink, req: IncomingMessage, res: ServerResponse, json: unknown, keepAlive: KeepAliveTiming): Promise<void> {
  const body = parseChatRequest(json);
  const sessionKey = sessionKeyOf(req, body.user);
  const grpcRequest = toChatRequest(body, sessionKey);
  const meta: CompletionMeta = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: body.model };
  const events = core.mux.chat(grpcRequest, abortOnClientGone(res));

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
  // its HTTP status; after it, failures travel inside the stream. A turn that stays silent (a
  // slow provider) gets its headers and keep-alives anyway, so the client does not give up.
  const stream = new CompletionStream(res, meta, body.stream_options?.include_usage === true);
  stream.keepAlive(keepAlive);
  try {
    for await (const e of events) {
      if (e.session) {
        if (!stream.isOpen) res.setHeader('X-Cliver-Session-Id', e.session.sessionId);
        continue;
      }
      if (!e.started) stream.open();
      stream.event(e);
    }
  } catch (err) {
    if (!stream.isOpen) throw err;
    stream.fail(toV1Error(AppError.from(err), req).body);
  } finally {
    stream.stopKeepAlive();
  }
}
