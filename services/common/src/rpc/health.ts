import type { ServerWritableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthService,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from '../gen/grpc/health/v1/health';
import { AppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import { grpcService, unary, type GrpcService } from './serve';

export { ServingStatus };

/**
 * The standard grpc.health.v1 service for this process (the overall status, service name "").
 * Watchers are told of every change until they hang up.
 */
export class HealthStatus {
  private status = ServingStatus.NOT_SERVING;
  private readonly watchers = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>();

  set(status: ServingStatus): void {
    this.status = status;
    for (const w of this.watchers) w.write({ status });
  }

  service(log: Logger): GrpcService<HealthServer> {
    return grpcService(HealthService, {
      check: unary(log, 'Health.Check', (req) => {
        if (req.service !== '') throw new AppError('not_found', `unknown service "${req.service}"`);
        return { status: this.status };
      }),
      list: unary(log, 'Health.List', () => ({ statuses: { '': { status: this.status } } })),
      watch: (call) => {
        call.write({ status: call.request.service === '' ? this.status : ServingStatus.SERVICE_UNKNOWN });
        this.watchers.add(call);
        call.once('cancelled', () => this.watchers.delete(call));
      },
    });
  }
}
