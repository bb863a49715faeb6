import { ServiceInfoServiceService, ServiceRole, type ServiceInfo, type ServiceInfoServiceServer } from '../gen/cliver/v1/service_info';
import type { Logger } from '../logging/logger';
import { grpcService, unary, type GrpcService } from './serve';

export const VERSION = '0.1.0';

/** The ServiceInfo service every process serves; `describe` is read at call time (role changes). */
export function serviceInfoService(log: Logger, describe: () => ServiceInfo): GrpcService<ServiceInfoServiceServer> {
  return grpcService(ServiceInfoServiceService, {
    getServiceInfo: unary(log, 'GetServiceInfo', () => ({ info: describe() })),
  });
}

export { ServiceRole };
