import type { ServerResponse } from 'node:http';
import type { ChatResponse, OpenAiErrorBody } from '@cliver/common';
import { usageOf, type CompletionMeta } from './completion-events';

type Delta = Record<string, unknown>;

/** When a stream with nothing to send yet still shows it is alive. */
export interface KeepAliveTiming {
  /** With no content by then, the headers go out (the client stops waiting for them). */
  openAfterMs: number;
  /** From then on, a comment line after every silence this long, so no proxy or client times out. */
  everyMs: number;
}

/**
 * Writes chat.completion.chunk events as OpenAI does: a role delta first per choice, content and
 * tool-call deltas as they arrive, a finish chunk per choice, then (include_usage) one chunk with
 * `choices: []` and the usage, then `[DONE]`. Each event is written at once; nothing buffers.
 */
export class CompletionStream {
  private readonly opened = new Set<number>();
  private readonly seenCalls = new Set<string>();
  private prefix = '';
  private heartbeat: NodeJS.Timeout | undefined;
  private keepAliveEveryMs = 0;

  constructor(private readonly res: ServerResponse, private readonly meta: CompletionMeta, private readonly includeUsage: boolean) {}

  /** True once the headers are out: from then on a failure must travel inside the stream. */
  get isOpen(): boolean {
    return this.res.headersSent;
  }

  /**
   * Opens the stream early and sends `: keep-alive` comments (which SSE clients ignore) while the
   * turn is silent, e.g. while a slow provider has not sent its first token. Ends with the stream.
   */
  keepAlive(timing: KeepAliveTiming): void {
    this.keepAliveEveryMs = timing.everyMs;
    this.heartbeat = setTimeout(() => this.beat(), timing.openAfterMs);
    this.res.once('close', () => this.stopKeepAlive());
  }

  stopKeepAlive(): void {
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }

  private beat(): void {
    this.heartbeat = undefined;
    if (this.res.writableEnded || this.res.destroyed) return;
    this.open();
    this.res.write(': keep-alive\n\n');
    this.heartbeat = setTimeout(() => this.beat(), this.keepAliveEveryMs);
  }

  /** Sends the headers (once): at the first event that proves the turn started, or at the first keep-alive. */
  open(): void {
    if (this.isOpen) return;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    // Opened by content: from now on only a silence of `everyMs` calls for a keep-alive.
    if (this.heartbeat) {
      clearTimeout(this.heartbeat);
      this.heartbeat = setTimeout(() => this.beat(), this.keepAliveEveryMs);
    }
  }

  event(e: ChatResponse): void {
    if (e.started) this.meta.model = e.started.model;
    // The constant head of every chunk, serialised once per request (after the model is known).
    this.prefix ||= `{"id":${JSON.stringify(this.meta.id)},"object":"chat.completion.chunk","created":${this.meta.created},"model":${JSON.stringify(this.meta.model)},"system_fingerprint":null,`;
    if (e.text) this.delta(e.text.choiceIndex, { content: e.text.text });
    else if (e.toolCall) {
      const c = e.toolCall;
      const key = `${c.choiceIndex}:${c.index}`;
      const first = !this.seenCalls.has(key);
      this.seenCalls.add(key);
      const call = first
        ? { index: c.index, id: c.id, type: 'function', function: { name: c.name, arguments: c.argumentsDelta } }
        : { index: c.index, function: { arguments: c.argumentsDelta } };
      this.delta(c.choiceIndex, { tool_calls: [call] });
    } else if (e.choiceFinished) {
      this.ensureRole(e.choiceFinished.choiceIndex);
      this.chunk(e.choiceFinished.choiceIndex, {}, e.choiceFinished.finishReason);
    } else if (e.done) {
      if (this.includeUsage) this.write(`${this.prefix}"choices":[],"usage":${JSON.stringify(usageOf(e.done))}}`);
      this.end();
    }
  }

  /** An error after the stream started: an error event, then [DONE], as OpenAI clients expect. */
  fail(body: OpenAiErrorBody): void {
    this.write(JSON.stringify(body));
    this.end();
  }

  private delta(choice: number, delta: Delta): void {
    this.ensureRole(choice);
    this.chunk(choice, delta, null);
  }

  private ensureRole(choice: number): void {
    if (this.opened.has(choice)) return;
    this.opened.add(choice);
    this.chunk(choice, { role: 'assistant', content: '', refusal: null }, null);
  }

  private chunk(choice: number, delta: Delta, finishReason: string | null): void {
    const usage = this.includeUsage ? ',"usage":null' : '';
    this.write(`${this.prefix}"choices":[{"index":${choice},"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finishReason ? JSON.stringify(finishReason) : 'null'}}]${usage}}`);
  }

  private write(json: string): void {
    if (this.res.writableEnded) return;
    this.res.write(`data: ${json}\n\n`);
    // Content just went out: the next keep-alive is due only after a silence.
    this.heartbeat?.refresh();
  }

  private end(): void {
    this.stopKeepAlive();
    if (this.res.writableEnded) return;
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }
}
