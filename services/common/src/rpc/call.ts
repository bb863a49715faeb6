import { Metadata, type CallOptions, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { AppError } from '../errors/app-error';
import { fromGrpcError } from '../errors/grpc';

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Default deadline for internal unary calls: generous for a loaded 2-core box, never a hang. */
export const DEFAULT_DEADLINE_MS = 5000;

/**
 * Calls one unary method of a generated grpc-js client and returns a promise. Every call has a
 * deadline; failures come back as AppError (rebuilt from the server's status and trailers).
 */
export interface CallOptionsLite {
  deadlineMs?: number;
  /**
   * Wait (within the deadline) for the channel to connect instead of failing at once while it is
   * in reconnect backoff. For calls that must get through, such as releasing a lease on shutdown
   * right after agent-core restarted; status probes leave it off to fail fast.
   */
  waitForReady?: boolean;
}

export function call<C extends Client, Req, Res>(
  client: C,
  method: (this: C, ...args: Parameters<UnaryMethod<Req, Res>>) => unknown,
  request: Req,
  options: number | CallOptionsLite = {},
): Promise<Res> {
  const { deadlineMs = DEFAULT_DEADLINE_MS, waitForReady = false } = typeof options === 'number' ? { deadlineMs: options } : options;
  // grpc-js reads wait-for-ready from the metadata's options, not from the call options.
  const metadata = new Metadata();
  if (waitForReady) metadata.setOptions({ waitForReady: true });
  return new Promise<Res>((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(fromGrpcError(error)) : resolve(response),
    );
  });
}

/**
 * Reads a server-streaming call as an async iterable. Aborting `signal`, or leaving the loop
 * early, cancels the call on the server (which stops the work behind it).
 */
export async function* readStream<Res>(
  open: (metadata: Metadata, options: Partial<CallOptions>) => ClientReadableStream<Res>,
  options: { signal?: AbortSignal; deadlineMs?: number } = {},
): AsyncGenerator<Res> {
  if (options.signal?.aborted) throw new AppError('unavailable', 'the call was cancelled', { reason: 'cancelled' });
  const call = open(new Metadata(), options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {});
  const cancel = () => call.cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  let finished = false;
  try {
    for await (const message of call) yield message as Res;
    finished = true;
  } catch (err) {
    finished = true;
    // Our own cancel comes back as a CANCELLED status: say so, rather than blame the server.
    if (options.signal?.aborted) throw new AppError('unavailable', 'the call was cancelled', { reason: 'cancelled', cause: err });
    throw fromGrpcError(err);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    if (!finished) call.cancel();
  }
}
