import { grpcService, SchedulerServiceService, unary, type GrpcService, type LeaseKeeper, type Logger, type SchedulerServiceServer } from '@cliver/common';
import type { Clock } from '../clock';

export function schedulerRpc(log: Logger, clock: Clock, keeper: LeaseKeeper): GrpcService<SchedulerServiceServer> {
  return grpcService(SchedulerServiceService, {
    getSchedulerStatus: unary(log, 'GetSchedulerStatus', () => ({
      isLeader: keeper.isLeader,
      leaseToken: keeper.leaseToken,
      lastTickAtMs: clock.lastTick,
    })),
  });
}
