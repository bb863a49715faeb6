import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '@cliver/common';
import type { HealthDeps } from '../status/gateway-health';
import { errorHandler, notFound } from './error-handler';
import { healthRoutes } from './routes/health';

export interface AppDeps {
  log: Logger;
  health: HealthDeps;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(healthRoutes(deps.health));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
