import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplyModifiers } from './types';

export interface Pace {
  firstDelayMs: number;
  intervalMs: number;
  dropAfter?: number;
}

export function paceOf(reply: ReplyModifiers): Pace {
  const tps = reply.tokensPerSecond ?? 0;
  return {
    firstDelayMs: reply.firstTokenDelayMs ?? 0,
    intervalMs: tps > 0 ? 1000 / tps : 0,
    dropAfter: reply.dropAfterChunks,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  // Clients measure time-to-first-byte from the headers; do not let Node hold them until the first write.
  res.flushHeaders();
}

function drop(res: ServerResponse): void {
  res.socket?.destroy();
}

async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** One `res.write` per frame so each reaches the client as it is produced. */
export async function sendFrames(res: ServerResponse, frames: string[], pace: Pace, signal: AbortSignal): Promise<void> {
  // The benchmark path: no timers, no awaits.
  if (pace.firstDelayMs <= 0 && pace.intervalMs <= 0 && pace.dropAfter === undefined) {
    for (const frame of frames) res.write(frame);
    res.end();
    return;
  }
  if (pace.dropAfter !== undefined && pace.dropAfter <= 0) return drop(res);
  for (let i = 0; i < frames.length; i++) {
    if (!(await wait(i === 0 ? pace.firstDelayMs : pace.intervalMs, signal)) || res.destroyed) return;
    if (i + 1 === pace.dropAfter) {
      // Destroy only once the frame has left Node's buffer, so the client really sees N frames first.
      res.write(frames[i], () => drop(res));
      return;
    }
    res.write(frames[i]);
  }
  res.end();
}

/**
 * Non-streaming answers take as long as streaming them would. Returns false when the answer must not be
 * sent: the fake is closing, the client left, or the reply asked for a dropped connection.
 */
export async function waitBeforeAnswer(res: ServerResponse, pace: Pace, frames: number, signal: AbortSignal): Promise<boolean> {
  const total = pace.firstDelayMs + pace.intervalMs * Math.max(0, frames - 1);
  if (total > 0 && !(await wait(total, signal))) return false;
  if (pace.dropAfter !== undefined) {
    drop(res);
    return false;
  }
  return !res.destroyed;
}
