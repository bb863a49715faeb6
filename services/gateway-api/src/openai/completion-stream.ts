import type { ServerResponse } from 'node:http';
import type { ChatResponse, OpenAiErrorBody } from '@cliver/common';
import { usageOf, type CompletionMeta } from './completion-events';

type Delta = Record<string, unknown>;

/**
 * Writes chat.completion.chunk events as OpenAI does: a role delta first per choice, content and
 * tool-call deltas as they arrive, a finish chunk per choice, then (include_usage) one chunk with
 * `choices: []` and the usage, then `[DONE]`. Each event is written at once; nothing buffers.
 */
export class CompletionStream {
  private readonly opened = new Set<number>();
  private readonly seenCalls = new Set<string>();
  private prefix = '';

  constructor(private readonly res: ServerResponse, private readonly meta: CompletionMeta, private readonly includeUsage: boolean) {}

  /** Sends the headers; called once the first event proves the turn started. */
  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
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
    if (!this.res.writableEnded) this.res.write(`data: ${json}\n\n`);
  }

  private end(): void {
    if (this.res.writableEnded) return;
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }
}
