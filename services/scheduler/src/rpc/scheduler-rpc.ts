import { SchedulerServiceService, unary, type GrpcService, type LeaseKeeper, type Logger } from '@cliver/common';
import type { Clock } from '../clock';

export function schedulerRpc(log: Logger, clock: Clock, keeper: LeaseKeeper): GrpcService {
  return {
    definition: SchedulerServiceService,
    implementation: {
      getSchedulerStatus: unary(log, 'GetSchedulerStatus', () => ({
        isLeader: keeper.isLeader,
        leaseToken: keeper.leaseToken,
        lastTickAtMs: clock.lastTick,
      })),
    },
  };
}
