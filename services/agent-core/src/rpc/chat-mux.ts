import type { ServerDuplexStream } from '@grpc/grpc-js';
import {
  AgentServiceService,
  AppError,
  FrameBatch,
  toTurnError,
  type ChatMuxRequest,
  type ChatMuxRequestFrame,
  type ChatMuxResponse,
  type ChatMuxResponseFrame,
  type ChatRequest,
  type ChatResponse,
  type Logger,
} from '@cliver/common';
import type { StopTurn } from './chat-turn';

type RunChat = (req: ChatRequest, write: (event: ChatResponse) => void, onStop: (stop: StopTurn) => void) => Promise<void>;

/**
 * grpc-js encodes a message only when it sends it, and a message it cannot encode ends the whole
 * call, failing every turn on it. So each frame is tried on its own first (an int64 field given
 * 1.5, say, from a provider's odd usage numbers), and one that cannot be encoded fails its turn.
 */
function encodingError(frame: ChatMuxResponseFrame): Error | undefined {
  try {
    AgentServiceService.chatMux.responseSerialize({ frames: [frame] });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * AgentService.ChatMux: many turns on one call. Each turn runs exactly as a Chat call would; a
 * failure becomes that turn's `error` frame and leaves the other turns alone. `drain()` (at
 * shutdown) refuses new turns and ends each call once its running turns are over, so callers
 * reconnect to whichever agent-core serves next instead of being cut mid-answer.
 */
export function chatMux(log: Logger, run: RunChat) {
  const idleClosers = new Set<() => void>();
  let draining = false;

  const handler = (call: ServerDuplexStream<ChatMuxRequest, ChatMuxResponse>): void => {
    const running = new Map<number, StopTurn | undefined>();
    // Running turns that already sent their error frame: whatever they write next is dropped.
    const failed = new Set<number>();
    let callerDone = false;
    const out = new FrameBatch<ChatMuxResponseFrame>((frames) => {
      if (!call.cancelled && !call.writableEnded) call.write({ frames });
    });
    const send = (frame: ChatMuxResponseFrame) => out.push(frame);
    const fail = (turn: number, err: AppError) => send({ turn, error: toTurnError(err) });
    const writeEvent = (turn: number, event: ChatResponse) => {
      if (failed.has(turn)) return;
      const frame = { turn, event };
      const err = encodingError(frame);
      if (err === undefined) return send(frame);
      log.error({ err, turn, event: Object.keys(event) }, 'chat turn event cannot be encoded');
      failed.add(turn);
      fail(turn, new AppError('internal', 'agent-core produced an event it cannot encode', { reason: 'unencodable_event' }));
      running.get(turn)?.('the turn failed: agent-core produced an event it cannot encode');
    };
    const endIfIdle = () => {
      if (!(draining || callerDone) || running.size > 0) return;
      idleClosers.delete(endIfIdle);
      out.flush();
      if (!call.writableEnded && !call.cancelled) call.end();
    };
    const stopAll = (reason: string) => {
      for (const stop of running.values()) stop?.(reason);
    };
    idleClosers.add(endIfIdle);

    const receive = (frame: ChatMuxRequestFrame) => {
      const { turn } = frame;
      if (frame.cancel) return void running.get(turn)?.('the caller cancelled the turn');
      if (!frame.start) return fail(turn, new AppError('invalid_argument', 'a ChatMux frame needs `start` or `cancel`', { field: 'action' }));
      if (draining) return fail(turn, new AppError('unavailable', 'agent-core is shutting down', { reason: 'shutting_down' }));
      if (running.has(turn)) return fail(turn, new AppError('already_exists', `turn ${turn} is already running on this call`, { field: 'turn' }));
      running.set(turn, undefined);
      run(frame.start, (event) => writeEvent(turn, event), (stop) => running.set(turn, stop))
        .catch((err: unknown) => {
          if (failed.has(turn)) return;
          const appError = AppError.from(err);
          if (appError.code === 'internal') log.error({ err, method: 'ChatMux' }, 'chat turn failed');
          fail(turn, appError);
        })
        .finally(() => {
          running.delete(turn);
          failed.delete(turn);
          endIfIdle();
        });
    };
    call.on('data', (message: ChatMuxRequest) => message.frames.forEach(receive));
    call.on('end', () => {
      // The caller half-closed: it wants nothing more from the turns still running.
      callerDone = true;
      stopAll('the caller closed the chat stream');
      endIfIdle();
    });
    call.on('cancelled', () => {
      idleClosers.delete(endIfIdle);
      stopAll('the caller cancelled the turn');
    });
  };

  return {
    handler,
    drain(): void {
      draining = true;
      for (const endIfIdle of idleClosers) endIfIdle();
    },
  };
}
