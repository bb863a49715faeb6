import { timingSafeEqual } from 'node:crypto';
import { InterceptingCall, ServerInterceptingCall, type Interceptor, type MetadataValue, type ServerInterceptor } from '@grpc/grpc-js';
import { AppError } from '../errors/app-error';
import { toGrpcError } from '../errors/grpc';
import type { Logger } from '../logging/logger';

/** The call metadata that carries the deployment's internal key (service/internal-key.ts). */
export const INTERNAL_KEY_HEADER = 'x-cliver-internal-key';

// grpc.health.v1 stays open. It tells only SERVING or not, which is no secret, and the callers
// that need it most cannot always send metadata: an orchestrator's native gRPC probe (Kubernetes
// `grpc:` probes, grpc_health_probe) and a container health check run by a user who has not
// been given the key. Everything else needs the key, ServiceInfo included (it names host, pid
// and lease token).
const OPEN_PATH_PREFIX = '/grpc.health.v1.Health/';

const WHERE_THE_KEY_LIVES =
  'every service of one gateway must send the same key: in process mode they read it from ' +
  '<agent folder>/secrets/internal.key, in containers set CLIVER_INTERNAL_KEY or CLIVER_INTERNAL_KEY_FILE ' +
  'to the same value for every service';

/** Says why `sent` does not prove the caller knows `expected`, or undefined when it does. */
export function refuseInternalKey(expected: Buffer, sent: MetadataValue[]): AppError | undefined {
  const value = sent.length === 1 ? sent[0] : undefined;
  if (value === undefined || value === '') {
    return new AppError('unauthenticated', `this call carries no internal key (${INTERNAL_KEY_HEADER}); ${WHERE_THE_KEY_LIVES}`, {
      reason: 'internal_key_missing',
    });
  }
  const given = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  // The length check leaks only the length; timingSafeEqual needs equal lengths.
  if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  return new AppError('unauthenticated', `the internal key of this call does not match this service's; ${WHERE_THE_KEY_LIVES}`, {
    reason: 'internal_key_mismatch',
  });
}

/**
 * The server side: refuses, with UNAUTHENTICATED and before any handler runs, every call that
 * does not carry `key` (grpc.health.v1 excepted, see above).
 */
export function internalKeyInterceptor(key: string, log: Logger): ServerInterceptor {
  const expected = Buffer.from(key, 'utf8');
  return (method, call) => {
    if (method.path.startsWith(OPEN_PATH_PREFIX)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, accept) => {
            const refusal = refuseInternalKey(expected, metadata.get(INTERNAL_KEY_HEADER));
            if (!refusal) return accept(metadata);
            log.warn({ method: method.path, peer: call.getPeer(), reason: refusal.reason }, 'refused an internal call without a valid key');
            const { code, details, metadata: trailers } = toGrpcError(refusal);
            call.sendStatus({ code: code!, details: details!, metadata: trailers });
          },
        }),
    });
  };
}

/** The client side: adds `key` to every call's metadata. */
export function internalKeyClientInterceptor(key: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set(INTERNAL_KEY_HEADER, key);
        next(metadata, listener);
      },
    });
}
