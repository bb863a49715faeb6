import type { ServerResponse } from 'node:http';
import type { Turn } from './completion';
import type { Pace } from './respond';
import type { ErrorSpec, ToolCallSpec } from './types';

export type Body = Record<string, unknown>;

/** The provider-specific half of a chat endpoint; the server owns routing, scripting and pacing policy. */
export interface ChatWire {
  api: 'openai' | 'anthropic';
  /** Names the first missing or malformed field, as the real API would in a 400. */
  invalid(body: Body): { message: string; param: string } | undefined;
  turn(body: Body): Turn;
  sendError(res: ServerResponse, spec: ErrorSpec, param?: string): void;
  answer(res: ServerResponse, body: Body, reply: { text?: string; toolCalls?: ToolCallSpec[] }, turn: Turn, pace: Pace, signal: AbortSignal): Promise<void>;
}

export function retryHeaders(spec: ErrorSpec): Record<string, string> {
  return spec.retryAfterS === undefined ? {} : { 'retry-after': String(spec.retryAfterS) };
}

/** Answers `spec.rawBody` as it is, when set (see ErrorSpec); false when the wire must answer. */
export function sendRawError(res: ServerResponse, spec: ErrorSpec): boolean {
  if (spec.rawBody === undefined) return false;
  res.writeHead(spec.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(spec.rawBody), ...retryHeaders(spec) });
  res.end(spec.rawBody);
  return true;
}

export function stopList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

let seq = 0;
/** Unique within the process, so ids never collide across restarts of the fake in one test run. */
export function nextId(prefix: string): string {
  seq += 1;
  return `${prefix}${seq.toString(36).padStart(6, '0')}`;
}
