import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { AdapterHostServiceService, type AdapterHostServiceServer } from '../gen/cliver/v1/adapter';
import { AgentServiceService, type AgentServiceServer } from '../gen/cliver/v1/agent';
import { CoreServiceService, type CoreServiceServer } from '../gen/cliver/v1/core';
import { LeaseServiceService, type LeaseServiceServer } from '../gen/cliver/v1/lease';
import { SchedulerServiceService, type SchedulerServiceServer } from '../gen/cliver/v1/scheduler';
import { ServiceInfoServiceService, type ServiceInfoServiceServer } from '../gen/cliver/v1/service_info';
import { SessionsServiceService, type SessionsServiceServer } from '../gen/cliver/v1/sessions';
import { HealthService, type HealthServer } from '../gen/grpc/health/v1/health';
import { createLogger } from '../logging/logger';
import { grpcService, unary, type ServerOf } from './serve';

// Most of this file is checked by `tsc -b`, not by jest: each `@ts-expect-error` below marks a
// handler that no longer matches its proto. Were the check to stop catching it, the directive
// would be unused and `tsc` would fail on this file.
const log = createLogger({ service: 'test', level: 'silent' });

/** Mutual assignability: our derived server type is exactly ts-proto's `XServer`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The named methods of a generated `XServer`, without the index signature it inherits. */
type Generated<S extends UntypedServiceImplementation> = { [K in keyof S as string extends K ? never : number extends K ? never : K]: S[K] };
const sameShapes: Array<true> = [
  true satisfies Same<ServerOf<typeof LeaseServiceService>, Generated<LeaseServiceServer>>,
  true satisfies Same<ServerOf<typeof CoreServiceService>, Generated<CoreServiceServer>>,
  true satisfies Same<ServerOf<typeof AgentServiceService>, Generated<AgentServiceServer>>,
  true satisfies Same<ServerOf<typeof SessionsServiceService>, Generated<SessionsServiceServer>>,
  true satisfies Same<ServerOf<typeof AdapterHostServiceService>, Generated<AdapterHostServiceServer>>,
  true satisfies Same<ServerOf<typeof SchedulerServiceService>, Generated<SchedulerServiceServer>>,
  true satisfies Same<ServerOf<typeof ServiceInfoServiceService>, Generated<ServiceInfoServiceServer>>,
  true satisfies Same<ServerOf<typeof HealthService>, Generated<HealthServer>>,
];

const schedulerStatus = () => ({ isLeader: true, leaseToken: 1, lastTickAtMs: 0 });

// Each one below would have compiled with the hand-typed `UntypedServiceImplementation` wiring.
const wrongOnes = [
  // @ts-expect-error a method of the proto is missing
  grpcService(SchedulerServiceService, {}),
  grpcService(SchedulerServiceService, {
    // @ts-expect-error a method the proto does not have
    getSchedulerState: unary(log, 'GetSchedulerState', schedulerStatus),
    getSchedulerStatus: unary(log, 'GetSchedulerStatus', schedulerStatus),
  }),
  grpcService(SchedulerServiceService, {
    // @ts-expect-error the response misses a field of its message (lastTickAtMs)
    getSchedulerStatus: unary(log, 'GetSchedulerStatus', () => ({ isLeader: true, leaseToken: 1 })),
  }),
  grpcService(SchedulerServiceService, {
    // @ts-expect-error a response field of the wrong type
    getSchedulerStatus: unary(log, 'GetSchedulerStatus', () => ({ isLeader: 'yes', leaseToken: 1, lastTickAtMs: 0 })),
  }),
  grpcService(LeaseServiceService, {
    acquireLease: unary(log, 'AcquireLease', () => ({ granted: false, lease: undefined })),
    renewLease: unary(log, 'RenewLease', (req) => ({
      // @ts-expect-error a request field the proto does not have
      lease: { name: req.leaseName, token: 0, holder: undefined, acquiredAtMs: 0, renewedAtMs: 0, expiresAtMs: 0 },
    })),
    releaseLease: unary(log, 'ReleaseLease', () => ({ released: true })),
    listLeases: unary(log, 'ListLeases', () => ({ leases: [] })),
  }),
  grpcService(LeaseServiceService, {
    acquireLease: unary(log, 'AcquireLease', () => ({ granted: false, lease: undefined })),
    // @ts-expect-error a hand-written request type that disagrees with the proto (token is a number)
    renewLease: unary(log, 'RenewLease', (req: { name: string; token: string }) => ({ lease: undefined, echo: req })),
    releaseLease: unary(log, 'ReleaseLease', () => ({ released: true })),
    listLeases: unary(log, 'ListLeases', () => ({ leases: [] })),
  }),
  grpcService(AgentServiceService, {
    chat: (call) => call.end(),
    // @ts-expect-error a unary handler where the proto has a bidirectional stream
    chatMux: unary(log, 'ChatMux', () => ({ frames: [] })),
    cancelChat: unary(log, 'CancelChat', () => ({ cancelled: false })),
    listModels: unary(log, 'ListModels', () => ({ models: [], defaultModel: '' })),
  }),
];

test('grpcService pairs a definition with its handlers and keeps drain', () => {
  const drain = () => undefined;
  const service = grpcService(SchedulerServiceService, { getSchedulerStatus: unary(log, 'GetSchedulerStatus', schedulerStatus) }, drain);
  expect(service.definition).toBe(SchedulerServiceService);
  expect(Object.keys(service.implementation)).toEqual(['getSchedulerStatus']);
  expect(service.drain).toBe(drain);
  expect(sameShapes.every(Boolean)).toBe(true);
  expect(wrongOnes).toHaveLength(7);
});
