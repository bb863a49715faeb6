import { Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  AgentServiceService,
  ChatMuxRequest,
  type AgentServiceClient,
  type ChatMuxRequestFrame,
  type ChatMuxResponse,
  type ChatMuxResponseFrame,
  type ChatRequest,
  type ChatResponse,
} from '../gen/cliver/v1/agent';
import { AppError } from '../errors/app-error';
import { fromGrpcError, fromTurnError } from '../errors/grpc';
import { readStream } from './call';
import { FrameBatch } from './frame-batch';

const cancelled = () => new AppError('unavailable', 'the turn was cancelled', { reason: 'cancelled' });

// A turn whose start frame is larger (inline images) gets a Chat call of its own: it holds up no
// other turn while it crosses, and a request too large for gRPC fails alone.
const MAX_SHARED_FRAME_BYTES = 256 * 1024;

/**
 * One frame as a ChatMuxRequest of its own. The frames field is repeated, so the encodings of
 * several such requests, concatenated, are one request with all their frames: each frame is
 * encoded exactly once, before it joins a batch. A frame that cannot be encoded (an int32 field
 * given 2^31) fails only its own turn, here; grpc-js, left to encode the batch, would cancel the
 * whole call and every other turn on it.
 */
function encodeFrame(frame: ChatMuxRequestFrame): Uint8Array {
  try {
    return ChatMuxRequest.encode({ frames: [frame] }).finish();
  } catch (err) {
    throw new AppError('invalid_argument', `The request cannot be passed to agent-core: ${(err as Error).message}.`, { reason: 'unencodable_request', cause: err });
  }
}

/** The events of one turn as they arrive, until `done` or an error. */
class TurnQueue {
  private readonly items: ChatResponse[] = [];
  private wake: (() => void) | undefined;
  private error: AppError | undefined;
  over = false;

  push(event: ChatResponse): void {
    this.items.push(event);
    if (event.done) this.over = true;
    this.wake?.();
  }

  fail(err: AppError): void {
    if (this.over) return;
    this.error = err;
    this.over = true;
    this.wake?.();
  }

  /** The next event, undefined after `done`; throws the turn's error once its events are read. */
  async take(): Promise<ChatResponse | undefined> {
    while (this.items.length === 0) {
      if (this.error) throw this.error;
      if (this.over) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return this.items.shift();
  }
}

/** One ChatMux call and the turns running on it. */
class MuxCall {
  private readonly turns = new Map<number, TurnQueue>();
  private nextTurn = 0;
  private readonly out: FrameBatch<Uint8Array>;
  open = true;

  constructor(private readonly call: ClientDuplexStream<Buffer, ChatMuxResponse>, onOver: () => void) {
    this.out = new FrameBatch((frames) => this.open && call.write(Buffer.concat(frames)));
    const receive = (frame: ChatMuxResponseFrame) => {
      const queue = this.turns.get(frame.turn);
      if (!queue) return; // a turn this side already gave up
      if (frame.event) queue.push(frame.event);
      else if (frame.error) queue.fail(fromTurnError(frame.error));
      if (queue.over) this.turns.delete(frame.turn);
    };
    call.on('data', (message: ChatMuxResponse) => message.frames.forEach(receive));
    const over = (err: AppError) => {
      if (!this.open) return;
      this.open = false;
      onOver();
      for (const queue of this.turns.values()) queue.fail(err);
      this.turns.clear();
    };
    call.on('error', (err) => over(fromGrpcError(err)));
    // agent-core ends the call when it shuts down, after the call's turns finished.
    call.on('end', () => {
      over(new AppError('unavailable', 'agent-core closed the chat stream', { reason: 'service_unreachable' }));
      call.end();
    });
  }

  /**
   * Starts a turn on this call; undefined when its request is too large to share the call.
   * Throws invalid_argument when the request cannot be encoded.
   */
  start(request: ChatRequest): { turn: number; queue: TurnQueue } | undefined {
    do this.nextTurn = (this.nextTurn + 1) >>> 0;
    while (this.turns.has(this.nextTurn));
    const turn = this.nextTurn;
    const frame = encodeFrame({ turn, start: request });
    if (frame.length > MAX_SHARED_FRAME_BYTES) return undefined;
    const queue = new TurnQueue();
    this.turns.set(turn, queue);
    this.out.push(frame);
    return { turn, queue };
  }

  cancel(turn: number): void {
    if (!this.turns.delete(turn) || !this.open) return;
    this.out.push(encodeFrame({ turn, cancel: {} }));
  }

  close(): void {
    this.open = false;
    this.call.cancel();
  }
}

/**
 * Chat turns over AgentService.ChatMux: one long-lived call carries every turn, so a turn costs
 * two small messages instead of a new gRPC call (measured: about 7x less client CPU per turn).
 * The call is opened on first use and again after it ended; when it fails, the turns on it fail
 * with the call's error, exactly as separate Chat calls would have. A turn whose request is
 * over 256 KB encoded runs on a Chat call of its own instead.
 */
export class ChatMuxClient {
  private current: MuxCall | undefined;

  constructor(private readonly client: AgentServiceClient) {}

  /**
   * Runs one turn. Aborting `signal`, or leaving the loop early, cancels the turn in agent-core.
   * Errors are AppErrors, as from `readStream` over Chat.
   */
  async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatResponse> {
    if (signal?.aborted) throw cancelled();
    const mux = this.callFor();
    const started = mux.start(request);
    if (!started) {
      yield* readStream<ChatResponse>((md, o) => this.client.chat(request, md, o), { signal });
      return;
    }
    const { turn, queue } = started;
    const cancel = () => {
      mux.cancel(turn);
      queue.fail(cancelled());
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for (let event = await queue.take(); event; event = await queue.take()) yield event;
    } finally {
      signal?.removeEventListener('abort', cancel);
      if (!queue.over) mux.cancel(turn);
    }
  }

  /** Cancels the call and with it every running turn (shutdown). */
  close(): void {
    this.current?.close();
    this.current = undefined;
  }

  private callFor(): MuxCall {
    if (this.current?.open) return this.current;
    // Opened with a pass-through serializer, because the frames are already encoded (encodeFrame).
    const method = AgentServiceService.chatMux;
    const call = this.client.makeBidiStreamRequest<Buffer, ChatMuxResponse>(method.path, (frames) => frames, method.responseDeserialize, new Metadata());
    const mux: MuxCall = new MuxCall(call, () => {
      if (this.current === mux) this.current = undefined;
    });
    this.current = mux;
    return mux;
  }
}
