import { credentials, type ChannelOptions, type Client } from '@grpc/grpc-js';
import { HealthClient } from '../gen/grpc/health/v1/health';
import { ServingStatus } from './health';
import { AdapterHostServiceClient } from '../gen/cliver/v1/adapter';
import { AgentServiceClient } from '../gen/cliver/v1/agent';
import { SessionsServiceClient } from '../gen/cliver/v1/sessions';
import { CoreServiceClient } from '../gen/cliver/v1/core';
import { LeaseServiceClient } from '../gen/cliver/v1/lease';
import { SchedulerServiceClient } from '../gen/cliver/v1/scheduler';
import { ServiceInfoServiceClient } from '../gen/cliver/v1/service_info';
import { call } from './call';
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

/** Clients of everything agent-core serves. grpc-js shares one connection per address. */
export function agentCoreClients(address: string) {
  return {
    core: new CoreServiceClient(address, insecure, CHANNEL_OPTIONS),
    lease: new LeaseServiceClient(address, insecure, CHANNEL_OPTIONS),
    agent: new AgentServiceClient(address, insecure, CHANNEL_OPTIONS),
    sessions: new SessionsServiceClient(address, insecure, CHANNEL_OPTIONS),
    info: new ServiceInfoServiceClient(address, insecure, CHANNEL_OPTIONS),
  };
}
export type AgentCoreClients = ReturnType<typeof agentCoreClients>;

export function adapterHostClients(address: string) {
  return {
    adapters: new AdapterHostServiceClient(address, insecure, CHANNEL_OPTIONS),
    info: new ServiceInfoServiceClient(address, insecure, CHANNEL_OPTIONS),
  };
}

export function schedulerClients(address: string) {
  return {
    scheduler: new SchedulerServiceClient(address, insecure, CHANNEL_OPTIONS),
    info: new ServiceInfoServiceClient(address, insecure, CHANNEL_OPTIONS),
  };
}

export function serviceInfoClient(address: string): ServiceInfoServiceClient {
  return new ServiceInfoServiceClient(address, insecure, CHANNEL_OPTIONS);
}

export type HealthState = keyof typeof ServingStatus;

/** Asks a gRPC server's standard health service; rejects (AppError) when it does not answer. */
export async function checkHealth(address: string, deadlineMs = 1000): Promise<HealthState> {
  const client = new HealthClient(address, insecure, CHANNEL_OPTIONS);
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
