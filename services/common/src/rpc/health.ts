import type { ServerWritableStream } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthService,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from '../gen/grpc/health/v1/health';
import { AppError } from '../errors/app-error';
import type { Logger } from '../logging/logger';
import { unary, type GrpcService } from './serve';

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

  service(log: Logger): GrpcService {
    const statusOf = (name: string) => {
      if (name !== '') throw new AppError('not_found', `unknown service "${name}"`);
      return { status: this.status };
    };
    return {
      definition: HealthService,
      implementation: {
        check: unary(log, 'Health.Check', (req: HealthCheckRequest) => statusOf(req.service)),
        list: unary(log, 'Health.List', () => ({ statuses: { '': { status: this.status } } })),
        watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
          call.write({ status: call.request.service === '' ? this.status : ServingStatus.SERVICE_UNKNOWN });
          this.watchers.add(call);
          call.once('cancelled', () => this.watchers.delete(call));
        },
      },
    };
  }
}
