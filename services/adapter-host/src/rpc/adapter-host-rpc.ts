import { AdapterHostServiceService, grpcService, unary, type AdapterHostServiceServer, type GrpcService, type LeaseKeeper, type Logger } from '@cliver/common';
import type { AdapterRegistry } from '../status/adapter-registry';

export function adapterHostRpc(log: Logger, registry: AdapterRegistry, keeper: LeaseKeeper): GrpcService<AdapterHostServiceServer> {
  return grpcService(AdapterHostServiceService, {
    getAdapterStatus: unary(log, 'GetAdapterStatus', () => ({ adapters: registry.list(), isLeader: keeper.isLeader })),
  });
}
