import type { Broadcast } from '../gateway/session-store';
import type { Recorder } from '../records';
import type { DiscordState, StoredChannel } from '../state';
import type { ParsedBody } from './body';
import { unknownChannel } from './errors';

export interface RestContext {
  state: DiscordState;
  records: Recorder;
  broadcast: Broadcast;
  /** http://127.0.0.1:PORT, for attachment urls. */
  baseUrl(): string;
  gatewayUrl(): string;
  nonceWindowMs: number;
  echoSentMessages: boolean;
}

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: ParsedBody;
}

export interface RestResult {
  status: number;
  body?: unknown;
}

export type RouteHandler = (ctx: RestContext, req: RestRequest) => RestResult | Promise<RestResult>;

export function requireChannel(ctx: RestContext, id: string | undefined): StoredChannel {
  const channel = id === undefined ? undefined : ctx.state.channel(id);
  if (!channel) throw unknownChannel();
  return channel;
}

export function objectBody(body: ParsedBody): Record<string, unknown> {
  const json = body.json;
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}
