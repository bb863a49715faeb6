import { credentials, type ChannelOptions, type Client, type ClientOptions } from '@grpc/grpc-js';
import { HealthClient } from '../gen/grpc/health/v1/health';
import { ServingStatus } from './health';
import { AdapterHostServiceClient } from '../gen/cliver/v1/adapter';
import { AgentServiceClient } from '../gen/cliver/v1/agent';
import { SessionsServiceClient } from '../gen/cliver/v1/sessions';
import { CoreServiceClient } from '../gen/cliver/v1/core';
import { LeaseServiceClient } from '../gen/cliver/v1/lease';
import { MessagingServiceClient } from '../gen/cliver/v1/messaging';
import { SchedulerServiceClient } from '../gen/cliver/v1/scheduler';
import { ServiceInfoServiceClient } from '../gen/cliver/v1/service_info';
import { call } from './call';
import { internalKeyClientInterceptor } from './internal-auth';
import { MAX_MESSAGE_BYTES } from './serve';

// Internal links are loopback or a private network: plaintext, with keepalive so that a peer that
// vanished (kill -9, container gone) is noticed instead of leaving calls hanging on a dead socket.
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
};

const insecure = credentials.createInsecure();

// The key travels as call metadata added by an interceptor: grpc-js refuses call credentials on
// an insecure channel, and these links are plaintext by design (see above).
function clientOptions(internalKey: string | undefined): ClientOptions {
  return internalKey ? { ...CHANNEL_OPTIONS, interceptors: [internalKeyClientInterceptor(internalKey)] } : CHANNEL_OPTIONS;
}

/**
 * Clients of everything agent-core serves. grpc-js shares one connection per address.
 * `internalKey` is the deployment's key (ServiceContext.internalKey); without it every call but
 * a health check is refused as unauthenticated.
 */
export function agentCoreClients(address: string, internalKey: string | undefined) {
  const options = clientOptions(internalKey);
  return {
    core: new CoreServiceClient(address, insecure, options),
    lease: new LeaseServiceClient(address, insecure, options),
    agent: new AgentServiceClient(address, insecure, options),
    sessions: new SessionsServiceClient(address, insecure, options),
    messaging: new MessagingServiceClient(address, insecure, options),
    info: new ServiceInfoServiceClient(address, insecure, options),
  };
}
export type AgentCoreClients = ReturnType<typeof agentCoreClients>;

export function adapterHostClients(address: string, internalKey: string | undefined) {
  const options = clientOptions(internalKey);
  return {
    adapters: new AdapterHostServiceClient(address, insecure, options),
    info: new ServiceInfoServiceClient(address, insecure, options),
  };
}

export function schedulerClients(address: string, internalKey: string | undefined) {
  const options = clientOptions(internalKey);
  return {
    scheduler: new SchedulerServiceClient(address, insecure, options),
    info: new ServiceInfoServiceClient(address, insecure, options),
  };
}

export function serviceInfoClient(address: string, internalKey: string | undefined): ServiceInfoServiceClient {
  return new ServiceInfoServiceClient(address, insecure, clientOptions(internalKey));
}

export type HealthState = keyof typeof ServingStatus;

/**
 * Asks a gRPC server's standard health service; rejects (AppError) when it does not answer.
 * Servers answer health checks without the internal key; a caller that has it sends it anyway.
 */
export async function checkHealth(address: string, deadlineMs = 1000, internalKey?: string): Promise<HealthState> {
  const client = new HealthClient(address, insecure, clientOptions(internalKey));
  try {
    const { status } = await call(client, client.check, { service: '' }, deadlineMs);
    return ServingStatus[status] as HealthState;
  } finally {
    client.close();
  }
}

/** Closes clients built by the functions above. */
export function closeClients(clients: Record<string, Client>): void {
  for (const c of Object.values(clients)) c.close();
}
