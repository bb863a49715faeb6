import { CoreServiceService, grpcService, unary, type CoreServiceServer, type GrpcService, type Logger } from '@cliver/common';
import type { AdapterStatusBoard } from '../adapters/adapter-status-board';
import type { LeaseRepo } from '../store/lease-repo';
import type { StatusRepo } from '../store/status-repo';

export interface CoreRpcDeps {
  log: Logger;
  leases: LeaseRepo;
  status: StatusRepo;
  board: AdapterStatusBoard;
  startedAtMs: number;
  now: () => number;
}

export const ADAPTER_HOST_LEASE = 'adapter-host';

export function coreRpc({ log, leases, status, board, startedAtMs, now }: CoreRpcDeps): GrpcService<CoreServiceServer> {
  return grpcService(CoreServiceService, {
    getCoreStatus: unary(log, 'GetCoreStatus', () => {
      const snapshot = board.snapshot();
      const nowMs = now();
      return {
        startedAtMs,
        tasksRun: status.countTaskRuns(),
        schemaVersion: status.schemaVersion(),
        // A lease whose holder is known dead is shown as free, so /health notices at once.
        leases: leases.list().map((l) => (leases.isHeld(l, nowMs) ? l : { ...l, holder: undefined })),
        adapters: snapshot.adapters,
        adaptersReportedAtMs: snapshot.reportedAtMs,
      };
    }),
    reportAdapterStatus: unary(log, 'ReportAdapterStatus', (req) => {
      leases.checkFence(ADAPTER_HOST_LEASE, req.holderId, req.token, now());
      board.update(req.adapters, now());
      return {};
    }),
  });
}
