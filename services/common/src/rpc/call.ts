import { Metadata, type CallOptions, type Client, type ServiceError } from '@grpc/grpc-js';
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
  return new Promise<Res>((resolve, reject) => {
    method.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs, waitForReady }, (error, response) =>
      error ? reject(fromGrpcError(error)) : resolve(response),
    );
  });
}
