import {
  Server,
  ServerCredentials,
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { AppError } from '../errors/app-error';
import { toGrpcError } from '../errors/grpc';
import type { Logger } from '../logging/logger';
import { HealthStatus, ServingStatus } from './health';
import { internalKeyInterceptor } from './internal-auth';

/** Above gateway-api's 20 MB body limit, so an accepted HTTP body always fits one gRPC message. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** The largest file MessagingService.RecordInbound takes: adapter-host drops larger ones before sending. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/**
 * A unary handler in our style: takes the request, returns the response or throws AppError.
 * The response type is taken only from the method being implemented (`NoInfer`), so a returned
 * object is checked field by field against the generated message.
 */
export type UnaryHandler<Req, Res> = (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<NoInfer<Res>> | NoInfer<Res>;

/**
 * Wraps a handler so that every failure becomes a gRPC status exactly once; unknown errors are
 * logged with their cause and sent as a bare `internal`. Written inside `grpcService(...)`, the
 * request and response types come from the generated service definition.
 */
export function unary<Req, Res>(log: Logger, method: string, handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    Promise.resolve()
      .then(() => handler(call.request, call))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          const appError = AppError.from(err);
          if (appError.code === 'internal') log.error({ err, method }, 'gRPC handler failed');
          callback(toGrpcError(appError));
        },
      );
  };
}

/** The grpc-js handler type of one method of a generated (ts-proto) service definition. */
export type HandlerOf<M> = M extends {
  readonly requestStream: infer InStream;
  readonly responseStream: infer OutStream;
  readonly requestDeserialize: (value: Buffer) => infer Req;
  readonly responseSerialize: (value: infer Res) => Buffer;
}
  ? InStream extends true
    ? OutStream extends true
      ? handleBidiStreamingCall<Req, Res>
      : handleClientStreamingCall<Req, Res>
    : OutStream extends true
      ? handleServerStreamingCall<Req, Res>
      : handleUnaryCall<Req, Res>
  : never;

/**
 * The server a generated definition describes, method by method: the same shape as ts-proto's
 * `XServer` interface, derived from the definition so that the pair can never be mismatched.
 */
export type ServerOf<D> = { [K in keyof D]: HandlerOf<D[K]> };

/**
 * One gRPC service of a process: a generated definition and its handlers. `S` is the generated
 * `XServer` interface (e.g. `LeaseServiceServer`); build it with `grpcService()`.
 */
export interface GrpcService<S = UntypedServiceImplementation> {
  definition: ServiceDefinition<S>;
  implementation: S;
  /**
   * Called when the server starts shutting down, before it waits for calls to finish: a service
   * with long-lived calls ends them here once their work is done, or the wait runs to its limit.
   */
  drain?: () => void;
}

/**
 * Pairs a generated service definition with its handlers, checked by the compiler against the
 * proto: a missing method, a wrong request field or a response that does not match its message
 * fails `tsc`, and `unary`/`serverStream` written inline get their types from the definition.
 */
export function grpcService<D extends ServiceDefinition>(definition: D, implementation: ServerOf<D>, drain?: () => void): GrpcService<ServerOf<D>> {
  return { definition: definition as ServiceDefinition<ServerOf<D>>, implementation, ...(drain ? { drain } : {}) };
}

export interface RunningGrpcServer {
  port: number;
  health: HealthStatus;
  /** Stops taking calls, lets running calls finish for up to `graceMs`, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

export interface GrpcServerOptions {
  /**
   * The deployment's internal key (see service/internal-key.ts). Every call but grpc.health.v1
   * must carry it; production entry points always pass it. Left out only by tests of other
   * concerns, which then run an unauthenticated server.
   */
  internalKey?: string;
}

/** Binds one gRPC server with the given services plus grpc.health.v1 (SERVING once bound). */
export async function startGrpcServer(
  listen: string,
  services: GrpcService[],
  log: Logger,
  options: GrpcServerOptions = {},
): Promise<RunningGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    // The one place calls are authenticated: before any handler sees the call.
    interceptors: options.internalKey === undefined ? [] : [internalKeyInterceptor(options.internalKey, log)],
  });
  const health = new HealthStatus();
  for (const s of [...services, health.service(log)]) server.addService(s.definition, s.implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listen, ServerCredentials.createInsecure(), (err, boundPort) =>
      err ? reject(new AppError('unavailable', `cannot listen on ${listen}: ${err.message}`, { cause: err })) : resolve(boundPort),
    );
  });
  health.set(ServingStatus.SERVING);
  return {
    port,
    health,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        health.set(ServingStatus.NOT_SERVING);
        for (const s of services) s.drain?.();
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** A server-streaming handler: writes events with `write`, resolves when the stream is complete. */
export type StreamHandler<Req, Res> = (request: Req, write: (event: Res) => void, call: ServerWritableStream<Req, Res>) => Promise<void>;

/**
 * Wraps a server-streaming handler: a resolved handler ends the stream with OK; a thrown error
 * ends it with that error's status (events already written stay valid for the client).
 */
export function serverStream<Req, Res>(log: Logger, method: string, handler: StreamHandler<Req, Res>): handleServerStreamingCall<Req, Res> {
  return (call: ServerWritableStream<Req, Res>): void => {
    const write = (event: Res) => {
      if (!call.cancelled && !call.writableEnded) call.write(event);
    };
    // Through a promise, as in `unary`: a handler that throws before its first await is mapped too.
    Promise.resolve()
      .then(() => handler(call.request, write, call))
      .then(
        () => {
          if (!call.writableEnded) call.end();
        },
        (err: unknown) => {
          const appError = AppError.from(err);
          if (appError.code === 'internal') log.error({ err, method }, 'gRPC stream handler failed');
          if (!call.writableEnded) call.emit('error', toGrpcError(appError));
        },
      );
  };
}
